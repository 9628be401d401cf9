"""One alembic head: two heads mean two branches nobody merged, and ``distretto migrate``
(which upgrades to "head") would refuse to run."""

from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory

REPO = Path(__file__).resolve().parents[2]


def test_the_migrations_have_exactly_one_head() -> None:
    scripts = ScriptDirectory.from_config(Config(str(REPO / "alembic.ini")))
    heads = scripts.get_heads()
    assert len(heads) == 1, f"merge these heads with `alembic merge`: {sorted(heads)}"
