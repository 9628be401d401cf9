"""Flags: raising them, the staff queue ordered by weight, and resolving them with a
sanction on the responsible firm."""

from collections import defaultdict

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from distretto.auth.viewer import Viewer
from distretto.kit import clock
from distretto.kit.audit import record
from distretto.kit.context import AppContext
from distretto.kit.errors import Conflict, NotFound, TooManyRequests
from distretto.kit.events import STAFF, emit, firm_key
from distretto.kit.pagination import Page, PageParams
from distretto.models import Firm, Flag
from distretto.models.firms import FirmStatus
from distretto.models.moderation import FlagResolution, FlagStatus
from distretto.moderation import events, policies, sanctions, schemas
from distretto.moderation.repositories.flags import FlagRepository, QueueGroup
from distretto.moderation.repositories.governance import GovernanceRepository
from distretto.moderation.repositories.targets import TargetRecord, TargetRepository
from distretto.moderation.repositories.visibility import VisibilityRepository
from distretto.reputation import service as reputation

FLAG_WINDOW_SECONDS = 60


def _flag_out(flag: Flag) -> schemas.FlagOut:
    return schemas.FlagOut.model_validate(flag, from_attributes=True)


async def _within_flag_rate(ctx: AppContext, user_id: int) -> None:
    hits = await ctx.limiter.hit(f"flag:user:{user_id}", FLAG_WINDOW_SECONDS)
    if hits > ctx.settings.flag_rate_per_minute:
        raise TooManyRequests(
            "You are reporting too quickly; please wait a minute",
            FLAG_WINDOW_SECONDS,
            code="flag.too_fast",
        )


async def create_flag(
    session: AsyncSession, ctx: AppContext, viewer: Viewer, data: schemas.FlagIn
) -> schemas.FlagOut:
    await _within_flag_rate(ctx, viewer.user_id)
    firm_id = policies.reporting_firm(viewer, data.firm_id)
    target = await TargetRepository(session).load(data.target_type, data.target_id)
    if target is None or not await VisibilityRepository(session).can_see(
        viewer, data.target_type, data.target_id, clock.now()
    ):
        raise NotFound(
            f"No {data.target_type} {data.target_id} that you can see",
            code="flag.target_not_found",
            params={"target_type": data.target_type, "id": data.target_id},
        )
    policies.may_flag(viewer, target.author_firm_id)
    flags = FlagRepository(session)
    if await flags.open_flag_by(viewer.user_id, data.target_type, data.target_id):
        raise Conflict(
            "You have already reported this; the association is looking into it",
            code="flag.duplicate",
        )
    try:
        async with flags.savepoint():
            flag = await flags.add(
                Flag(
                    target_type=data.target_type,
                    target_id=data.target_id,
                    reporter_user_id=viewer.user_id,
                    reporter_firm_id=firm_id,
                    reason=data.reason,
                    details=data.details,
                )
            )
    except IntegrityError as exc:  # the same report sent twice at once
        raise Conflict(
            "You have already reported this; the association is looking into it",
            code="flag.duplicate",
        ) from exc
    await emit(
        session,
        events.FlagCreated(flag_id=flag.id, target_type=flag.target_type, target_id=flag.target_id),
        [STAFF],
    )
    return _flag_out(flag)


def _summary(
    target_type: str, target_id: int, target: TargetRecord | None, firms: dict[int, Firm]
) -> schemas.TargetSummary:
    if target is None:
        return schemas.TargetSummary(
            type=target_type,
            id=target_id,
            exists=False,
            label=f"{target_type} {target_id} no longer exists",
            excerpt="",
            author_firm_id=None,
            author_firm_name=None,
            author_firm_status=None,
            hidden=None,
        )
    author = firms.get(target.author_firm_id) if target.author_firm_id is not None else None
    return schemas.TargetSummary(
        type=target.type,
        id=target.id,
        exists=True,
        label=target.label,
        excerpt=target.excerpt,
        author_firm_id=target.author_firm_id,
        author_firm_name=author.name if author else None,
        author_firm_status=author.status if author else None,
        hidden=target.hidden,
    )


