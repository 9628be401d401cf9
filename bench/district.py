"""A large, believable district generated as rows ready for PostgreSQL ``COPY``.

Everything is deterministic (one seeded ``random.Random``) and consistent: bidders work
in the order's phase, never bid on their own or their group's orders, hold at most one
live bid per order; awarded orders have exactly one awarded bid and one contract; invited
and consortium orders are bid on only by invited firms or consortium members.
Rows come out in chunks of orders so memory stays flat however large the district.
"""

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from bench.config import Sizes
from bench.text import order_text
from distretto.firms.vat import vat_for_company
from distretto.seed.firms import FIRST_NAMES, SURNAMES

# The benchmark's own geography: a large synthetic district spread over the Italian
# clusters (the demo seed is one believable district; the bench needs breadth).
# (province, region, town, typical phases)
AREAS = (
    (
        "PO",
        "Toscana",
        "Prato",
        ["wool_regeneration", "carding", "spinning", "weaving", "dyeing", "finishing", "knitting"],
    ),
    ("FI", "Toscana", "Scandicci", ["leather_goods", "cutting", "stitching", "quality_control"]),
    ("PT", "Toscana", "Quarrata", ["knitting", "printing", "embroidery", "packaging"]),
    (
        "FM",
        "Marche",
        "Montegranaro",
        ["upper_cutting", "upper_stitching", "lasting", "shoe_finishing", "sole_making"],
    ),
    ("MC", "Marche", "Civitanova Marche", ["sole_making", "upper_stitching", "packaging"]),
    ("VE", "Veneto", "Stra", ["upper_cutting", "upper_stitching", "lasting", "shoe_finishing"]),
    ("VI", "Veneto", "Arzignano", ["tanning", "finishing"]),
    ("BI", "Piemonte", "Biella", ["spinning", "twisting", "weaving", "finishing"]),
    ("CO", "Lombardia", "Como", ["printing", "weaving", "dyeing", "finishing"]),
    ("BG", "Lombardia", "Bergamo", ["warping", "weaving", "logistics"]),
)
PREFIXES = (
    "Tessitura",
    "Lanificio",
    "Tintoria",
    "Filatura",
    "Maglificio",
    "Calzaturificio",
    "Tomaificio",
    "Suolificio",
    "Conceria",
    "Pelletteria",
    "Stamperia",
    "Ricamificio",
    "Confezioni",
    "Orlatura",
    "Finissaggio",
)
SUFFIXES = ("S.r.l.", "S.n.c.", "S.p.A.", "& C. S.a.s.", "S.r.l.")

# Phases each kind of final firm farms out, all worked by the suppliers of AREAS.
CHAINS = {
    "apparel": (
        "cutting",
        "stitching",
        "embroidery",
        "knitting",
        "printing",
        "dyeing",
        "finishing",
        "quality_control",
        "packaging",
    ),
    "footwear": (
        "upper_cutting",
        "upper_stitching",
        "sole_making",
        "lasting",
        "shoe_finishing",
        "tanning",
        "packaging",
    ),
    "textile": (
        "wool_regeneration",
        "carding",
        "spinning",
        "twisting",
        "warping",
        "weaving",
        "dyeing",
        "printing",
        "finishing",
        "logistics",
    ),
    "leather": ("tanning", "cutting", "stitching", "leather_goods", "quality_control"),
}
# Half of the suppliers also finish fabric: one phase whose audience is thousands of
# users, which the fan-out scenario needs.
POPULAR_PHASE = "finishing"
POPULAR_SHARE = 0.5
FINAL_FIRM_SHARE = 0.12
ROLES = ("owner", "manager", "manager", "member", "member", "member", "member")
HISTORY = timedelta(days=3 * 365)
RECENT_SHARE = 0.25  # the newest quarter of the orders is still mostly open
BID_NOTES = (
    "Disponibilità immediata, campionatura in cinque giorni lavorativi.",
    "Prezzo comprensivo di trasporto andata e ritorno.",
    "Possiamo anticipare la consegna di una settimana.",
    "Lavorazione interna, nessun passaggio a terzi.",
    "",
)


@dataclass
class FirmRow:
    id: int
    region: str
    province: str
    phases: list[str]
    chain: str
    is_final: bool
    suspended: bool
    group_id: int | None
    user_ids: list[int]
    consortia: list[int] = field(default_factory=list)

    @property
    def actors(self) -> list[int]:
        """Users who may post, bid and award for the firm (owner and managers)."""
        return self.user_ids[: 1 + min(2, len(self.user_ids) - 1)]


