"""Capacity calendars: declare, read, book on award, filter the board, sum the district.

Booking. An award books the supplier's capacity for the contract's phase and unit over
every ISO week from the award's to the delivery date's, inclusive: the contract quantity
is spread evenly in thousandths, the remainder on the delivery week, so the shares sum to
the quantity exactly. A booking is never refused: beyond the declared capacity it shows
as overbooked (free stays at zero, never negative), and a firm keeping a calendar for that
phase and unit hears ``capacity.overbooked``.

The district summary (k-anonymity). A week's free capacity is published only when at
least ``MIN_FIRMS`` firms (the observatory's threshold) have free capacity behind it;
otherwise it is null and the number of firms is not shown either.
"""

from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from distretto.auth.viewer import Viewer
from distretto.capacity import policies, schemas
from distretto.capacity.events import CapacityOverbooked, OverbookedWeek
from distretto.capacity.repository import CapacityRepository

# The market's board filter joins the calendar in its own statement: the condition and
# the week arithmetic are this feature's public API.
from distretto.capacity.repository import fits_capacity_condition as fits_capacity_condition
from distretto.capacity.weeks import monday_of as monday_of
from distretto.capacity.weeks import mondays, parse_week, spread, week_label
from distretto.firms.service import unknown_phase_codes
from distretto.kit.clock import district_date
from distretto.kit.errors import Invalid, NotFound
from distretto.kit.events import emit, firm_key
from distretto.kit.units import normalise_unit
from distretto.models import CapacityBooking, CapacityWeek, Contract
from distretto.observatory.service import MIN_FIRMS

# How far ahead a firm may plan, and the widest window a summary covers.
MAX_WEEKS_AHEAD = 104
MAX_SUMMARY_WEEKS = 53
DEFAULT_SUMMARY_WEEKS = 12
ZERO = Decimal(0)


def _week_out(row: CapacityWeek) -> schemas.CapacityWeekOut:
    return schemas.CapacityWeekOut(
        phase=row.phase,
        unit=row.unit,
        week=week_label(row.week_start),
        week_start=row.week_start,
        declared=row.declared,
        booked=row.booked,
        free=max(row.declared - row.booked, ZERO),
        overbooked=max(row.booked - row.declared, ZERO),
    )


def _week_param(value: str | None, field: str, default: date) -> date:
    """A week given as "2026-W51" or as any date within it."""
    if value is None:
        return default
    try:
        if "W" in value:
            return parse_week(value)
        return monday_of(date.fromisoformat(value))
    except (ValueError, OverflowError) as exc:
        raise Invalid(
            field, "must be an ISO week (2026-W51) or a date", code="capacity.bad_week"
        ) from exc


def require_firm_member(viewer: Viewer, firm_id: int) -> None:
    """Filtering the board by a firm's capacity: any member of that firm."""
    policies.require_firm_member(viewer, firm_id)


async def firm_calendar(
    session: AsyncSession,
    firm_id: int,
    now: datetime,
    first: str | None = None,
    last: str | None = None,
) -> schemas.FirmCapacityOut:
    repo = CapacityRepository(session)
    if not await repo.firm_exists(firm_id):
        raise NotFound(f"Firm {firm_id} not found", code="firm.not_found")
    start = _week_param(first, "from", monday_of(district_date(now)))
    end = None if last is None else _week_param(last, "to", start)
    rows = await repo.firm_weeks(firm_id, start, end)
    return schemas.FirmCapacityOut(firm_id=firm_id, items=[_week_out(r) for r in rows])


async def declare(
    session: AsyncSession,
    viewer: Viewer,
    firm_id: int,
    entries: list[schemas.CapacityEntryIn],
    now: datetime,
) -> schemas.FirmCapacityOut:
    """Replace the firm's declared capacity from this week on with ``entries``."""
    policies.require_calendar_keeper(viewer, firm_id)
    repo = CapacityRepository(session)
    this_week = monday_of(district_date(now))
    horizon = this_week + timedelta(weeks=MAX_WEEKS_AHEAD)
    phases = await repo.firm_phases(firm_id)
    unknown = await unknown_phase_codes(session, sorted({e.phase for e in entries}))
    declared: dict[tuple[str, str, date], Decimal] = {}
    for i, entry in enumerate(entries):
        try:
            monday = parse_week(entry.week)
        except (ValueError, OverflowError) as exc:
            raise Invalid(
                f"{i}.week", "is not an ISO week of that year", code="capacity.bad_week"
            ) from exc
        if monday < this_week:
            raise Invalid(f"{i}.week", "is already past", code="capacity.week_past")
        if monday > horizon:
            raise Invalid(
                f"{i}.week",
                f"is more than {MAX_WEEKS_AHEAD} weeks ahead",
                code="capacity.week_too_far",
                params={"weeks": MAX_WEEKS_AHEAD},
            )
        if entry.phase in unknown:
            raise Invalid(
                f"{i}.phase",
                f"unknown phase code: {entry.phase}",
                code="phase.unknown",
                params={"phase": entry.phase},
            )
        if entry.phase not in phases:
            raise Invalid(
                f"{i}.phase",
                "is not one of the firm's phases",
                code="capacity.phase_not_worked",
                params={"phase": entry.phase},
            )
        key = (entry.phase, normalise_unit(entry.unit, f"{i}.unit"), monday)
        if key in declared:
            raise Invalid(
                f"{i}.week",
                "is declared twice for this phase and unit",
                code="capacity.duplicate_week",
            )
        declared[key] = entry.quantity
    await repo.lock_firm(firm_id)
    await repo.replace_declarations(firm_id, declared, this_week, now)
    return schemas.FirmCapacityOut(
        firm_id=firm_id,
        items=[_week_out(r) for r in await repo.firm_weeks(firm_id, this_week, None)],
    )


