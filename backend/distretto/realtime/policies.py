"""Who receives which event.

Every outbox event carries audience keys chosen by the feature that wrote it, with the
same visibility rules as its REST reads. A user holds keys too; an event reaches the
user iff the two sets meet. The same rule serves the websocket, ``GET /events`` and the
notification relay (which resolves the reverse direction, keys → users, in SQL that
mirrors ``audience_keys``).
"""

from collections.abc import Iterable
from dataclasses import dataclass

from distretto.kit.events import STAFF, firm_key, phase_key, user_key


@dataclass(frozen=True)
class Audience:
    """The keys one user listens on, fixed when a connection opens."""

    user_id: int
    keys: frozenset[str]
    # Firms that were active when the keys were resolved: the suspension of one of them
    # closes the socket, so the client reconnects without that firm's market keys.
    active_firm_ids: frozenset[int]


def audience_keys(
    *,
    user_id: int,
    is_staff: bool,
    firm_ids: Iterable[int],
    active_firm_phases: Iterable[str],
) -> frozenset[str]:
    """``user:ID``, ``firm:ID`` for every firm of the user, ``phase:CODE`` for the phases of
    its *active* firms, ``staff`` for association staff.

    A suspended firm still reads its own contracts and messages (``firm:`` stays), but
    market announcements to its phases are invitations to bid, which it may not do.
    """
    keys = {user_key(user_id)}
    keys.update(firm_key(f) for f in firm_ids)
    keys.update(phase_key(p) for p in active_firm_phases)
    if is_staff:
        keys.add(STAFF)
    return frozenset(keys)


@dataclass(frozen=True)
class AudienceSpec:
    """Audience keys split by kind, for resolving recipients in SQL."""

    user_ids: frozenset[int]
    firm_ids: frozenset[int]
    phases: frozenset[str]
    staff: bool

    @property
    def empty(self) -> bool:
        return not (self.user_ids or self.firm_ids or self.phases or self.staff)


def parse_audience(keys: Iterable[str]) -> AudienceSpec:
    """Split keys by kind; unknown or malformed keys address nobody."""
    users: set[int] = set()
    firms: set[int] = set()
    phases: set[str] = set()
    staff = False
    for key in keys:
        if key == STAFF:
            staff = True
            continue
        kind, _, value = key.partition(":")
        if kind == "phase" and value:
            phases.add(value)
        elif kind in ("user", "firm") and value.isdigit():
            (users if kind == "user" else firms).add(int(value))
    return AudienceSpec(frozenset(users), frozenset(firms), frozenset(phases), staff)
