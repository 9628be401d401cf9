"""The ``distretto`` command: serve, worker, migrate, create-staff, seed-demo, reputation,
documents, guarantees."""

import asyncio
import os
import signal
from pathlib import Path
from typing import Annotated, Any

import typer
import uvicorn

from distretto.config import Settings, get_settings

cli = typer.Typer(
    help="Distretto: the digital platform of an industrial district.", no_args_is_help=True
)
reputation_cli = typer.Typer(help="Reputation scores.", no_args_is_help=True)
documents_cli = typer.Typer(help="Stored documents and firm credentials.", no_args_is_help=True)
cli.add_typer(reputation_cli, name="reputation")
cli.add_typer(documents_cli, name="documents")
guarantees_cli = typer.Typer(help="Confidi guarantees.", no_args_is_help=True)
cli.add_typer(guarantees_cli, name="guarantees")
jobs_cli = typer.Typer(help="Scheduled jobs (reminders, digests).", no_args_is_help=True)
cli.add_typer(jobs_cli, name="jobs")
mail_cli = typer.Typer(help="Email delivery.", no_args_is_help=True)
cli.add_typer(mail_cli, name="mail")
REPO_ROOT = Path(__file__).resolve().parents[2]


def run_migrations(database_url: str | None = None) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config(str(REPO_ROOT / "alembic.ini"))
    config.attributes["database_url"] = database_url or get_settings().database_url
    # One head: a second one is a merge to write (tests/architecture/test_migrations.py).
    command.upgrade(config, "head")


@cli.command()
def migrate(
    app_role: Annotated[
        str | None,
        typer.Option(help="PostgreSQL: create/update this least-privilege role for the app"),
    ] = None,
    app_password: Annotated[
        str | None, typer.Option(envvar="DISTRETTO_APP_DB_PASSWORD", help="its password")
    ] = None,
) -> None:
    """Apply every migration to DISTRETTO_DATABASE_URL (the owner's URL); with
    --app-role, also grant the app's role what it needs and no more (deploy/README.md)."""
    run_migrations()
    typer.echo("database is up to date")
    if app_role:
        from distretto.dbroles import grant_app_role

        asyncio.run(grant_app_role(get_settings().database_url, app_role, app_password))
        typer.echo(f"role {app_role} may use the app's tables (audit log: insert and read)")


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


def server_options(settings: Settings) -> dict[str, Any]:
    """Everything ``serve`` passes to uvicorn besides the address."""
    return {
        **websocket_server_options(settings),
        # uvicorn never rewrites the client address from headers: the app believes an
        # X-Forwarded-For only from DISTRETTO_TRUSTED_PROXIES (kit.context.client_ip).
        "proxy_headers": False,
        "server_header": False,
    }


@cli.command()
def serve(
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option()] = 8000,
    workers: Annotated[int, typer.Option(help="processes (use Redis when > 1)")] = 1,
) -> None:
    """Serve the API (and the built web app) with uvicorn."""
    typer.echo(f"mail goes to: {describe_mail(get_settings())}")
    uvicorn.run(
        "distretto.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        **server_options(get_settings()),
        log_level="info",
    )


@cli.command()
def worker(
    nice: Annotated[
        int, typer.Option(help="lower the CPU priority by this much (0: as the app)")
    ] = 10,
) -> None:
    """Run notifications, mail and scheduled jobs without serving requests, beside app
    processes started with DISTRETTO_BACKGROUND_JOBS=false. At a lower CPU priority by
    default: on shared cores people's requests go first, mail may wait a moment."""
    settings = get_settings()
    if settings.database_url.startswith("sqlite"):
        # One process serves the embedded database and does its background work itself.
        raise typer.BadParameter(
            "the worker is for app processes sharing PostgreSQL; with SQLite run `serve` alone"
        )
    if nice:
        os.nice(nice)
    typer.echo(f"mail goes to: {describe_mail(settings)}")
    asyncio.run(_work_until_signalled(settings))


async def _work_until_signalled(settings: Settings) -> None:
    from distretto.app import run_worker

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    await run_worker(settings, stop)


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


async def sweep_storage(settings: Settings, grace_hours: float) -> str:
    """Delete stored objects no row refers to; returns the summary."""
    from datetime import timedelta

    from distretto.app import build_context, close_context
    from distretto.documents.storage import storage_from_settings
    from distretto.documents.sweep import sweep
    from distretto.kit import clock

    ctx = build_context(settings)
    try:
        summary = await sweep(
            ctx.sessionmaker,
            storage_from_settings(settings),
            clock.now(),
            timedelta(hours=grace_hours),
        )
        return summary.describe()
    finally:
        await close_context(ctx)