async def book_award(session: AsyncSession, contract: Contract, now: datetime) -> None:
    """Book the supplier's capacity for a contract just awarded (see the module doc)."""
    assert contract.id is not None
    repo = CapacityRepository(session)
    unit = normalise_unit(contract.unit)
    weeks = mondays(district_date(now), max(contract.due_date, district_date(now)))
    shares = spread(Decimal(contract.quantity), len(weeks))
    await repo.lock_firm(contract.supplier_firm_id)
    overbooked: list[OverbookedWeek] = []
    bookings = []
    for monday, share in zip(weeks, shares, strict=True):
        if share <= 0:
            continue  # a quantity smaller than a thousandth per week leaves some weeks empty
        declared, booked = await repo.book(
            contract.supplier_firm_id, contract.phase, unit, monday, share, now
        )
        bookings.append(
            CapacityBooking(
                contract_id=contract.id,
                firm_id=contract.supplier_firm_id,
                phase=contract.phase,
                unit=unit,
                week_start=monday,
                quantity=share,
                created_at=now,
            )
        )
        if booked > declared:
            overbooked.append(
                OverbookedWeek(
                    week=week_label(monday), declared=f"{declared:.3f}", booked=f"{booked:.3f}"
                )
            )
    await repo.add_bookings(bookings)
    if overbooked and await repo.keeps_calendar(contract.supplier_firm_id, contract.phase, unit):
        await emit(
            session,
            CapacityOverbooked(
                firm_id=contract.supplier_firm_id,
                contract_id=contract.id,
                phase=contract.phase,
                unit=unit,
                weeks=overbooked,
            ),
            {firm_key(contract.supplier_firm_id)},
        )


async def district_summary(
    session: AsyncSession,
    phase: str,
    unit: str | None,
    first: str | None,
    last: str | None,
    now: datetime,
) -> schemas.CapacitySummaryOut:
    if await unknown_phase_codes(session, [phase]):
        raise Invalid(
            "phase", f"unknown phase code: {phase}", code="phase.unknown", params={"phase": phase}
        )
    start = _week_param(first, "from", monday_of(district_date(now)))
    try:
        default_end = start + timedelta(weeks=DEFAULT_SUMMARY_WEEKS - 1)
    except OverflowError as exc:
        raise Invalid("from", "is too far in the future", code="capacity.bad_week") from exc
    end = _week_param(last, "to", default_end)
    if end < start:
        raise Invalid("to", "must not be before from", code="capacity.window_reversed")
    if (end - start).days // 7 + 1 > MAX_SUMMARY_WEEKS:
        raise Invalid(
            "to",
            f"the window spans more than {MAX_SUMMARY_WEEKS} weeks",
            code="capacity.window_too_long",
            params={"weeks": MAX_SUMMARY_WEEKS},
        )
    weeks = mondays(start, end)
    code = normalise_unit(unit) if unit is not None else None
    cells = {
        (row.week_start, row.unit): row
        for row in await CapacityRepository(session).district_free(phase, code, start, end)
    }
    units = [code] if code is not None else sorted({u for _, u in cells})
    items = []
    for monday in weeks:
        for unit_code in units:
            row = cells.get((monday, unit_code))
            shown = row is not None and row.firms >= MIN_FIRMS
            items.append(
                schemas.SummaryWeekOut(
                    week=week_label(monday),
                    week_start=monday,
                    unit=unit_code,
                    free=row.free if shown and row is not None else None,
                    firms=row.firms if shown and row is not None else None,
                    suppressed=not shown,
                )
            )
    return schemas.CapacitySummaryOut(phase=phase, min_firms=MIN_FIRMS, items=items)
