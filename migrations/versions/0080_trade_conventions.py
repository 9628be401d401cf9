"""Trade conventions (issue 13): units catalogue, decimal quantities and sub-cent unit
prices, VAT and payment terms, delivery lots, firm country and billing data.

Revision ID: 0080
Revises: 0070
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0080"
down_revision: str | None = "0070"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The catalogue as of this migration (kept here, not imported, so the migration never
# changes with the code; a test holds it equal to ``distretto.kit.units.UNITS``).
UNITS = (
    ("pz", "pezzi", "pieces", "count"),
    ("capi", "capi", "garments", "count"),
    ("paia", "paia", "pairs", "count"),
    ("rocche", "rocche", "cones", "count"),
    ("pelli", "pelli", "hides", "count"),
    ("m", "metri", "metres", "length"),
    ("cm", "centimetri", "centimetres", "length"),
    ("kg", "chilogrammi", "kilograms", "mass"),
    ("g", "grammi", "grams", "mass"),
    ("t", "tonnellate", "tonnes", "mass"),
    ("m2", "metri quadrati", "square metres", "area"),
    ("dm2", "decimetri quadrati", "square decimetres", "area"),
    ("ft2", "piedi quadrati", "square feet", "area"),
)
# Free-text units typed before the catalogue, mapped to its codes.
SYNONYMS = {
    "pezzi": "pz", "pezzo": "pz", "pz.": "pz", "pc": "pz", "pcs": "pz", "pieces": "pz",
    "n": "pz", "nr": "pz", "capo": "capi", "garments": "capi", "paio": "paia",
    "pairs": "paia", "pair": "paia", "rocca": "rocche", "cones": "rocche", "pelle": "pelli",
    "hides": "pelli", "metri": "m",
    "metro": "m", "mt": "m", "mtr": "m", "ml": "m", "metres": "m", "meters": "m",
    "kgs": "kg", "kilo": "kg", "chili": "kg", "chilogrammi": "kg", "grammi": "g",
    "gr": "g", "mq": "m2", "m²": "m2", "sqm": "m2", "dmq": "dm2", "dm²": "dm2",
    "ft²": "ft2", "sqft": "ft2", "piedi": "ft2",
}  # fmt: skip
KINDS = "kind IN ('count','length','mass','area')"
METHODS = "payment_method IN ('bonifico','riba','rid')"
NATURES = "vat_nature IS NULL OR vat_nature IN ('N3.1','N3.2','N6.1','N6.2','N6.9')"
LOT_STATUSES = "status IN ('pending','accepted','disputed')"
DAYS = "payment_days BETWEEN 30 AND 120"


# (name, SQL type, default, CHECK name, CHECK) of the terms columns of orders (all),
# contracts (all but payment_days' CHECK) and bids (payment only).
PAYMENT = (
    ("payment_method", "VARCHAR(10)", "'bonifico'", "payment_method", METHODS),
    ("payment_days", "INTEGER", "30", "payment_days", DAYS),
    ("payment_end_of_month", "BOOLEAN", "false", None, None),
)
VAT = (
    ("vat_rate", "NUMERIC(5, 2)", "22.00", None, None),
    ("vat_nature", "VARCHAR(6)", None, "vat_nature", NATURES),
    ("delivery_tolerance_percent", "NUMERIC(5, 2)", "0.00", None, None),
)
TERMS = {
    "orders": PAYMENT + VAT,
    "bids": PAYMENT,
    "contracts": (PAYMENT[0], (*PAYMENT[1][:3], None, None), PAYMENT[2], *VAT),
}
# Exact decimals on PostgreSQL (SQLite's type affinity already keeps 1250.5 and 0.035).
QUANTITY = ("quantity", sa.Numeric(15, 3), False)
DECIMALS = {
    "orders": (QUANTITY, ("target_unit_price", sa.Numeric(14, 4), True)),
    "bids": (("unit_price", sa.Numeric(14, 4), False),),
    "contracts": (QUANTITY, ("unit_price", sa.Numeric(14, 4), False)),
}


def _add_terms(table: str, sqlite: bool) -> None:
    """The terms columns with their CHECKs. On SQLite an ADD COLUMN carries its CHECK
    inline: rebuilding a table that others reference (batch mode) would, with foreign keys
    on, delete or orphan their rows (DROP TABLE runs an implicit DELETE with cascades)."""
    for name, sql_type, default, check_name, check in TERMS[table]:
        if default == "false" and sqlite:
            default = "0"
        column = f"{name} {sql_type}"
        column += f" DEFAULT {default} NOT NULL" if default is not None else ""
        if sqlite and check is not None:
            column += f" CONSTRAINT ck_{table}_{check_name} CHECK ({check})"
        op.execute(f"ALTER TABLE {table} ADD COLUMN {column}")
        if not sqlite and check is not None:
            op.create_check_constraint(op.f(f"ck_{table}_{check_name}"), table, check)


def _map_units() -> None:
    """Free-text units become catalogue codes ("Metri " → "m"); units the catalogue does not
    know stay as typed (stripped, lower-cased) for their owners to correct."""
    for table in ("orders", "contracts", "capacity_bookings"):
        op.execute(f"UPDATE {table} SET unit = lower(trim(unit))")
        for typed, code in SYNONYMS.items():
            op.execute(
                sa.text(f"UPDATE {table} SET unit = :code WHERE unit = :typed").bindparams(
                    code=code, typed=typed
                )
            )
    # Tariff versions and calendar weeks are unique per unit: a synonym is mapped only
    # where the code has no row of its own already.
    clash = {
        "reference_tariffs": "o.phase = t.phase AND o.version = t.version",
        "capacity_weeks": "o.firm_id = t.firm_id AND o.phase = t.phase"
        " AND o.week_start = t.week_start",
    }
    for table, same_slot in clash.items():
        for typed, code in SYNONYMS.items():
            op.execute(
                sa.text(
                    f"UPDATE {table} SET unit = :code WHERE unit = :typed AND NOT EXISTS"
                    f" (SELECT 1 FROM {table} o, {table} t WHERE t.id = {table}.id"
                    f" AND o.unit = :code AND {same_slot})"
                ).bindparams(code=code, typed=typed)
            )


def upgrade() -> None:
    units = op.create_table(
        "units",
        sa.Column("code", sa.String(10), primary_key=True),
        sa.Column("name_it", sa.String(60), nullable=False),
        sa.Column("name_en", sa.String(60), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.CheckConstraint(KINDS, name=op.f("ck_units_kind")),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_units")),
    )
    op.bulk_insert(
        units,
        [{"code": c, "name_it": i, "name_en": e, "kind": k} for c, i, e, k in UNITS],
    )
    _map_units()

    sqlite = op.get_bind().dialect.name == "sqlite"
    for table in ("orders", "bids", "contracts"):
        _add_terms(table, sqlite)
        if not sqlite:
            for name, type_, nullable in DECIMALS[table]:
                op.alter_column(table, name, type_=type_, existing_nullable=nullable)
    if not sqlite:
        op.alter_column("firms", "vat_number", type_=sa.String(16), existing_nullable=False)
    op.add_column("firms", sa.Column("country", sa.String(2), nullable=False, server_default="IT"))
    for name, length in (
        ("address", 200),
        ("postal_code", 10),
        ("city", 80),
        ("sdi_code", 7),
        ("pec", 254),
        ("fiscal_code", 16),
        ("rea", 20),
    ):
        op.add_column("firms", sa.Column(name, sa.String(length), nullable=True))

    op.create_table(
        "delivery_lots",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("contract_id", sa.BigInteger(), nullable=False),
        sa.Column("quantity", sa.Numeric(15, 3), nullable=False),
        sa.Column("ddt_number", sa.String(40), nullable=False),
        sa.Column("ddt_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("accepted_quantity", sa.Numeric(15, 3), nullable=False),
        sa.Column("rejected_quantity", sa.Numeric(15, 3), nullable=False),
        sa.Column("note", sa.String(2000), nullable=False),
        sa.Column("on_time", sa.Boolean(), nullable=False),
        sa.Column("recorded_by_user_id", sa.Integer(), nullable=True),
        sa.Column("checked_by_user_id", sa.Integer(), nullable=True),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(LOT_STATUSES, name=op.f("ck_delivery_lots_status")),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_delivery_lots_quantity_positive")),
        sa.CheckConstraint(
            "accepted_quantity >= 0", name=op.f("ck_delivery_lots_accepted_not_negative")
        ),
        sa.CheckConstraint(
            "rejected_quantity >= 0", name=op.f("ck_delivery_lots_rejected_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["contracts.id"],
            name=op.f("fk_delivery_lots_contract_id_contracts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_user_id"],
            ["users.id"],
            name=op.f("fk_delivery_lots_recorded_by_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["checked_by_user_id"],
            ["users.id"],
            name=op.f("fk_delivery_lots_checked_by_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delivery_lots")),
    )
    op.create_index("ix_delivery_lots_contract", "delivery_lots", ["contract_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_delivery_lots_contract", table_name="delivery_lots")
    op.drop_table("delivery_lots")
    for name in ("rea", "fiscal_code", "pec", "sdi_code", "city", "postal_code", "address"):
        op.drop_column("firms", name)
    op.drop_column("firms", "country")
    # SQLite (3.35+) drops a column only without a CHECK: the terms stay there.
    if op.get_bind().dialect.name != "sqlite":
        for table, columns in TERMS.items():
            for name, _, _, check_name, check in columns:
                if check is not None:
                    op.drop_constraint(op.f(f"ck_{table}_{check_name}"), table, type_="check")
                op.drop_column(table, name)
    op.drop_table("units")
