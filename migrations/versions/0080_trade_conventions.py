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


def _terms_columns(with_vat: bool) -> list[sa.Column]:
    columns = [
        sa.Column("payment_method", sa.String(10), nullable=False, server_default="bonifico"),
        sa.Column("payment_days", sa.Integer(), nullable=False, server_default="30"),
        sa.Column("payment_end_of_month", sa.Boolean(), nullable=False, server_default=sa.false()),
    ]
    if with_vat:
        columns += [
            sa.Column("vat_rate", sa.Numeric(5, 2), nullable=False, server_default="22.00"),
            sa.Column("vat_nature", sa.String(6), nullable=True),
            sa.Column(
                "delivery_tolerance_percent",
                sa.Numeric(5, 2),
                nullable=False,
                server_default="0.00",
            ),
        ]
    return columns


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

    # Batch mode: SQLite rebuilds each table to add CHECK constraints and change types.
    with op.batch_alter_table("orders") as batch_op:
        batch_op.alter_column("quantity", type_=sa.Numeric(15, 3), existing_nullable=False)
        batch_op.alter_column("target_unit_price", type_=sa.Numeric(14, 4), existing_nullable=True)
        for column in _terms_columns(with_vat=True):
            batch_op.add_column(column)
        batch_op.create_check_constraint("payment_method", METHODS)
        batch_op.create_check_constraint("vat_nature", NATURES)
        batch_op.create_check_constraint("payment_days", DAYS)
    with op.batch_alter_table("bids") as batch_op:
        batch_op.alter_column("unit_price", type_=sa.Numeric(14, 4), existing_nullable=False)
        for column in _terms_columns(with_vat=False):
            batch_op.add_column(column)
        batch_op.create_check_constraint("payment_method", METHODS)
        batch_op.create_check_constraint("payment_days", DAYS)
    with op.batch_alter_table("contracts") as batch_op:
        batch_op.alter_column("quantity", type_=sa.Numeric(15, 3), existing_nullable=False)
        batch_op.alter_column("unit_price", type_=sa.Numeric(14, 4), existing_nullable=False)
        for column in _terms_columns(with_vat=True):
            batch_op.add_column(column)
        batch_op.create_check_constraint("payment_method", METHODS)
        batch_op.create_check_constraint("vat_nature", NATURES)
    with op.batch_alter_table("firms") as batch_op:
        batch_op.alter_column("vat_number", type_=sa.String(16), existing_nullable=False)
        batch_op.add_column(sa.Column("country", sa.String(2), nullable=False, server_default="IT"))
        for name, length in (
            ("address", 200),
            ("postal_code", 10),
            ("city", 80),
            ("sdi_code", 7),
            ("pec", 254),
            ("fiscal_code", 16),
            ("rea", 20),
        ):
            batch_op.add_column(sa.Column(name, sa.String(length), nullable=True))

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
    with op.batch_alter_table("firms") as batch_op:
        for name in (
            "rea",
            "fiscal_code",
            "pec",
            "sdi_code",
            "city",
            "postal_code",
            "address",
            "country",
        ):
            batch_op.drop_column(name)
    for table, checks, vat in (
        ("contracts", ("payment_method", "vat_nature"), True),
        ("bids", ("payment_method", "payment_days"), False),
        ("orders", ("payment_method", "vat_nature", "payment_days"), True),
    ):
        with op.batch_alter_table(table) as batch_op:
            for check in checks:
                batch_op.drop_constraint(op.f(f"ck_{table}_{check}"), type_="check")
            for column in reversed(_terms_columns(with_vat=vat)):
                batch_op.drop_column(column.name)
    op.drop_table("units")
