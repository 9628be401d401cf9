"""``distretto guarantees expire``: the daily sweep that marks expired guarantees."""

import asyncio

import typer

from distretto.config import Settings, get_settings

guarantees_cli = typer.Typer(help="Confidi guarantees.", no_args_is_help=True)


async def expire_database(settings: Settings) -> int:
    # Imported here: the ``distretto`` command loads this module for every subcommand.
    from distretto.app import build_context, close_context
    from distretto.db import session_scope
    from distretto.guarantees.service import expire_due
    from distretto.kit.clock import system_clock

    ctx = build_context(settings)
    try:
        # session_scope publishes the guarantee.decided events once committed.
        async with session_scope(ctx.sessionmaker, None) as session:
            return await expire_due(session, system_clock())
    finally:
        await close_context(ctx)


@guarantees_cli.command()
def expire() -> None:
    """Mark approved guarantees past their expiry day as expired (run it daily)."""
    count = asyncio.run(expire_database(get_settings()))
    typer.echo(f"{count} guarantee(s) expired")
