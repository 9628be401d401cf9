"""``distretto reputation …``: maintenance commands for the reputation scores."""

import asyncio

import typer

from distretto.config import Settings, get_settings

reputation_cli = typer.Typer(help="Reputation scores.", no_args_is_help=True)


async def recompute_database(settings: Settings) -> str:
    """Recompute every firm now, in its own transaction; returns the summary."""
    # Imported here: the ``distretto`` command loads this module for every subcommand.
    from distretto.app import build_context, close_context
    from distretto.kit.clock import system_clock
    from distretto.reputation.service import recompute_all

    ctx = build_context(settings)
    try:
        async with ctx.sessionmaker() as session:
            summary = await recompute_all(session, system_clock())
            await session.commit()
            return summary.describe()
    finally:
        await close_context(ctx)


@reputation_cli.command()
def recompute() -> None:
    """Recompute every firm's reputation from scratch (run it daily: recency decays)."""
    typer.echo(asyncio.run(recompute_database(get_settings())))