@dataclass
class OrderChunk:
    orders: list[tuple]
    invitations: list[tuple]
    bids: list[tuple]
    contracts: list[tuple]
    reviews: list[tuple]
    events: list[tuple]
    audience: list[tuple]


ORDER_COLUMNS = (
    "id",
    "client_firm_id",
    "created_by_user_id",
    "title",
    "description",
    "phase",
    "quantity",
    "unit",
    "target_unit_price",
    "bid_deadline",
    "delivery_due",
    "visibility",
    "consortium_id",
    "sealed",
    "region",
    "status",
    "revision",
    "hidden",
    "created_at",
    "updated_at",
)
BID_COLUMNS = (
    "id",
    "order_id",
    "firm_id",
    "created_by_user_id",
    "unit_price",
    "total_price",
    "delivery_date",
    "notes",
    "status",
    "order_revision",
    "hidden",
    "created_at",
    "updated_at",
)
CONTRACT_COLUMNS = (
    "id",
    "order_id",
    "bid_id",
    "client_firm_id",
    "supplier_firm_id",
    "phase",
    "quantity",
    "unit",
    "unit_price",
    "total_price",
    "due_date",
    "status",
    "created_at",
    "delivered_at",
    "completed_at",
    "cancelled_at",
    "disputed_at",
    "dispute_reason",
    "dispute_opened_by_firm_id",
    "dispute_outcome",
    "dispute_resolved_at",
    "dispute_note",
)
REVIEW_COLUMNS = (
    "id",
    "contract_id",
    "reviewer_firm_id",
    "reviewee_firm_id",
    "reviewee_role",
    "quality",
    "timeliness",
    "communication",
    "comment",
    "hidden",
    "created_at",
)
EVENT_COLUMNS = ("id", "type", "data", "created_at")
AUDIENCE_COLUMNS = ("event_id", "audience_key")
CENT = Decimal("0.01")


