"""What the demo seed has created so far, handed from one seeding step to the next."""

import random
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from distretto.config import Settings

DEMO_PASSWORD = "distretto-demo"


@dataclass
class DemoFirm:
    id: int
    name: str
    phases: list[str]
    region: str
    province: str
    owner_user_id: int
    owner_email: str
    ownership_group_id: int | None = None


@dataclass
class DemoWorld:
    session: AsyncSession
    rng: random.Random
    password_hash: str
    firms: list[DemoFirm] = field(default_factory=list)
    final_firms: list[DemoFirm] = field(default_factory=list)
    staff_user_id: int | None = None
    consortia: dict[str, int] = field(default_factory=dict)
    consortium_members: dict[int, list[int]] = field(default_factory=dict)
    consortium_managers: dict[int, int] = field(default_factory=dict)
    # Where steps that store files (documents) find the storage settings.
    settings: Settings | None = None

    def suppliers_for(self, phase: str) -> list[DemoFirm]:
        return [f for f in self.firms if phase in f.phases and f not in self.final_firms]
