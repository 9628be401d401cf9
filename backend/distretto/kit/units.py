"""The one place a unit of measure is read: the district's units catalogue.

Orders, tariffs and capacity calendars carry a unit code from this catalogue
(``GET /units``). A client may type a code in any case or with spaces ("KG ", "M") or a
common Italian or English synonym ("metri", "pezzi", "pairs"): ``normalise_unit`` turns
each into the catalogue's code, so "m" and "metri" never split the statistics, and refuses
any other unit (422 ``unit.unknown``). The catalogue is reference data: migration 0080
loads the same rows into the ``units`` table (a test holds the two equal).
"""

from dataclasses import dataclass

from sqlalchemy import func
from sqlalchemy.sql.elements import ColumnElement

from distretto.kit.errors import Invalid
from distretto.models.trade import UnitKind

MAX_UNIT_LENGTH = 20


@dataclass(frozen=True, slots=True)
class UnitOfMeasure:
    code: str
    name_it: str
    name_en: str
    kind: UnitKind


# The units a textile and leather district trades in: fabric and yarn by the metre or the
# kilo, garments and shoes by the piece or the pair, leather by the square foot or metre.
UNITS: tuple[UnitOfMeasure, ...] = (
    UnitOfMeasure("pz", "pezzi", "pieces", UnitKind.COUNT),
    UnitOfMeasure("capi", "capi", "garments", UnitKind.COUNT),
    UnitOfMeasure("paia", "paia", "pairs", UnitKind.COUNT),
    UnitOfMeasure("rocche", "rocche", "cones", UnitKind.COUNT),
    UnitOfMeasure("pelli", "pelli", "hides", UnitKind.COUNT),
    UnitOfMeasure("m", "metri", "metres", UnitKind.LENGTH),
    UnitOfMeasure("cm", "centimetri", "centimetres", UnitKind.LENGTH),
    UnitOfMeasure("kg", "chilogrammi", "kilograms", UnitKind.MASS),
    UnitOfMeasure("g", "grammi", "grams", UnitKind.MASS),
    UnitOfMeasure("t", "tonnellate", "tonnes", UnitKind.MASS),
    UnitOfMeasure("m2", "metri quadrati", "square metres", UnitKind.AREA),
    UnitOfMeasure("dm2", "decimetri quadrati", "square decimetres", UnitKind.AREA),
    UnitOfMeasure("ft2", "piedi quadrati", "square feet", UnitKind.AREA),
)
UNIT_CODES = frozenset(u.code for u in UNITS)

# Free-text spellings seen in the district, mapped to the catalogue's codes (also what
# migration 0080 used to map the units typed before the catalogue existed).
SYNONYMS: dict[str, str] = {
    "pezzi": "pz",
    "pezzo": "pz",
    "pz.": "pz",
    "pc": "pz",
    "pcs": "pz",
    "pieces": "pz",
    "n": "pz",
    "nr": "pz",
    "capo": "capi",
    "garments": "capi",
    "paio": "paia",
    "pairs": "paia",
    "pair": "paia",
    "rocca": "rocche",
    "cones": "rocche",
    "pelle": "pelli",
    "hides": "pelli",
    "metri": "m",
    "metro": "m",
    "mt": "m",
    "mtr": "m",
    "ml": "m",
    "metres": "m",
    "meters": "m",
    "kgs": "kg",
    "kilo": "kg",
    "chili": "kg",
    "chilogrammi": "kg",
    "grammi": "g",
    "gr": "g",
    "mq": "m2",
    "m²": "m2",
    "sqm": "m2",
    "dmq": "dm2",
    "dm²": "dm2",
    "ft²": "ft2",
    "sqft": "ft2",
    "piedi": "ft2",
}


def unit_code(raw: str) -> str | None:
    """The catalogue code ``raw`` names, or None."""
    code = raw.strip().lower()
    code = SYNONYMS.get(code, code)
    return code if code in UNIT_CODES else None


def normalise_unit(raw: str, field: str = "unit") -> str:
    code = raw.strip().lower()
    if not code or len(code) > MAX_UNIT_LENGTH:
        raise Invalid(
            field,
            f"must be a unit code of 1 to {MAX_UNIT_LENGTH} characters",
            code="unit.invalid",
            params={"max_length": MAX_UNIT_LENGTH},
        )
    known = unit_code(code)
    if known is None:
        raise Invalid(
            field,
            "is not a unit of the catalogue (GET /units)",
            code="unit.unknown",
            params={"unit": raw.strip()},
        )
    return known


def normalised_unit_column(column: ColumnElement[str] | object) -> ColumnElement[str]:
    """``normalise_unit`` in SQL, for units stored as typed before the catalogue."""
    return func.lower(func.trim(column))