class District:
    """Firms, people and consortia in memory; orders and their history streamed."""

    def __init__(self, sizes: Sizes, now: datetime, password_hash: str, seed: int = 8) -> None:
        self.sizes = sizes
        self.now = now
        self.password_hash = password_hash
        self.rng = random.Random(seed)
        self.firms: list[FirmRow] = []
        self.users: list[tuple] = []
        self.memberships: list[tuple] = []
        self.firm_phases: list[tuple] = []
        self.groups: list[tuple] = []
        self.consortia: list[tuple] = []
        self.consortium_members: list[tuple] = []
        self.consortium_managers: list[tuple] = []
        self.by_phase: dict[str, list[FirmRow]] = {}
        self.members_of: dict[int, list[FirmRow]] = {}
        self._ids = {"bid": 0, "contract": 0, "review": 0, "event": 0}
        self._build_people()

    # --- firms, users, groups, consortia ---------------------------------------------------

    def _new_user(self, email: str, full_name: str, is_staff: bool = False) -> int:
        user_id = len(self.users) + 1
        created = self.now - HISTORY - timedelta(days=30)
        self.users.append(
            (user_id, email, full_name, self.password_hash, is_staff, True, created, None)
        )
        return user_id

    def _build_people(self) -> None:
        rng = self.rng
        self._new_user("staff@bench.distretto.example", "Ufficio Associazione", is_staff=True)
        finals = int(self.sizes.firms * FINAL_FIRM_SHARE)
        for index in range(self.sizes.firms):
            firm_id = index + 1
            province, region, _town, typical = rng.choice(AREAS)
            is_final = index < finals
            if is_final:
                chain = rng.choice(tuple(CHAINS))
                phases = [chain]
            else:
                phases = rng.sample(typical, k=min(len(typical), rng.choice((1, 1, 2, 3))))
                if POPULAR_PHASE not in phases and rng.random() < POPULAR_SHARE:
                    phases.append(POPULAR_PHASE)
                chain = next((c for c, ps in CHAINS.items() if phases[0] in ps), "textile")
            user_ids = [
                self._new_user(
                    f"{rng.choice(FIRST_NAMES).lower()}.{len(self.users) + 1}"
                    f"@firm{firm_id}.example.it",
                    f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}",
                )
                for _ in range(self.sizes.users_per_firm)
            ]
            firm = FirmRow(
                id=firm_id,
                region=region,
                province=province,
                phases=phases,
                chain=chain,
                is_final=is_final,
                suspended=not is_final and rng.random() < 0.02,
                group_id=None,
                user_ids=user_ids,
            )
            self.firms.append(firm)
            for user_id, role in zip(user_ids, ROLES, strict=False):
                self.memberships.append((user_id, firm_id, user_id, role, self.now - HISTORY))
            for code in phases:
                self.firm_phases.append((firm_id, code))
                if not is_final:
                    self.by_phase.setdefault(code, []).append(firm)
        self._build_groups()
        self._build_consortia()

    def firm_records(self) -> Iterator[tuple]:
        rng = random.Random(17)
        for firm in self.firms:
            prefix, surname, suffix = (
                rng.choice(PREFIXES),
                rng.choice(SURNAMES),
                rng.choice(SUFFIXES),
            )
            name = (
                f"{prefix} {surname} {suffix}" if not firm.is_final else f"{surname} Moda {suffix}"
            )
            created = self.now - HISTORY - timedelta(days=rng.randint(30, 4000))
            yield (
                firm.id,
                name,
                vat_for_company(2_000_000 + firm.id),
                firm.region,
                firm.province,
                "large" if firm.is_final else rng.choice(("micro", "small", "small", "medium")),
                f"{name}: {', '.join(firm.phases).replace('_', ' ')}.",
                "suspended" if firm.suspended else "active",
                rng.random() < 0.7,
                firm.group_id,
                created,
                created,
            )

    def _build_groups(self) -> None:
        suppliers = [f for f in self.firms if not f.is_final]
        for index in range(max(1, len(suppliers) // 40)):
            group_id = index + 1
            self.groups.append((group_id, f"Gruppo famiglia {group_id}", self.now - HISTORY))
            for firm in self.rng.sample(suppliers, k=self.rng.choice((2, 2, 3))):
                if firm.group_id is None:
                    firm.group_id = group_id

    def _build_consortia(self) -> None:
        kinds = ("export", "marketing", "training", "general")
        for index in range(self.sizes.consortia):
            consortium_id = index + 1
            name = f"Consorzio {self.rng.choice(SURNAMES)} {consortium_id}"
            self.consortia.append(
                (
                    consortium_id,
                    name,
                    "Consorzio di imprese del distretto per fiere, campagne e formazione.",
                    kinds[index % len(kinds)],
                    self.now - HISTORY,
                )
            )
            manager = self._new_user(
                f"segreteria{consortium_id}@consorzi.example.it", f"Segreteria {name}"
            )
            self.consortium_managers.append(
                (consortium_id, consortium_id, manager, self.now - HISTORY)
            )
            members = self.rng.sample(self.firms, k=min(len(self.firms), self.rng.randint(15, 60)))
            for firm in members:
                status = "active" if self.rng.random() < 0.92 else "pending"
                self.consortium_members.append(
                    (
                        len(self.consortium_members) + 1,
                        consortium_id,
                        firm.id,
                        status,
                        self.now - HISTORY,
                        self.now - HISTORY if status == "active" else None,
                    )
                )
                if status == "active":
                    firm.consortia.append(consortium_id)
                    self.members_of.setdefault(consortium_id, []).append(firm)

    # --- orders and their history ---------------------------------------------------------

    def order_chunks(self, chunk: int = 10_000) -> Iterator[OrderChunk]:
        total = self.sizes.orders
        finals = [f for f in self.firms if f.is_final]
        suppliers = [f for f in self.firms if not f.is_final and not f.suspended]
        events_from = max(0, total - self._orders_with_events())
        for start in range(0, total, chunk):
            out = OrderChunk([], [], [], [], [], [], [])
            for index in range(start, min(total, start + chunk)):
                client = (
                    self.rng.choice(finals)
                    if self.rng.random() < 0.85
                    else self.rng.choice(suppliers)
                )
                self._order(out, index, client, with_events=index >= events_from)
            out.events.sort(key=lambda e: e[0])
            numbered = []
            for created_at, type_, data, keys in out.events:
                self._ids["event"] += 1
                event_id = self._ids["event"]
                numbered.append((event_id, type_, json.dumps(data), created_at))
                out.audience.extend((event_id, key) for key in keys)
            out.events = numbered
            yield out

    def _orders_with_events(self) -> int:
        # order.created plus one bid.created per bid: about 1 + bids_per_order events each.
        return int(self.sizes.events_history / (1 + self.sizes.bids_per_order))

    def _status(self, age_share: float) -> str:
        roll = self.rng.random()
        if age_share < RECENT_SHARE:
            for status, share in (("open", 0.88), ("awarded", 0.06), ("cancelled", 0.03)):
                if roll < share:
                    return status
                roll -= share
            return "closed" if roll < 0.025 else "draft"
        for status, share in (("awarded", 0.75), ("closed", 0.15)):
            if roll < share:
                return status
            roll -= share
        return "cancelled"

    def _order(self, out: OrderChunk, index: int, client: FirmRow, with_events: bool) -> None:
        rng, now = self.rng, self.now
        order_id = index + 1
        total = self.sizes.orders
        created = now - HISTORY + HISTORY * (index / total) + timedelta(seconds=rng.random())
        status = self._status(age_share=1 - index / total)
        chain = CHAINS[client.chain]
        phase = rng.choice([p for p in chain if p not in client.phases] or list(chain))
        title, description, unit, quantity = order_text(rng, phase)
        deadline = created + timedelta(days=rng.randint(7, 30), hours=rng.randint(0, 23))
        if status in ("open", "draft") and deadline < now + timedelta(days=2):
            deadline = now + timedelta(days=rng.randint(2, 45), hours=rng.randint(0, 23))
        due = deadline.date() + timedelta(days=rng.randint(10, 60))
        target = Decimal(rng.uniform(0.4, 60)).quantize(CENT) if rng.random() < 0.7 else None
        visibility, consortium_id = "public", None
        roll = rng.random()
        if roll < 0.07 and client.consortia:
            visibility, consortium_id = "consortium", rng.choice(client.consortia)
        elif roll < 0.15:
            visibility = "invited"
        candidates = self._eligible(client, phase, visibility, consortium_id)
        invited: list[FirmRow] = []
        if visibility == "invited":
            invited = rng.sample(candidates, k=min(len(candidates), rng.randint(3, 10)))
            candidates = invited
            out.invitations.extend((order_id, f.id) for f in invited)
        wanted = self._bid_count(status)
        bidders = rng.sample(candidates, k=min(len(candidates), wanted))
        if status == "awarded" and not bidders:
            status = "closed"  # nobody could bid: the order expired instead
        out.orders.append(
            (
                order_id,
                client.id,
                rng.choice(client.actors),
                title,
                description,
                phase,
                quantity,
                unit,
                target,
                deadline,
                due,
                visibility,
                consortium_id,
                rng.random() < 0.1,
                client.region,
                status,
                1,
                rng.random() < 0.002,
                created,
                created,
            )
        )
        if with_events and status != "draft":
            keys = self._order_audience(client, phase, visibility, consortium_id, invited)
            data = {"order_id": order_id, "title": title, "phase": phase, "firm_id": client.id}
            out.events.append((created, "order.created", data, keys))
        made = self._bids(out, status, client, bidders, created, deadline, target)
        if with_events:
            for bid_id, firm_id, bid_created in made:
                data = {"order_id": order_id, "bid_id": bid_id, "firm_id": firm_id}
                keys = (f"firm:{client.id}", f"firm:{firm_id}")
                out.events.append((bid_created, "bid.created", data, keys))

    def _eligible(
        self, client: FirmRow, phase: str, visibility: str, consortium_id: int | None
    ) -> list[FirmRow]:
        """Firms that may bid: in the phase (or the consortium), not the client's group."""
        pool = (
            self.members_of.get(consortium_id, [])
            if visibility == "consortium" and consortium_id is not None
            else self.by_phase.get(phase, [])
        )
        return [
            f
            for f in pool
            if f.id != client.id
            and not f.suspended
            and (f.group_id is None or f.group_id != client.group_id)
        ]

    def _order_audience(
        self,
        client: FirmRow,
        phase: str,
        visibility: str,
        consortium_id: int | None,
        invited: list[FirmRow],
    ) -> tuple[str, ...]:
        if visibility == "public":
            return (f"phase:{phase}", f"firm:{client.id}")
        firms = invited if visibility == "invited" else self.members_of.get(consortium_id or 0, [])
        return tuple(sorted({f"firm:{client.id}", *(f"firm:{f.id}" for f in firms)}))

    def _bid_count(self, status: str) -> int:
        mean = {"open": 5.5, "awarded": 7.0, "closed": 3.5, "cancelled": 1.5}.get(status, 0.0)
        return min(14, int(self.rng.expovariate(1 / mean) + 0.5) + 1) if mean else 0

    def _bids(
        self,
        out: OrderChunk,
        status: str,
        client: FirmRow,
        bidders: list[FirmRow],
        created: datetime,
        deadline: datetime,
        target: Decimal | None,
    ) -> list[tuple[int, int, datetime]]:
        rng = self.rng
        order_id, quantity, due = out.orders[-1][0], out.orders[-1][6], out.orders[-1][10]
        winner = rng.randrange(len(bidders)) if status == "awarded" else -1
        reference = target or Decimal(rng.uniform(0.5, 40)).quantize(CENT)
        latest = max(created, min(deadline, self.now - timedelta(minutes=5)))
        made: list[tuple[int, int, datetime]] = []
        for position, firm in enumerate(bidders):
            self._ids["bid"] += 1
            bid_id = self._ids["bid"]
            unit_price = (reference * Decimal(rng.uniform(0.8, 1.25))).quantize(CENT)
            bid_created = created + (latest - created) * rng.random()
            if status == "open":
                bid_status = rng.choices(
                    ("active", "needs_confirmation", "withdrawn"), (0.9, 0.05, 0.05)
                )[0]
            elif status == "awarded":
                bid_status = "awarded" if position == winner else "rejected"
            else:
                bid_status = "rejected" if rng.random() < 0.9 else "withdrawn"
            out.bids.append(
                (
                    bid_id,
                    order_id,
                    firm.id,
                    rng.choice(firm.actors),
                    unit_price,
                    (unit_price * quantity).quantize(CENT),
                    due - timedelta(days=rng.randint(0, 7)),
                    rng.choice(BID_NOTES),
                    bid_status,
                    1,
                    False,
                    bid_created,
                    bid_created,
                )
            )
            made.append((bid_id, firm.id, bid_created))
            if position == winner:
                self._contract(out, bid_id, client, firm, unit_price, deadline)
        return made

    def _contract(
        self,
        out: OrderChunk,
        bid_id: int,
        client: FirmRow,
        supplier: FirmRow,
        unit_price: Decimal,
        deadline: datetime,
    ) -> None:
        rng, now = self.rng, self.now
        order_id, _, _, _, _, phase, quantity, unit, _, _, due = out.orders[-1][:11]
        self._ids["contract"] += 1
        contract_id = self._ids["contract"]
        awarded = min(deadline + timedelta(days=rng.randint(0, 4)), now - timedelta(hours=1))
        age = (now - awarded).days
        if age > 120:
            status = rng.choices(
                ("completed", "cancelled", "disputed", "delivered", "active"),
                (0.9, 0.015, 0.01, 0.015, 0.06),
            )[0]
        else:
            status = rng.choices(("active", "delivered", "completed"), (0.7, 0.2, 0.1))[0]
        delivered = completed = cancelled = disputed = None
        if status in ("delivered", "completed", "disputed"):
            due_at = datetime.combine(due, datetime.min.time(), UTC)
            delivered = min(due_at + timedelta(days=rng.randint(-10, 6)), now - timedelta(hours=1))
            delivered = max(delivered, awarded + timedelta(hours=1))
        if status == "completed" and delivered is not None:
            completed = min(delivered + timedelta(days=rng.randint(1, 10)), now)
        if status == "disputed":
            disputed = delivered
        if status == "cancelled":
            cancelled = awarded + timedelta(days=rng.randint(1, 20))
        out.contracts.append(
            (
                contract_id,
                order_id,
                bid_id,
                client.id,
                supplier.id,
                phase,
                quantity,
                unit,
                unit_price,
                (unit_price * quantity).quantize(CENT),
                due,
                status,
                awarded,
                delivered,
                completed,
                cancelled,
                disputed,
                "Consegna non conforme al campione approvato." if disputed else None,
                client.id if disputed else None,
                None,
                None,
                None,
            )
        )
        if completed is not None:
            self._reviews(out, contract_id, client, supplier, completed)

    def _reviews(
        self,
        out: OrderChunk,
        contract_id: int,
        client: FirmRow,
        supplier: FirmRow,
        completed: datetime,
    ) -> None:
        rng = self.rng
        for reviewer, reviewee, role, share in (
            (client, supplier, "supplier", 0.7),
            (supplier, client, "client", 0.55),
        ):
            if rng.random() >= share:
                continue
            self._ids["review"] += 1
            scores = [rng.choices((1, 2, 3, 4, 5), (0.03, 0.05, 0.17, 0.4, 0.35))[0] for _ in "qtc"]
            out.reviews.append(
                (
                    self._ids["review"],
                    contract_id,
                    reviewer.id,
                    reviewee.id,
                    role,
                    *scores,
                    "Lavoro puntuale e ben eseguito." if scores[0] >= 4 else "Qualche ritardo.",
                    False,
                    min(completed + timedelta(days=rng.randint(0, 10)), self.now),
                )
            )
