"""Reputation: current scores, their history, and the district means they shrink toward.

Written only by the reputation feature, from completed contracts and released reviews.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, Index, String
from sqlmodel import Field, SQLModel

from distretto.kit import clock
from distretto.models.base import BigId, UTCDateTime


class ReputationScore(SQLModel, table=True):
    """Current score of a firm in one role, overall (phase '*') or in one phase."""

    __tablename__ = "reputation_scores"

    firm_id: int = Field(
        sa_column=Column(ForeignKey("firms.id", ondelete="CASCADE"), primary_key=True)
    )
    role: str = Field(sa_column=Column(String(10), primary_key=True))
    phase: str = Field(sa_column=Column(String(40), primary_key=True))
    score: float | None = Field(default=None)
    contracts: int = Field(default=0)
    components: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    formula_version: str = Field(max_length=20)
    updated_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)


class ReputationSnapshot(SQLModel, table=True):
    """The overall score after each change, for the chart of a firm's score over time."""

    __tablename__ = "reputation_snapshots"
    __table_args__ = (Index("ix_reputation_snapshots_firm", "firm_id", "role", "at"),)

    id: int | None = Field(default=None, sa_type=BigId, primary_key=True)
    firm_id: int = Field(
        sa_column=Column(ForeignKey("firms.id", ondelete="CASCADE"), nullable=False)
    )
    role: str = Field(max_length=10)
    score: float | None = Field(default=None)
    contracts: int = Field(default=0)
    at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)


class ReputationDistrictMean(SQLModel, table=True):
    """The district's mean of each reputation signal as of the start of a UTC day.

    Written by the daily recompute; every score computed until the next one shrinks
    toward the latest row, so an update made for one contract and a full recompute at
    the same instant agree exactly.
    """

    __tablename__ = "reputation_district_means"

    formula_version: str = Field(sa_column=Column(String(20), primary_key=True))
    role: str = Field(sa_column=Column(String(10), primary_key=True))
    as_of: datetime = Field(sa_column=Column(UTCDateTime, primary_key=True))
    means: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    contracts: int = Field(default=0)
    computed_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