async def send_expiry_notices(settings: Settings) -> int:
    """Notify firms of credentials about to expire, in one transaction; returns how many."""
    from distretto.app import build_context, close_context
    from distretto.documents.credentials import notify_expiring
    from distretto.kit import clock

    ctx = build_context(settings)
    try:
        async with ctx.sessionmaker() as session:
            sent = await notify_expiring(session, clock.now())
            await session.commit()
            return sent
    finally:
        await close_context(ctx)


@documents_cli.command("sweep")
def documents_sweep(
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
def documents_notify_expiring() -> None:
    """Tell firms about approved credentials expiring within 30 days (run daily)."""
    sent = asyncio.run(send_expiry_notices(get_settings()))
    typer.echo(f"{sent} expiry notices sent")


async def expire_database(settings: Settings) -> int:
    """Mark due guarantees expired in one transaction; returns how many."""
    # Imported here: the ``distretto`` command loads this module for every subcommand.
    from distretto.app import build_context, close_context
    from distretto.db import session_scope
    from distretto.guarantees.service import expire_due
    from distretto.kit import clock

    ctx = build_context(settings)
    try:
        # session_scope publishes the guarantee.decided events once committed.
        async with session_scope(ctx.sessionmaker, None) as session:
            return await expire_due(session, clock.now())
    finally:
        await close_context(ctx)


@guarantees_cli.command()
def expire() -> None:
    """Mark approved guarantees past their expiry day as expired (run it daily)."""
    count = asyncio.run(expire_database(get_settings()))
    typer.echo(f"{count} guarantee(s) expired")


def describe_mail(settings: Settings) -> str:
    from distretto.mail.transport import transport_for

    return transport_for(settings).describe()


async def run_jobs(settings: Settings, names: list[str] | None) -> dict[str, int | None]:
    """Fire the due jobs (or those named) once, with the same once-per-slot guarantee as
    the app processes' scheduler."""
    from distretto.app import build_context, close_context, jobs
    from distretto.db import session_scope
    from distretto.kit.scheduling.scheduler import Scheduler

    ctx = build_context(settings)
    try:
        scheduler = Scheduler(jobs(), lambda: session_scope(ctx.sessionmaker, None))
        return await scheduler.tick(names)
    finally:
        await close_context(ctx)


@jobs_cli.command("run")
def jobs_run(
    names: Annotated[list[str] | None, typer.Argument(help="only these jobs")] = None,
) -> None:
    """Run the scheduled jobs due now (for a Kubernetes CronJob, with the app processes'
    own scheduler off: DISTRETTO_BACKGROUND_JOBS=false)."""
    for name, done in asyncio.run(run_jobs(get_settings(), names)).items():
        typer.echo(f"{name}: {'already run for this slot' if done is None else done}")


@jobs_cli.command("list")
def jobs_list() -> None:
    """The scheduled jobs and when they run (daily times on the district clock, Europe/Rome)."""
    from distretto.app import jobs

    for job in jobs():
        typer.echo(f"{job.name}: {job.daily_at or job.every}")


async def send_mail(settings: Settings) -> int:
    from distretto.app import build_context, close_context
    from distretto.mail.sender import MailSender
    from distretto.mail.transport import transport_for

    ctx = build_context(settings)
    try:
        return await MailSender(ctx.sessionmaker, transport_for(settings), settings).run_once()
    finally:
        await close_context(ctx)


@mail_cli.command("send")
def mail_send() -> None:
    """Queue and send the pending email now (the app processes do it every few seconds)."""
    settings = get_settings()
    sent = asyncio.run(send_mail(settings))
    typer.echo(f"{sent} email(s) sent to {describe_mail(settings)}")


async def mail_counts(settings: Settings) -> dict[str, int]:
    from distretto.app import build_context, close_context
    from distretto.mail.service import queue_counts

    ctx = build_context(settings)
    try:
        async with ctx.sessionmaker() as session:
            return await queue_counts(session)
    finally:
        await close_context(ctx)


@mail_cli.command("status")
def mail_status() -> None:
    """How many emails are pending, sent and failed (failed ones keep their error)."""
    counts = asyncio.run(mail_counts(get_settings()))
    for status in ("pending", "sent", "failed"):
        typer.echo(f"{status}: {counts.get(status, 0)}")
