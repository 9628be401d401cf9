"""Migration 0080 on a database with data: free-text units become catalogue codes,
quantities and prices keep their values, the new terms take their defaults."""

import sqlite3
from pathlib import Path

from alembic import command
from alembic.config import Config

REPO = Path(__file__).resolve().parents[2]
NOW = "2026-01-10 09:00:00"


def _migrate(url: str, revision: str) -> None:
    config = Config(str(REPO / "alembic.ini"))
    config.attributes["database_url"] = url
    command.upgrade(config, revision)


def test_existing_units_are_mapped_and_values_kept(tmp_path: Path) -> None:
    path = tmp_path / "before.db"
    url = f"sqlite+aiosqlite:///{path}"
    _migrate(url, "0070")
    with sqlite3.connect(path) as db:
        db.execute(
            "INSERT INTO firms (id, name, vat_number, region, size_class, description, status,"
            " verified, created_at, updated_at) VALUES"
            " (1, 'Lanificio', '00743110157', 'Toscana', 'small', '', 'active', 1, ?, ?),"
            " (2, 'Tintoria', '01234560485', 'Toscana', 'small', '', 'active', 1, ?, ?)",
            (NOW,) * 4,
        )
        for order_id, unit in ((1, " Metri "), (2, "PEZZI"), (3, "barili")):
            db.execute(
                "INSERT INTO orders (id, client_firm_id, title, description, phase, quantity,"
                " unit, target_unit_price, bid_deadline, delivery_due, visibility, sealed,"
                " region, status, revision, hidden, created_at, updated_at) VALUES"
                " (?, 1, 'Tessuto', '', 'dyeing', 1500, ?, 3.25, ?, '2026-02-01', 'public',"
                " 0, 'Toscana', 'awarded', 1, 0, ?, ?)",
                (order_id, unit, NOW, NOW, NOW),
            )
        db.execute(
            "INSERT INTO bids (id, order_id, firm_id, unit_price, total_price, delivery_date,"
            " notes, status, order_revision, hidden, created_at, updated_at) VALUES"
            " (1, 1, 2, 3.1, 4650, '2026-01-30', '', 'awarded', 1, 0, ?, ?)",
            (NOW, NOW),
        )
        db.execute(
            "INSERT INTO contracts (id, order_id, bid_id, client_firm_id, supplier_firm_id,"
            " phase, quantity, unit, unit_price, total_price, due_date, status, created_at)"
            " VALUES (1, 1, 1, 1, 2, 'dyeing', 1500, 'mt', 3.1, 4650, '2026-01-30',"
            " 'active', ?)",
            (NOW,),
        )
        db.execute(
            "INSERT INTO reference_tariffs (id, phase, unit, version, min_price, typical_price,"
            " valid_from, note, created_at) VALUES"
            " (1, 'dyeing', 'metri', 1, 1.2, 1.6, '2026-01-01', '', ?),"
            " (2, 'dyeing', 'm', 1, 1.3, 1.7, '2026-01-01', '', ?)",
            (NOW, NOW),
        )
    _migrate(url, "0080")
    with sqlite3.connect(path) as db:
        orders = dict(db.execute("SELECT id, unit FROM orders").fetchall())
        assert orders == {1: "m", 2: "pz", 3: "barili"}  # unknown units stay, cleaned
        assert db.execute("SELECT unit, quantity FROM contracts").fetchone() == ("m", 1500)
        terms = db.execute(
            "SELECT vat_rate, payment_method, payment_days, payment_end_of_month,"
            " delivery_tolerance_percent FROM orders WHERE id = 1"
        ).fetchone()
        assert terms == (22, "bonifico", 30, 0, 0)
        assert db.execute("SELECT unit_price FROM bids").fetchone() == (3.1,)
        # Version 1 of (dyeing, m) exists already: the synonym's row is left as it was.
        tariffs = dict(db.execute("SELECT id, unit FROM reference_tariffs").fetchall())
        assert tariffs == {1: "metri", 2: "m"}
        assert db.execute("SELECT count(*) FROM units").fetchone() == (13,)
        assert db.execute("SELECT country FROM firms WHERE id = 1").fetchone() == ("IT",)
