"""The ``distretto`` command: serve, migrate, create-staff, seed-demo."""

import asyncio
from pathlib import Path
from typing import Annotated, Any

import typer
import uvicorn

from distretto.config import Settings, get_settings

cli = typer.Typer(
    help="Distretto: the digital platform of an industrial district.", no_args_is_help=True
)
reputation_cli = typer.Typer(help="Reputation scores.", no_args_is_help=True)
cli.add_typer(reputation_cli, name="reputation")
REPO_ROOT = Path(__file__).resolve().parents[2]


def run_migrations(database_url: str | None = None) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config(str(REPO_ROOT / "alembic.ini"))
    config.attributes["database_url"] = database_url or get_settings().database_url
    # One head: a second one is a merge to write (tests/architecture/test_migrations.py).
    command.upgrade(config, "head")


@cli.command()
def migrate() -> None:
    """Apply every migration to DISTRETTO_DATABASE_URL."""
    run_migrations()
    typer.echo("database is up to date")


def websocket_server_options(settings: Settings) -> dict[str, Any]:
    """uvicorn's websocket settings (``bench/wsmemory.py`` measures their cost per socket)."""
    return {
        # The sans-I/O implementation keeps no task of its own per socket (keepalive pings
        # are loop timers) and reads one message at a time, so ``ws_max_queue`` (a
        # setting of the legacy implementation) does not apply. Measured with 2,000
        # sockets: 24 KB per socket, against 32 KB for the legacy "websockets" (and 21 KB
        # for "wsproto", which would be one more dependency).
        "ws": "websockets-sansio",
        # Compression keeps zlib state per socket; our messages are small JSON.
        "ws_per_message_deflate": False,
        # Refuse oversized websocket frames in the protocol layer, before they are buffered.
        "ws_max_size": settings.ws_max_message_bytes,
    }


@cli.command()
def serve(
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option()] = 8000,
    workers: Annotated[int, typer.Option(help="processes (use Redis when > 1)")] = 1,
) -> None:
    """Serve the API (and the built web app) with uvicorn."""
    uvicorn.run(
        "distretto.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        **websocket_server_options(get_settings()),
        proxy_headers=True,
        server_header=False,
        log_level="info",
    )


@cli.command("create-staff")
def create_staff(
    email: str, password: Annotated[str, typer.Option(prompt=True, hide_input=True)]
) -> None:
    """Create an association staff account (or promote an existing one)."""
    from distretto.seed.staff import create_staff_user

    user_id = asyncio.run(create_staff_user(get_settings(), email, password))
    typer.echo(f"staff user {email} ready (id {user_id})")


@cli.command("seed-demo")
def seed_demo() -> None:
    """Fill an empty database with a believable demo district."""
    from distretto.seed.demo import seed

    summary = asyncio.run(seed(get_settings()))
    typer.echo(summary)


def main() -> None:
    cli()


async def recompute_database(settings: Settings) -> str:
    """Recompute every firm now, in its own transaction; returns the summary."""
    # Imported here: the ``distretto`` command loads this module for every subcommand.
    from distretto.app import build_context, close_context
    from distretto.kit import clock
    from distretto.reputation.service import recompute_all

    ctx = build_context(settings)
    try:
        async with ctx.sessionmaker() as session:
            summary = await recompute_all(session, clock.now())
            await session.commit()
            return summary.describe()
    finally:
        await close_context(ctx)


@reputation_cli.command()
def recompute() -> None:
    """Recompute every firm's reputation from scratch (run it daily: recency decays)."""
    typer.echo(asyncio.run(recompute_database(get_settings())))