async def queue(
    session: AsyncSession, status: str, target_type: str | None, params: PageParams
) -> Page[schemas.QueueItemOut]:
    flags_repo, targets = FlagRepository(session), TargetRepository(session)
    groups, cursor = await flags_repo.queue(status, target_type, params)
    keys = [(g.target_type, g.target_id) for g in groups]
    flags = await flags_repo.flags_on(status, keys)
    credibility = await flags_repo.credibility_of(sorted({f.reporter_user_id for f in flags}))
    by_target: dict[tuple[str, int], list[schemas.QueuedFlagOut]] = defaultdict(list)
    for flag in flags:
        by_target[(flag.target_type, flag.target_id)].append(
            schemas.QueuedFlagOut(
                **_flag_out(flag).model_dump(),
                reporter_credibility=round(credibility[flag.reporter_user_id], 4),
            )
        )
    records: dict[tuple[str, int], TargetRecord] = {}
    for kind in {g.target_type for g in groups}:
        loaded = await targets.load_many(
            kind, [g.target_id for g in groups if g.target_type == kind]
        )
        records.update({(kind, i): r for i, r in loaded.items()})
    firms = await targets.firms(r.author_firm_id for r in records.values())
    return Page(
        items=[
            _queue_item(g, records.get((g.target_type, g.target_id)), by_target, firms)
            for g in groups
        ],
        next_cursor=cursor,
    )


def _queue_item(
    group: QueueGroup,
    target: TargetRecord | None,
    by_target: dict[tuple[str, int], list[schemas.QueuedFlagOut]],
    firms: dict[int, Firm],
) -> schemas.QueueItemOut:
    return schemas.QueueItemOut(
        target_type=group.target_type,
        target_id=group.target_id,
        weight=group.weight,
        count=group.count,
        first_flagged_at=group.first_flagged_at,
        last_flagged_at=group.last_flagged_at,
        flag_id=group.first_flag_id,
        target=_summary(group.target_type, group.target_id, target, firms),
        flags=by_target[(group.target_type, group.target_id)],
    )


async def resolve(
    session: AsyncSession, staff: Viewer, flag_id: int, data: schemas.FlagResolutionIn
) -> schemas.ResolutionOut:
    flags_repo, targets = FlagRepository(session), TargetRepository(session)
    flag = await flags_repo.get(flag_id)
    if flag is None or flag.id is None:
        raise NotFound(f"Flag {flag_id} not found", code="flag.not_found", params={"id": flag_id})
    if flag.status != FlagStatus.OPEN:
        raise Conflict("This flag has already been resolved", code="flag.already_resolved")
    policies.check_sanction(flag.target_type, data.action, data.note)
    target = await targets.load(flag.target_type, flag.target_id)
    if target is not None:
        policies.check_sanctionable_author(data.action, target.author_firm_id)
    if target is None and data.action != FlagResolution.DISMISS:
        raise Conflict(
            "The flagged content no longer exists; the flag can only be dismissed",
            code="flag.target_gone",
        )
    now = clock.now()
    resolved = await flags_repo.resolve_open(
        flag.target_type,
        flag.target_id,
        action=data.action,
        note=data.note,
        staff_user_id=staff.user_id,
        now=now,
    )
    if flag.id not in resolved:
        raise Conflict(
            "This flag has just been resolved by someone else", code="flag.already_resolved"
        )
    responsible = target.author_firm_id if target else None
    await record(
        session,
        "moderation.flag_resolved",
        actor_user_id=staff.user_id,
        target_type=flag.target_type,
        target_id=flag.target_id,
        reason=data.note,
        resolution=data.action,
        flag_ids=resolved,
        responsible_firm_id=responsible,
    )
    if target is not None:
        await _apply(session, staff, flag.id, target, data)
    return schemas.ResolutionOut(
        flag_id=flag.id,
        action=data.action,
        note=data.note,
        target_type=flag.target_type,
        target_id=flag.target_id,
        responsible_firm_id=responsible,
        resolved_flag_ids=resolved,
        resolved_at=now,
    )


async def _apply(
    session: AsyncSession,
    staff: Viewer,
    flag_id: int,
    target: TargetRecord,
    data: schemas.FlagResolutionIn,
) -> None:
    if data.action == FlagResolution.HIDE:
        await TargetRepository(session).hide(target.type, target.id)
        if target.subject_firm_id is not None:
            # A hidden review no longer counts toward the reviewed firm's reputation.
            await reputation.refresh_firms(session, [target.subject_firm_id], clock.now())
        if target.author_firm_id is not None:
            await emit(
                session,
                events.ContentHidden(target_type=target.type, target_id=target.id),
                [firm_key(target.author_firm_id)],
            )
        await record(
            session,
            "moderation.content_hidden",
            actor_user_id=staff.user_id,
            target_type=target.type,
            target_id=target.id,
            reason=data.note,
            flag_id=flag_id,
        )
    elif target.author_firm_id is None:
        return  # association content: only hiding applies (check_sanction)
    elif data.action == FlagResolution.WARN:
        await sanctions.warn(session, staff, target.author_firm_id, data.note, flag_id=flag_id)
    elif data.action == FlagResolution.SUSPEND:
        firm = await GovernanceRepository(session).firm(target.author_firm_id)
        if firm is not None and firm.status != FirmStatus.SUSPENDED:
            await sanctions.suspend(session, staff, firm, data.note, flag_id=flag_id)
