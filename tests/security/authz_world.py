"""The world the authorization matrix runs in, written straight into the database.

Built fresh for every route (one transaction, a few milliseconds), so a request that
changes something (an award, a deletion) cannot disturb the next route's checks.

The people are the matrix's roles: the ``owner`` and the plain ``member`` of the home
firm H, the owner of an ``other`` firm O that is party to nothing here, a
``consortium_manager`` of consortium K (in no firm), and ``staff``. H is client in some
deals and supplier in others, so every firm-side action has a target where H is the
party entitled to it; S is H's counterpart.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel

from distretto.auth.service import issue_tokens
from distretto.models import (
    Bid,
    Campaign,
    CampaignParticipation,
    Consortium,
    ConsortiumManager,
    ConsortiumMember,
    Contract,
    ContractMessage,
    Course,
    CourseSession,
    DeliveryLot,
    Enrolment,
    Firm,
    FirmPhase,
    Flag,
    Membership,
    Order,
    OrderInvitation,
    QualitySeal,
    Question,
    SealGrant,
    TradeFair,
    TradeFairParticipation,
    User,
)
from tests.helpers import valid_vat
from tests.security.authz_documents import add_documents
from tests.security.authz_world_institutions import add_institutions

ROLES = ("anonymous", "other", "member", "owner", "consortium_manager", "staff")


@dataclass
class AuthzWorld:
    tokens: dict[str, str]  # role -> access token
    refresh_tokens: dict[str, str]
    emails: dict[str, str]
    users: dict[str, int]
    ids: dict[str, int] = field(default_factory=dict)

    def headers(self, role: str) -> dict[str, str]:
        token = self.tokens.get(role)
        return {"Authorization": f"Bearer {token}"} if token else {}


class _Builder:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.now = datetime.now(UTC)
        self.ids: dict[str, int] = {}
        self._vat = 9000

    async def add(self, name: str | None, row: SQLModel) -> Any:
        self.session.add(row)
        await self.session.flush()
        if name is not None:
            self.ids[name] = row.id
        return row

    async def user(self, name: str, *, staff: bool = False) -> User:
        return await self.add(
            f"user_{name}",
            User(email=f"{name}@authz.example.it", full_name=name.title(), is_staff=staff),
        )

    async def firm(self, name: str, owner: User, *phases: str, status: str = "active") -> Firm:
        self._vat += 1
        firm = await self.add(
            f"firm_{name}",
            Firm(
                name=f"Firma {name} S.r.l.",
                vat_number=valid_vat(self._vat),
                region="Toscana",
                province="PO",
                size_class="small",
                status=status,
                # Billing data, so the parties' invoices can be drafted (issue 13).
                address="Via Roma 1",
                postal_code="59100",
                city="Prato",
                sdi_code="ABC1234",
            ),
        )
        for phase in phases:
            await self.add(None, FirmPhase(firm_id=firm.id, phase_code=phase))
        await self.add(None, Membership(firm_id=firm.id, user_id=owner.id, role="owner"))
        return firm

    async def order(self, name: str, client: Firm, status: str = "open", **fields: Any) -> Order:
        values: dict[str, Any] = {
            "client_firm_id": client.id,
            "title": f"Ordine {name}",
            "description": "Tintura in capo",
            "phase": "dyeing",
            "quantity": 1000,
            "unit": "kg",
            "bid_deadline": self.now + timedelta(days=7),
            "delivery_due": (self.now + timedelta(days=40)).date(),
            "visibility": "public",
            "region": "Toscana",
            "status": status,
        }
        values.update(fields)
        return await self.add(f"order_{name}", Order(**values))

    async def bid(self, name: str, order: Order, firm: Firm, status: str = "active") -> Bid:
        return await self.add(
            f"bid_{name}",
            Bid(
                order_id=order.id,
                firm_id=firm.id,
                unit_price=Decimal("3.10"),
                total_price=Decimal("3100.00"),
                delivery_date=(self.now + timedelta(days=35)).date(),
                status=status,
            ),
        )

    async def contract(
        self, name: str, client: Firm, supplier: Firm, status: str, **fields: Any
    ) -> Contract:
        order = await self.order(f"for_{name}", client, status="awarded")
        bid = await self.bid(f"for_{name}", order, supplier, status="awarded")
        values: dict[str, Any] = {
            "order_id": order.id,
            "bid_id": bid.id,
            "client_firm_id": client.id,
            "supplier_firm_id": supplier.id,
            "phase": "dyeing",
            "quantity": 1000,
            "unit": "kg",
            "unit_price": Decimal("3.10"),
            "total_price": Decimal("3100.00"),
            "due_date": (self.now + timedelta(days=30)).date(),
            "status": status,
        }
        values.update(fields)
        return await self.add(f"contract_{name}", Contract(**values))

    def day(self, days: int) -> date:
        return (self.now + timedelta(days=days)).date()


async def build_authz_world(app: FastAPI) -> AuthzWorld:
    ctx = app.state.ctx
    async with ctx.sessionmaker() as session:
        b = _Builder(session)
        owner, member = await b.user("owner"), await b.user("member")
        other, manager = await b.user("other"), await b.user("manager")
        staff = await b.user("staff", staff=True)
        counterpart, applicant = await b.user("counterpart"), await b.user("applicant")
        deputy, leaver = await b.user("deputy"), await b.user("leaver")
        await b.user("newcomer")  # has an account, belongs to no firm

        home = await b.firm("home", owner, "weaving", "dyeing")
        await b.add(None, Membership(firm_id=home.id, user_id=member.id, role="member"))
        await b.add(None, Membership(firm_id=home.id, user_id=leaver.id, role="member"))
        second = await b.firm("second", owner, "weaving")  # the owner's other firm
        partner = await b.firm("partner", counterpart, "dyeing", "weaving")
        await b.firm("other", other, "finishing")
        pending = await b.firm("pending", applicant, "knitting")
        await b.firm("suspended", applicant, "knitting", status="suspended")

        # The market: H's own open order (with S's bid and question), S's orders (one
        # with H's bid), a draft, and deals at every contract stage.
        h_open = await b.order("home_open", home)
        await b.add(None, OrderInvitation(order_id=h_open.id, firm_id=partner.id))
        await b.bid("partner_on_home", h_open, partner)
        await b.add(
            "question",
            Question(order_id=h_open.id, asker_firm_id=partner.id, text="Filato misto?"),
        )
        await b.order("home_draft", home, status="draft")
        s_open = await b.order("partner_open", partner, phase="weaving")
        await b.bid("home_on_partner", s_open, home)
        await b.order("partner_open_unbid", partner, phase="weaving")
        # S edited this order after H bid: H's bid waits for H to confirm it.
        s_changed = await b.order("partner_changed", partner, phase="weaving", revision=2)
        await b.bid("home_to_confirm", s_changed, home, status="needs_confirmation")
        active = await b.contract("active", home, partner, "active")
        await b.add(
            "message",
            ContractMessage(contract_id=active.id, firm_id=partner.id, text="Campionatura pronta"),
        )
        await b.contract("home_supplies", partner, home, "active")
        # A lot delivered on H's active contract, waiting for H's check (issue 13).
        await b.add(
            "lot_pending",
            DeliveryLot(
                contract_id=active.id, quantity=400, ddt_number="DDT 7/26", ddt_date=b.day(0)
            ),
        )
        await b.contract("delivered", home, partner, "delivered", delivered_at=b.now)
        await b.contract(
            "completed", home, partner, "completed", delivered_at=b.now, completed_at=b.now
        )
        await b.contract(
            "disputed",
            home,
            partner,
            "disputed",
            delivered_at=b.now,
            disputed_at=b.now,
            dispute_reason="Colore fuori tolleranza",
            dispute_opened_by_firm_id=home.id,
        )

        # Consortium K (managed by the manager and a deputy), where H and S are members
        # and another firm waits for approval; K2 has no member yet.
        k = await b.add("consortium", Consortium(name="Consorzio Export", kind="export"))
        await b.add(None, ConsortiumManager(consortium_id=k.id, user_id=manager.id))
        await b.add(None, ConsortiumManager(consortium_id=k.id, user_id=deputy.id))
        for firm, status in ((home, "active"), (partner, "active"), (pending, "pending")):
            await b.add(None, ConsortiumMember(consortium_id=k.id, firm_id=firm.id, status=status))
        k2 = await b.add(
            "consortium_empty", Consortium(name="Consorzio Marketing", kind="marketing")
        )
        await b.add(None, ConsortiumManager(consortium_id=k2.id, user_id=manager.id))

        fair_values: dict[str, Any] = {
            "consortium_id": k.id,
            "name": "Pitti Filati",
            "venue": "Fortezza da Basso",
            "city": "Firenze",
            "country": "Italia",
            "starts_on": b.day(60),
            "ends_on": b.day(62),
            "signup_deadline": b.now + timedelta(days=30),
            "total_cost": Decimal("20000.00"),
            "booth_area_m2": Decimal("100.00"),
            "cost_split": "equal",
            "max_firms": 8,
        }
        await b.add("fair", TradeFair(**fair_values))
        joined_fair = await b.add("fair_joined", TradeFair(**fair_values))
        await b.add(None, TradeFairParticipation(trade_fair_id=joined_fair.id, firm_id=home.id))
        await b.add("fair_closed", TradeFair(**{**fair_values, "status": "closed"}))

        campaign_values: dict[str, Any] = {
            "consortium_id": k.id,
            "title": "Made in Prato",
            "budget": Decimal("9000.00"),
            "starts_on": b.day(10),
            "ends_on": b.day(90),
        }
        await b.add("campaign", Campaign(**campaign_values))
        joined_campaign = await b.add("campaign_joined", Campaign(**campaign_values))
        await b.add(None, CampaignParticipation(campaign_id=joined_campaign.id, firm_id=home.id))

        await b.add("seal", QualitySeal(consortium_id=k.id, name="Lana Rigenerata"))
        granted = await b.add("seal_granted", QualitySeal(consortium_id=k.id, name="Tinto Eco"))
        await b.add(None, SealGrant(seal_id=granted.id, firm_id=home.id))

        course = await b.add(
            "course",
            Course(
                consortium_id=k.id,
                title="Colorimetria",
                capacity=10,
                enrol_deadline=b.now + timedelta(days=20),
            ),
        )
        await b.add(
            "course_session",
            CourseSession(
                course_id=course.id,
                position=0,
                starts_at=b.now - timedelta(hours=2),
                ends_at=b.now - timedelta(hours=1),
                location="Prato",
            ),
        )
        await b.add(
            "enrolment",
            Enrolment(
                course_id=course.id,
                firm_id=home.id,
                participant_name="Marta Bini",
                participant_email="marta@home.example.it",
                status="enrolled",
            ),
        )
        later = await b.add(
            "course_future",
            Course(
                consortium_id=k.id,
                title="Tintura naturale",
                capacity=10,
                enrol_deadline=b.now + timedelta(days=20),
            ),
        )
        await b.add(
            None,
            CourseSession(
                course_id=later.id,
                position=0,
                starts_at=b.now + timedelta(days=30),
                ends_at=b.now + timedelta(days=30, hours=4),
                location="Prato",
            ),
        )
        await b.add(
            "enrolment_future",
            Enrolment(
                course_id=later.id,
                firm_id=home.id,
                participant_name="Marta Bini",
                participant_email="marta@home.example.it",
                status="enrolled",
            ),
        )
        await add_institutions(b, owner=owner, home=home, partner=partner, manager=manager)
        await b.add(
            "flag",
            Flag(
                target_type="order",
                target_id=h_open.id,
                reporter_user_id=other.id,
                reporter_firm_id=b.ids["firm_other"],
                reason="Prezzo fuori mercato",
            ),
        )
        await add_documents(app, b)
        people = {
            "owner": owner,
            "member": member,
            "other": other,
            "consortium_manager": manager,
            "staff": staff,
        }
        refresh = {
            role: (await issue_tokens(session, ctx, user.id)).refresh_token
            for role, user in people.items()
        }
        await session.commit()
    return AuthzWorld(
        tokens={role: ctx.tokens.mint_access(user.id) for role, user in people.items()},
        refresh_tokens=refresh,
        emails={role: user.email for role, user in people.items()},
        users={role: user.id for role, user in people.items()},
        ids=b.ids | {"user_deputy": deputy.id, "user_leaver": leaver.id, "second_firm": second.id},
    )
