"""The one place a unit of measure is read.

Orders carry a short unit code typed by the client ("kg", " M ", "pz"); a units catalogue
(``GET /units``) is coming. Until it lands a unit is its code stripped and lower-cased;
tariffs, bids and capacity calendars all go through ``normalise_unit`` so pointing it at
the catalogue later changes nothing else.
"""

from sqlalchemy import func
from sqlalchemy.sql.elements import ColumnElement

from distretto.kit.errors import Invalid

MAX_UNIT_LENGTH = 20


def normalise_unit(raw: str, field: str = "unit") -> str:
    code = raw.strip().lower()
    if not code or len(code) > MAX_UNIT_LENGTH:
        raise Invalid(
            field,
            f"must be a unit code of 1 to {MAX_UNIT_LENGTH} characters",
            code="unit.invalid",
            params={"max_length": MAX_UNIT_LENGTH},
        )
    return code


def normalised_unit_column(column: ColumnElement[str] | object) -> ColumnElement[str]:
    """``normalise_unit`` in SQL, for units stored as typed (orders, contracts)."""
    return func.lower(func.trim(column))
