"""Who may call what: the expected status of every route for every kind of caller.

Columns, in the order the requests are made against one fresh world per route
(``authz_world.py``):

    anon   nobody signed in
    other  owner of a firm that is party to nothing here
    member plain ``member`` (read only) of the home firm H
    owner  owner of H (owner/manager rights)
    cmgr   manager of consortium K (in no firm)
    staff  association staff (in no firm)

Because the roles act one after the other on the same world, a write that succeeds
changes what the next role meets (e.g. after the owner awards, staff find the order
awarded); the table records those outcomes as they are meant to be.

Consortium activities (fairs, campaigns, courses and their files) are visible to the
consortium's member firms, its managers and staff only: to others they do not exist.
Staff may read everything for oversight, but act only through moderation routes.

Reading the codes: 401 not signed in, 403 sees it but may not act, 404 may not see it
(or it is not theirs), 409 state conflict, 2xx allowed. A route missing from this table
fails ``test_authz_matrix.py``: add its row when you add the route.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.documents.samples import pdf
from tests.helpers import valid_vat
from tests.security.authz_world import ROLES, AuthzWorld

Body = Callable[[AuthzWorld, str], Any]


@dataclass(frozen=True)
class Row:
    """``expected``: six statuses in the column order above."""

    expected: str
    path: dict[str, str] = field(default_factory=dict)  # path parameter -> world id
    json: Body | None = None
    form: Body | None = None
    files: Body | None = None  # multipart file parts (uploads)
    query: dict[str, Any] = field(default_factory=dict)
    # Set when the route cannot be driven over plain HTTP; names where it is tested.
    covered_by: str | None = None

    def statuses(self) -> dict[str, int]:
        codes = [int(c) for c in self.expected.split()]
        assert len(codes) == len(ROLES), self.expected
        return dict(zip(ROLES, codes, strict=True))


def _soon(days: int) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).isoformat()


def _day(days: int) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).date().isoformat()


def _week(weeks: int) -> str:
    year, week, _ = (datetime.now(UTC) + timedelta(weeks=weeks)).isocalendar()
    return f"{year:04d}-W{week:02d}"


def fixed(value: Any) -> Body:
    return lambda _w, _role: value


def per_role(make: Callable[[AuthzWorld, str], Any]) -> Body:
    return make


def home(key: str = "firm_home", **extra: Any) -> Body:
    """A body naming a world id (by default the home firm) under ``firm_id``."""
    return lambda w, _role: {"firm_id": w.ids[key], **extra}


def _vat_for(role: str) -> str:
    return valid_vat(8000 + ROLES.index(role))


def _order(w: AuthzWorld, _role: str) -> dict[str, Any]:
    return {
        "firm_id": w.ids["firm_home"],
        "title": "Orditura cotone",
        "phase": "dyeing",
        "quantity": 500,
        "unit": "kg",
        "bid_deadline": _soon(5),
        "delivery_due": _day(30),
        "visibility": "public",
    }


def _fair(_w: AuthzWorld, role: str) -> dict[str, Any]:
    return {
        "name": f"Milano Unica {role}",
        "venue": "Fiera Rho",
        "city": "Milano",
        "country": "Italia",
        "starts_on": _day(70),
        "ends_on": _day(72),
        "signup_deadline": _soon(40),
        "total_cost": "12000.00",
        "booth_area_m2": 60,
        "cost_split": "equal",
        "max_firms": 6,
    }


def _course(_w: AuthzWorld, role: str) -> dict[str, Any]:
    return {
        "title": f"Finissaggio {role}",
        "capacity": 12,
        "enrol_deadline": _soon(10),
        "sessions": [{"starts_at": _soon(20), "ends_at": _soon(21), "location": "Biella"}],
    }


REVIEW = {"quality": 4, "timeliness": 5, "communication": 4, "comment": "Buon lavoro"}


# fmt: off
def _pdf_file(_w: AuthzWorld, _role: str) -> dict[str, Any]:
    return {"file": ("scheda.pdf", pdf(), "application/pdf")}


MATRIX: dict[str, Row] = {
    # --- System and documentation (public by design; /docs is switched off in production)
    "GET /healthz":                         Row("200 200 200 200 200 200"),
    "GET /readyz":                          Row("200 200 200 200 200 200"),
    "GET /metrics":                         Row("200 200 200 200 200 200"),
    "GET /openapi.json":                    Row("200 200 200 200 200 200"),
    "GET /docs":                            Row("200 200 200 200 200 200"),
    "GET /docs/oauth2-redirect":            Row("200 200 200 200 200 200"),

    # --- Identity
    "POST /api/v1/auth/register":           Row("201 201 201 201 201 201", json=per_role(
        lambda _w, role: {"email": f"new-{role}@authz.example.it",
                          "password": "a-long-password", "full_name": "Nuovo"})),
    # The matrix's people have no password: every sign-in fails the same way.
    "POST /api/v1/auth/token":              Row("401 401 401 401 401 401", form=per_role(
        lambda w, role: {"username": w.emails.get(role, "nobody@authz.example.it"),
                         "password": "not-their-password"})),
    "POST /api/v1/auth/refresh":            Row("401 200 200 200 200 200", json=per_role(
        lambda w, role: {"refresh_token": w.refresh_tokens.get(role, "not-a-token")})),
    "POST /api/v1/auth/logout":             Row("401 204 204 204 204 204"),
    "GET /api/v1/me":                       Row("401 200 200 200 200 200"),
    # The owner is H's last owner and H has other members; the consortium manager runs
    # a consortium alone: both must hand over first.
    "DELETE /api/v1/me":                    Row("401 204 204 409 409 204"),
    "GET /api/v1/auth/providers":           Row("200 200 200 200 200 200"),
    # No provider is configured in the matrix's app.
    "GET /api/v1/auth/oidc/{provider}/login":    Row("404 404 404 404 404 404",
                                                     path={"provider": "sso"}),
    "GET /api/v1/auth/oidc/{provider}/callback": Row("404 404 404 404 404 404",
                                                     path={"provider": "sso"}),

    # --- Firms
    "GET /api/v1/phases":                   Row("200 200 200 200 200 200"),
    "POST /api/v1/firms":                   Row("401 201 201 201 201 201", json=per_role(
        lambda _w, role: {"name": f"Nuova {role} S.r.l.", "vat_number": _vat_for(role),
                          "phases": ["dyeing"], "region": "Toscana", "size_class": "micro"})),
    "GET /api/v1/firms":                    Row("200 200 200 200 200 200"),
    "GET /api/v1/firms/{firm_id}":          Row("200 200 200 200 200 200",
                                                path={"firm_id": "firm_home"}),
    "PATCH /api/v1/firms/{firm_id}":        Row("401 404 403 200 404 404",
                                                path={"firm_id": "firm_home"},
                                                json=fixed({"description": "Tessitura dal 1962"})),
    "GET /api/v1/firms/{firm_id}/members":  Row("401 404 200 200 404 200",
                                                path={"firm_id": "firm_home"}),
    "POST /api/v1/firms/{firm_id}/members": Row("401 404 403 201 404 404",
                                                path={"firm_id": "firm_home"},
                                                json=fixed({"email": "newcomer@authz.example.it",
                                                            "role": "member"})),
    "PATCH /api/v1/firms/{firm_id}/members/{user_id}":  Row("401 404 403 200 404 404",
        path={"firm_id": "firm_home", "user_id": "user_member"},
        json=fixed({"role": "manager"})),
    "DELETE /api/v1/firms/{firm_id}/members/{user_id}": Row("401 404 403 204 404 404",
        path={"firm_id": "firm_home", "user_id": "user_leaver"}),
    # Only someone owning every firm (or staff) may group them; then they are grouped.
    "POST /api/v1/ownership-groups":        Row("401 403 403 201 403 409", json=per_role(
        lambda w, _role: {"name": "Famiglia Bini",
                          "firm_ids": [w.ids["firm_home"], w.ids["second_firm"]]})),
    "GET /api/v1/firms/{firm_id}/reputation": Row("200 200 200 200 200 200",
                                                  path={"firm_id": "firm_home"}),
    "GET /api/v1/firms/{firm_id}/seals":    Row("200 200 200 200 200 200",
                                                path={"firm_id": "firm_home"}),
    "GET /api/v1/firms/{firm_id}/export":   Row("401 404 403 200 404 404",
                                                path={"firm_id": "firm_home"}),

    # --- Market: H's open order is public, so other firms see it (403 where they act).
    # A user without a firm sees no order.
    "POST /api/v1/orders":                  Row("401 404 403 201 404 404", json=_order),
    "GET /api/v1/orders":                   Row("401 200 200 200 200 200"),
    "GET /api/v1/orders/{order_id}":        Row("401 200 200 200 404 200",
                                                path={"order_id": "order_home_open"}),
    "PATCH /api/v1/orders/{order_id}":      Row("401 403 403 200 404 403",
                                                path={"order_id": "order_home_open"},
                                                json=fixed({"description": "Blu navy"})),
    "POST /api/v1/orders/{order_id}/publish": Row("401 404 403 200 404 403",
                                                  path={"order_id": "order_home_draft"}),
    "POST /api/v1/orders/{order_id}/cancel":  Row("401 403 403 200 404 403",
                                                  path={"order_id": "order_home_open"}),
    "GET /api/v1/orders/{order_id}/invitations": Row("401 404 200 200 404 200",
                                                     path={"order_id": "order_home_open"}),
    # The owner also owns a second firm, which may ask about H's public order.
    "POST /api/v1/orders/{order_id}/questions":  Row("401 201 403 201 404 403",
                                                     path={"order_id": "order_home_open"},
                                                     json=fixed({"text": "Tempi di consegna?"})),
    "GET /api/v1/orders/{order_id}/questions":   Row("401 200 200 200 404 200",
                                                     path={"order_id": "order_home_open"}),
    "POST /api/v1/orders/{order_id}/questions/{question_id}/answer": Row(
        "401 404 403 200 404 403",
        path={"order_id": "order_home_open", "question_id": "question"},
        json=fixed({"text": "No, solo lana"})),
    "POST /api/v1/orders/{order_id}/bids":  Row("401 404 403 201 404 404",
                                                path={"order_id": "order_partner_open_unbid"},
                                                json=home(unit_price="2.90",
                                                          delivery_date=_day(25))),
    "GET /api/v1/orders/{order_id}/bids":   Row("401 404 200 200 404 404",
                                                path={"order_id": "order_home_open"}),
    "GET /api/v1/bids/{bid_id}":            Row("401 404 200 200 404 404",
                                                path={"bid_id": "bid_partner_on_home"}),
    "PATCH /api/v1/bids/{bid_id}":          Row("401 404 403 200 404 404",
                                                path={"bid_id": "bid_home_on_partner"},
                                                json=fixed({"notes": "Consegna anticipata"})),
    "POST /api/v1/bids/{bid_id}/confirm":   Row("401 404 403 200 404 404",
                                                path={"bid_id": "bid_home_to_confirm"}),
    "POST /api/v1/bids/{bid_id}/withdraw":  Row("401 404 403 200 404 404",
                                                path={"bid_id": "bid_home_on_partner"}),
    "POST /api/v1/orders/{order_id}/award": Row("401 403 403 201 404 403",
                                                path={"order_id": "order_home_open"},
                                                json=per_role(lambda w, _role: {
                                                    "bid_id": w.ids["bid_partner_on_home"]})),
    "GET /api/v1/observatory/summary":      Row("200 200 200 200 200 200"),

    # --- Contracts: the two party firms; staff read them for disputes.
    "GET /api/v1/contracts":                Row("401 200 200 200 200 200"),
    # Staff reach a contract only through a dispute (issue 15 #7): these were never
    # disputed, so for staff they do not exist; the dispute route itself is for parties.
    "GET /api/v1/contracts/{contract_id}":  Row("401 404 200 200 404 404",
                                                path={"contract_id": "contract_active"}),
    "POST /api/v1/contracts/{contract_id}/deliver": Row("401 404 403 200 404 404",
        path={"contract_id": "contract_home_supplies"}),
    "POST /api/v1/contracts/{contract_id}/accept":  Row("401 404 403 200 404 404",
        path={"contract_id": "contract_delivered"}),
    "POST /api/v1/contracts/{contract_id}/dispute": Row("401 404 403 200 404 403",
        path={"contract_id": "contract_active"},
        json=fixed({"reason": "Consegna in ritardo"})),
    "GET /api/v1/contracts/{contract_id}/messages": Row("401 404 200 200 404 404",
        path={"contract_id": "contract_active"}),
    # Plain members read the thread; writing needs manager or owner (the design: members read).
    "POST /api/v1/contracts/{contract_id}/messages": Row("401 404 403 201 404 404",
        path={"contract_id": "contract_active"}, json=fixed({"text": "Ricevuto"})),
    "GET /api/v1/contracts/{contract_id}/reviews":  Row("401 404 200 200 404 404",
        path={"contract_id": "contract_completed"}),
    "POST /api/v1/contracts/{contract_id}/reviews": Row("401 404 403 201 404 404",
        path={"contract_id": "contract_completed"}, json=fixed(REVIEW)),
    # --- Trade conventions (issue 13): units, lots, invoices, billing data. Staff reach a
    # contract's lots and invoice only through a dispute, like the rest of it (issue 15 #7).
    "GET /api/v1/units":                    Row("200 200 200 200 200 200"),
    "GET /api/v1/firms/{firm_id}/billing":  Row("401 404 200 200 404 200",
                                                path={"firm_id": "firm_home"}),
    "GET /api/v1/contracts/{contract_id}/deliveries": Row("401 404 200 200 404 404",
        path={"contract_id": "contract_active"}),
    "POST /api/v1/contracts/{contract_id}/deliveries": Row("401 404 403 201 404 404",
        path={"contract_id": "contract_home_supplies"},
        json=per_role(lambda _w, role: {"quantity": "100", "ddt_number": f"DDT {role}",
                                         "ddt_date": datetime.now(UTC).date().isoformat()})),
    "POST /api/v1/contracts/{contract_id}/deliveries/{lot_id}/accept": Row(
        "401 404 403 200 404 404",
        path={"contract_id": "contract_active", "lot_id": "lot_pending"},
        json=fixed({"accepted_quantity": "400"})),
    "POST /api/v1/contracts/{contract_id}/deliveries/{lot_id}/dispute": Row(
        "401 404 403 200 404 403",
        path={"contract_id": "contract_active", "lot_id": "lot_pending"},
        json=fixed({"reason": "Tonalità fuori tolleranza"})),
    "GET /api/v1/contracts/{contract_id}/invoice.xml": Row("401 404 200 200 404 404",
        path={"contract_id": "contract_completed"}),
    "GET /api/v1/contracts/{contract_id}/invoice.html": Row("401 404 200 200 404 404",
        path={"contract_id": "contract_completed"}),
    "POST /api/v1/moderation/contracts/{contract_id}/resolve": Row("401 403 403 403 403 200",
        path={"contract_id": "contract_disputed"},
        json=fixed({"outcome": "completed", "note": "Tolleranza rispettata"})),
    "GET /api/v1/moderation/disputes":      Row("401 403 403 403 403 200"),

    # --- Consortia: managers run them; member firms' owners take part.
    "POST /api/v1/consortia":               Row("401 201 201 201 201 201", json=per_role(
        lambda _w, role: {"name": f"Consorzio {role}", "kind": "general"})),
    "GET /api/v1/consortia":                Row("200 200 200 200 200 200"),
    "GET /api/v1/consortia/{consortium_id}": Row("200 200 200 200 200 200",
                                                 path={"consortium_id": "consortium"}),
    "PATCH /api/v1/consortia/{consortium_id}": Row("401 403 403 403 200 403",
                                                   path={"consortium_id": "consortium"},
                                                   json=fixed({"description": "Export USA"})),
    "GET /api/v1/consortia/{consortium_id}/showcase": Row("200 200 200 200 200 200",
        path={"consortium_id": "consortium"}),
    "GET /api/v1/consortia/{consortium_id}/managers": Row("401 403 403 403 200 200",
        path={"consortium_id": "consortium"}),
    "POST /api/v1/consortia/{consortium_id}/managers": Row("401 403 403 403 201 403",
        path={"consortium_id": "consortium"},
        json=fixed({"email": "newcomer@authz.example.it"})),
    "DELETE /api/v1/consortia/{consortium_id}/managers/{user_id}": Row(
        "401 403 403 403 204 403",
        path={"consortium_id": "consortium", "user_id": "user_deputy"}),
    "POST /api/v1/consortia/{consortium_id}/members": Row("401 404 403 201 404 404",
        path={"consortium_id": "consortium_empty"}, json=home()),
    "POST /api/v1/consortia/{consortium_id}/members/{firm_id}/approve": Row(
        "401 403 403 403 200 403",
        path={"consortium_id": "consortium", "firm_id": "firm_pending"}),
    "POST /api/v1/consortia/{consortium_id}/members/{firm_id}/reject": Row(
        "401 403 403 403 200 403",
        path={"consortium_id": "consortium", "firm_id": "firm_pending"}),
    # The firm's owner leaves; afterwards the manager finds no membership to end.
    "DELETE /api/v1/consortia/{consortium_id}/members/{firm_id}": Row(
        "401 404 403 204 404 404",
        path={"consortium_id": "consortium", "firm_id": "firm_home"}),
    "POST /api/v1/consortia/{consortium_id}/trade-fairs": Row("401 403 403 403 201 403",
        path={"consortium_id": "consortium"}, json=_fair),
    "GET /api/v1/consortia/{consortium_id}/trade-fairs": Row("200 200 200 200 200 200",
        path={"consortium_id": "consortium"}),
    "GET /api/v1/trade-fairs/{fair_id}":    Row("401 404 200 200 200 200",
                                                path={"fair_id": "fair"}),
    "POST /api/v1/trade-fairs/{fair_id}/participations": Row("401 404 403 201 404 404",
        path={"fair_id": "fair"}, json=home()),
    "DELETE /api/v1/trade-fairs/{fair_id}/participations/{firm_id}": Row(
        "401 404 403 204 404 403",
        path={"fair_id": "fair_joined", "firm_id": "firm_home"}),
    "POST /api/v1/trade-fairs/{fair_id}/close":  Row("401 404 403 403 200 403",
                                                     path={"fair_id": "fair"}),
    "POST /api/v1/trade-fairs/{fair_id}/reopen": Row("401 404 403 403 200 403",
                                                     path={"fair_id": "fair_closed"}),
    "GET /api/v1/trade-fairs/{fair_id}/costs":   Row("401 404 200 200 200 200",
                                                     path={"fair_id": "fair_joined"}),
    "GET /api/v1/trade-fairs/{fair_id}/participants.csv": Row("401 404 403 403 200 200",
        path={"fair_id": "fair_joined"}),
    "GET /api/v1/trade-fairs/{fair_id}/calendar.ics": Row("401 404 200 200 200 200",
        path={"fair_id": "fair"}),
    "POST /api/v1/consortia/{consortium_id}/campaigns": Row("401 403 403 403 201 403",
        path={"consortium_id": "consortium"}, json=per_role(lambda _w, role: {
            "title": f"Campagna {role}", "budget": "5000.00",
            "starts_on": _day(5), "ends_on": _day(50)})),
    "GET /api/v1/consortia/{consortium_id}/campaigns": Row("200 200 200 200 200 200",
        path={"consortium_id": "consortium"}),
    "GET /api/v1/campaigns/{campaign_id}":  Row("401 404 200 200 200 200",
                                                path={"campaign_id": "campaign"}),
    "POST /api/v1/campaigns/{campaign_id}/participations": Row("401 404 403 201 404 404",
        path={"campaign_id": "campaign"}, json=home()),
    "DELETE /api/v1/campaigns/{campaign_id}/participations/{firm_id}": Row(
        "401 404 403 204 404 403",
        path={"campaign_id": "campaign_joined", "firm_id": "firm_home"}),
    "GET /api/v1/campaigns/{campaign_id}/costs": Row("401 404 200 200 200 200",
        path={"campaign_id": "campaign_joined"}),
    "POST /api/v1/consortia/{consortium_id}/seals": Row("401 403 403 403 201 403",
        path={"consortium_id": "consortium"},
        json=per_role(lambda _w, role: {"name": f"Marchio {role}"})),
    "GET /api/v1/consortia/{consortium_id}/seals": Row("200 200 200 200 200 200",
        path={"consortium_id": "consortium"}),
    "GET /api/v1/seals/{seal_id}":          Row("200 200 200 200 200 200",
                                                path={"seal_id": "seal"}),
    "POST /api/v1/seals/{seal_id}/grants":  Row("401 403 403 403 201 403",
                                                path={"seal_id": "seal"}, json=home()),
    "DELETE /api/v1/seals/{seal_id}/grants/{firm_id}": Row("401 403 403 403 204 403",
        path={"seal_id": "seal_granted", "firm_id": "firm_home"}),

    # --- Training
    "POST /api/v1/consortia/{consortium_id}/courses": Row("401 403 403 403 201 403",
        path={"consortium_id": "consortium"}, json=_course),
    "GET /api/v1/consortia/{consortium_id}/courses": Row("200 200 200 200 200 200",
        path={"consortium_id": "consortium"}),
    "GET /api/v1/courses/{course_id}":      Row("401 404 200 200 200 200",
                                                path={"course_id": "course"}),
    # Only the consortium's managers edit a course; who cannot read it learns nothing.
    "PATCH /api/v1/courses/{course_id}":    Row("401 404 403 403 200 403",
                                                path={"course_id": "course"},
                                                json=fixed({"description": "Corso aggiornato"})),
    "POST /api/v1/courses/{course_id}/enrolments": Row("401 404 403 201 404 404",
        path={"course_id": "course"}, json=home(participant_name="Luca Neri",
                                                participant_email="luca@home.example.it")),
    "GET /api/v1/courses/{course_id}/enrolments": Row("401 404 200 200 200 200",
        path={"course_id": "course"}),
    "GET /api/v1/courses/{course_id}/calendar.ics": Row("401 404 200 200 200 200",
        path={"course_id": "course"}),
    "GET /api/v1/courses/{course_id}/attendance.csv": Row("401 404 403 403 200 200",
        path={"course_id": "course"}),
    "GET /api/v1/enrolments/{enrolment_id}": Row("401 404 200 200 200 200",
                                                 path={"enrolment_id": "enrolment"}),
    # The firm cancels its own enrolment; then the manager finds it already cancelled.
    "DELETE /api/v1/enrolments/{enrolment_id}": Row("401 404 403 204 409 403",
                                                    path={"enrolment_id": "enrolment_future"}),
    "POST /api/v1/enrolments/{enrolment_id}/attendance": Row("401 404 403 403 200 403",
        path={"enrolment_id": "enrolment"},
        json=per_role(lambda w, _role: {"session_id": w.ids["course_session"],
                                        "present": True})),

    # --- Moderation and privacy
    "POST /api/v1/flags":                   Row("401 201 201 201 201 201",
                                                json=per_role(lambda w, _role: {
                                                    "target_type": "firm",
                                                    "target_id": w.ids["firm_partner"],
                                                    "reason": "Falso made in Italy"})),
    "GET /api/v1/moderation/flags":         Row("401 403 403 403 403 200"),
    "POST /api/v1/moderation/flags/{flag_id}/resolve": Row("401 403 403 403 403 200",
        path={"flag_id": "flag"}, json=fixed({"action": "dismiss", "note": "Prezzo lecito"})),
    "GET /api/v1/moderation/firms":         Row("401 403 403 403 403 200"),
    "POST /api/v1/moderation/firms/{firm_id}/verify":    Row("401 403 403 403 403 200",
                                                             path={"firm_id": "firm_partner"}),
    "POST /api/v1/moderation/firms/{firm_id}/suspend":   Row("401 403 403 403 403 200",
                                                             path={"firm_id": "firm_partner"},
                                                             json=fixed({"reason": "Frode"})),
    "POST /api/v1/moderation/firms/{firm_id}/reinstate": Row("401 403 403 403 403 200",
        path={"firm_id": "firm_suspended"}),
    "GET /api/v1/moderation/audit-log":     Row("401 403 403 403 403 200"),

    # --- Institutions: reference tariffs (public, staff publish) and capacity calendars
    "POST /api/v1/tariffs":                 Row("401 403 403 403 403 201", json=fixed({
        "phase": "dyeing", "unit": "m", "min_price": "0.85", "typical_price": "1.10",
        "valid_from": _day(0)})),
    "GET /api/v1/tariffs":                  Row("200 200 200 200 200 200"),
    "GET /api/v1/moderation/below-tariff":  Row("401 403 403 403 403 200"),
    "PUT /api/v1/firms/{firm_id}/capacity": Row("401 404 403 200 404 404",
                                                path={"firm_id": "firm_home"},
                                                json=fixed([{"phase": "dyeing",
                                                             "week": _week(1),
                                                             "quantity": "800",
                                                             "unit": "kg"}])),
    "GET /api/v1/firms/{firm_id}/capacity": Row("401 200 200 200 200 200",
                                                path={"firm_id": "firm_home"}),
    "GET /api/v1/capacity/summary":         Row("401 200 200 200 200 200",
                                                query={"phase": "dyeing"}),
    # --- Forum: everybody reads; firm users (and staff, for the association) write;
    # only the author edits; a firm's owner or manager votes in a consultation.
    "GET /api/v1/forum/categories":         Row("200 200 200 200 200 200"),
    "GET /api/v1/forum/topics":             Row("200 200 200 200 200 200"),
    "POST /api/v1/forum/topics":            Row("401 201 201 201 403 201", json=per_role(
        lambda _w, role: {"category": "tessile", "title": f"Filati {role}", "body": "Chi ha"})),
    "POST /api/v1/forum/preview":           Row("401 200 200 200 200 200",
                                                json=fixed({"body": "**ciao**"})),
    "GET /api/v1/forum/topics/{topic_id}":  Row("200 200 200 200 200 200",
                                                path={"topic_id": "forum_topic"}),
    "PATCH /api/v1/forum/topics/{topic_id}": Row("401 403 403 200 403 403",
        path={"topic_id": "forum_topic"}, json=fixed({"body": "Corretto"})),
    "GET /api/v1/forum/topics/{topic_id}/history": Row("200 200 200 200 200 200",
        path={"topic_id": "forum_topic"}),
    "POST /api/v1/forum/topics/{topic_id}/posts": Row("401 201 201 201 403 201",
        path={"topic_id": "forum_topic"}, json=fixed({"body": "D'accordo"})),
    "PATCH /api/v1/forum/posts/{post_id}":  Row("401 403 403 200 403 403",
        path={"post_id": "forum_post"}, json=fixed({"body": "Rivisto"})),
    "GET /api/v1/forum/posts/{post_id}/history": Row("200 200 200 200 200 200",
        path={"post_id": "forum_post"}),
    "POST /api/v1/forum/topics/{topic_id}/votes": Row("401 404 403 200 404 404",
        path={"topic_id": "consultation"}, json=home(option="Favorevole")),

    # --- Confidi: the firm and the consortium's managers see a request; nobody else.
    "POST /api/v1/consortia/{consortium_id}/guarantees": Row("401 404 403 201 404 404",
        path={"consortium_id": "confidi"}, json=home(amount="15000.00", purpose="Scorte")),
    "GET /api/v1/consortia/{consortium_id}/guarantees": Row("401 404 200 200 200 404",
        path={"consortium_id": "confidi"}),
    "GET /api/v1/consortia/{consortium_id}/caps": Row("401 404 200 200 200 404",
        path={"consortium_id": "confidi"}),
    "PUT /api/v1/consortia/{consortium_id}/members/{firm_id}/cap": Row(
        "401 403 403 403 200 403",
        path={"consortium_id": "confidi", "firm_id": "firm_home"},
        json=fixed({"cap": "50000.00"})),
    "GET /api/v1/guarantees/{guarantee_id}": Row("401 404 200 200 200 404",
                                                 path={"guarantee_id": "guarantee"}),
    "POST /api/v1/guarantees/{guarantee_id}/approve": Row("401 404 403 403 200 404",
        path={"guarantee_id": "guarantee"}, json=per_role(lambda _w, _role: {
            "guaranteed_percent": "50", "amount": "20000.00", "expires_on": _day(365)})),
    "POST /api/v1/guarantees/{guarantee_id}/reject": Row("401 404 403 403 200 404",
        path={"guarantee_id": "guarantee"}, json=fixed({"reason": "Garanzie insufficienti"})),

    # --- Live events and notifications (the websocket has its own tests)
    "WS /api/v1/ws":                        Row("0 0 0 0 0 0",
                                                covered_by="tests/realtime/test_protections.py"),
    "GET /api/v1/events":                   Row("401 200 200 200 200 200"),
    "GET /api/v1/notifications":            Row("401 200 200 200 200 200"),
    "GET /api/v1/notifications/unread-count": Row("401 200 200 200 200 200"),
    "POST /api/v1/notifications/read":      Row("401 200 200 200 200 200",
                                                json=fixed({"all": True})),
    # --- Email: settings, saved searches, unsubscribe, account mail, invitations
    "GET /api/v1/me/notification-settings": Row("401 200 200 200 200 200"),
    "PUT /api/v1/me/notification-settings": Row("401 200 200 200 200 200",
        json=fixed({"email": "daily", "language": "en", "kinds": {"bids": False}})),
    "POST /api/v1/me/saved-searches":       Row("401 201 201 201 201 201",
        json=fixed({"name": "Tintura lana", "phase": "dyeing", "min_quantity": 500})),
    "GET /api/v1/me/saved-searches":        Row("401 200 200 200 200 200"),
    # Nobody's search: each person only ever finds their own (tests/mail).
    "DELETE /api/v1/me/saved-searches/{search_id}": Row("401 404 404 404 404 404",
        path={"search_id": "987654"}),
    # Anyone holding a link; a forged one is refused whoever sends it.
    "POST /api/v1/email/unsubscribe":       Row("400 400 400 400 400 400",
        query={"token": "1.all.99999999999.forged"}),
    "POST /api/v1/auth/password-reset":     Row("202 202 202 202 202 202",
        json=fixed({"email": "owner@authz.example.it"})),
    "POST /api/v1/auth/password-reset/confirm": Row("400 400 400 400 400 400",
        json=fixed({"token": "not-a-token", "new_password": "a-long-password"})),
    "POST /api/v1/auth/verify-email":       Row("400 400 400 400 400 400",
        json=fixed({"token": "not-a-token"})),
    "POST /api/v1/firms/{firm_id}/invitations": Row("401 404 403 201 404 404",
        path={"firm_id": "firm_home"},
        json=fixed({"email": "invitee@authz.example.it", "role": "member"})),
    "GET /api/v1/firms/{firm_id}/invitations": Row("401 404 403 200 404 404",
        path={"firm_id": "firm_home"}),
    "DELETE /api/v1/firms/{firm_id}/invitations/{invitation_id}": Row("401 404 403 404 404 404",
        path={"firm_id": "firm_home", "invitation_id": "987654"}),
    "GET /api/v1/invitations/preview":      Row("400 400 400 400 400 400",
        query={"token": "not-a-token"}),
    "POST /api/v1/invitations/accept":      Row("401 400 400 400 400 400",
        json=fixed({"token": "not-a-token"})),
    # --- Documents (their world: tests/security/authz_documents.py) ---
    "POST /api/v1/orders/{order_id}/attachments": Row("401 403 403 201 404 403",
        path={"order_id": "order_home_open"}, files=_pdf_file),
    "GET /api/v1/orders/{order_id}/attachments": Row("401 200 200 200 404 200",
        path={"order_id": "order_home_open"}),
    "POST /api/v1/bids/{bid_id}/attachments": Row("401 404 403 201 404 404",
        path={"bid_id": "bid_home_on_partner"}, files=_pdf_file),
    "GET /api/v1/bids/{bid_id}/attachments": Row("401 404 200 200 404 404",
        path={"bid_id": "bid_home_on_partner"}),
    "POST /api/v1/contracts/{contract_id}/attachments": Row("401 404 201 201 404 404",
        path={"contract_id": "contract_active"}, files=_pdf_file),
    # Staff read a contract's files only through a dispute.
    "GET /api/v1/contracts/{contract_id}/attachments": Row("401 404 200 200 404 200",
        path={"contract_id": "contract_disputed"}),
    "GET /api/v1/attachments/order-covers": Row("401 200 200 200 200 200",
        query={"order_id": [1, 2]}),
    "GET /api/v1/attachments/{attachment_id}": Row("401 404 200 200 404 404",
        path={"attachment_id": "attachment_contract"}),
    "GET /api/v1/attachments/{attachment_id}/content": Row("401 404 200 200 404 404",
        path={"attachment_id": "attachment_bid"}),
    "GET /api/v1/attachments/{attachment_id}/thumbnail": Row("401 200 200 200 404 200",
        path={"attachment_id": "attachment_order"}),
    "DELETE /api/v1/attachments/{attachment_id}": Row("401 403 403 204 404 404",
        path={"attachment_id": "attachment_order"}),
    "POST /api/v1/firms/{firm_id}/documents": Row("401 404 403 201 404 404",
        path={"firm_id": "firm_home"}, files=_pdf_file, form=fixed(
            {"kind": "certification", "label": "OEKO-TEX", "valid_until": _day(300)})),
    "GET /api/v1/firms/{firm_id}/documents": Row("401 404 200 200 404 200",
        path={"firm_id": "firm_home"}),
    "GET /api/v1/firms/{firm_id}/documents/{document_id}/content": Row(
        "401 404 200 200 404 200", path={"firm_id": "firm_home", "document_id": "firm_document"}),
    "GET /api/v1/moderation/documents":     Row("401 403 403 403 403 200"),
    "POST /api/v1/moderation/documents/{document_id}/approve": Row("401 403 403 403 403 200",
        path={"document_id": "firm_document"}),
    "POST /api/v1/moderation/documents/{document_id}/reject": Row("401 403 403 403 403 200",
        path={"document_id": "firm_document"}, json=fixed({"note": "Documento illeggibile"})),
}
# fmt: on
