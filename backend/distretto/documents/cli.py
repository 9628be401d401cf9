"""``distretto documents …``: the sweep of unreferenced files and the expiry notices."""

import asyncio
from datetime import timedelta
from typing import Annotated

import typer

from distretto.config import Settings, get_settings

documents_cli = typer.Typer(help="Stored documents and firm credentials.", no_args_is_help=True)


async def sweep_storage(settings: Settings, grace_hours: float) -> str:
    # Imported here: the ``distretto`` command loads this module for every subcommand.
    from distretto.app import build_context, close_context
    from distretto.documents.storage import storage_from_settings
    from distretto.documents.sweep import sweep
    from distretto.kit.clock import system_clock

    ctx = build_context(settings)
    try:
        summary = await sweep(
            ctx.sessionmaker,
            storage_from_settings(settings),
            system_clock(),
            timedelta(hours=grace_hours),
        )
        return summary.describe()
    finally:
        await close_context(ctx)


async def send_expiry_notices(settings: Settings) -> int:
    from distretto.app import build_context, close_context
    from distretto.documents.credentials import notify_expiring
    from distretto.kit.clock import system_clock

    ctx = build_context(settings)
    try:
        async with ctx.sessionmaker() as session:
            sent = await notify_expiring(session, system_clock())
            await session.commit()
            return sent
    finally:
        await close_context(ctx)


@documents_cli.command("sweep")
def sweep_command(
    grace_hours: Annotated[
        float | None,
        typer.Option(help="keep objects younger than this (default DOCUMENTS_SWEEP_GRACE_HOURS)"),
    ] = None,
) -> None:
    """Delete stored files no row refers to (left by failed uploads or removed files)."""
    settings = get_settings()
    hours = settings.documents_sweep_grace_hours if grace_hours is None else grace_hours
    typer.echo(asyncio.run(sweep_storage(settings, hours)))


@documents_cli.command("notify-expiring")
def notify_expiring_command() -> None:
    """Tell firms about approved credentials expiring within 30 days (run daily)."""
    sent = asyncio.run(send_expiry_notices(get_settings()))
    typer.echo(f"{sent} expiry notices sent")
