"""Account mail: verification, password reset and invitations, each link single-use
and short-lived."""

import asyncio
from datetime import timedelta

import httpx
from fastapi import FastAPI

from distretto.kit import clock
from tests.helpers import PASSWORD, firm_owner, login, register
from tests.mail.smtp import Mailbox, deliver, smtp_server


async def mailed(app: FastAPI, address: str) -> Mailbox:
    with smtp_server() as (box, url):
        await deliver(app, url)
    assert box.account_mail(address), f"no account mail to {address}"
    return box


async def test_registration_mails_a_verification_link_that_never_blocks_sign_in(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    me = await register(client, via_http=True)  # signs in at once, unverified
    assert (await client.get("/me", headers=me.headers)).json()["email_verified"] is False
    box = await mailed(app, me.email)
    (mail,) = box.account_mail(me.email)
    assert mail.subject == "Conferma il tuo indirizzo email"
    assert mail.message["List-Unsubscribe"] is None
    token = mail.link("verify-email")
    assert (await client.post("/auth/verify-email", json={"token": token})).status_code == 204
    assert (await client.get("/me", headers=me.headers)).json()["email_verified"] is True
    again = await client.post("/auth/verify-email", json={"token": token})
    assert again.status_code == 400 and again.json()["code"] == "account.bad_link"


async def test_account_mail_speaks_the_browser_language_until_settings_say_otherwise(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    body = {"email": "chen.wei@example.it", "password": PASSWORD, "full_name": "Chen Wei"}
    created = await client.post(
        "/auth/register", json=body, headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"}
    )
    assert created.status_code == 201
    box = await mailed(app, "chen.wei@example.it")
    assert box.account_mail("chen.wei@example.it")[0].subject == "请确认您的邮箱地址"
    tokens = await login(client, "chen.wei@example.it")
    settings = await client.get(
        "/me/notification-settings", headers={"Authorization": f"Bearer {tokens['access_token']}"}
    )
    assert settings.json()["language"] == "zh"
    await client.post(
        "/auth/password-reset",
        json={"email": "chen.wei@example.it"},
        headers={"Accept-Language": "it"},
    )
    box = await mailed(app, "chen.wei@example.it")
    assert box.account_mail("chen.wei@example.it")[0].subject == "重置密码"


async def test_a_reset_link_works_once_and_not_after_an_hour(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    me = await register(client)
    await mailed(app, me.email)  # the verification mail, out of the way
    unknown = await client.post("/auth/password-reset", json={"email": "nobody@example.it"})
    known = await client.post("/auth/password-reset", json={"email": me.email.upper()})
    assert unknown.status_code == known.status_code == 202
    assert unknown.content == known.content
    box = await mailed(app, me.email)
    assert box.account_mail("nobody@example.it") == []
    (mail,) = box.account_mail(me.email)
    token = mail.link("reset-password")

    new = {"token": token, "new_password": "a-brand-new-passphrase"}
    assert (await client.post("/auth/password-reset/confirm", json=new)).status_code == 204
    # The old sessions end; the new password works, the old one not.
    old = await client.post("/auth/refresh", json={"refresh_token": me.refresh_token})
    assert old.status_code == 401
    await login(client, me.email, "a-brand-new-passphrase")
    assert (
        await client.post("/auth/token", data={"username": me.email, "password": PASSWORD})
    ).status_code == 401
    twice = await client.post("/auth/password-reset/confirm", json=new)
    assert twice.status_code == 400 and twice.json()["code"] == "account.bad_link"

    # A fresh link, used after its hour.
    await client.post("/auth/password-reset", json={"email": me.email})
    late = (await mailed(app, me.email)).account_mail(me.email)[0].link("reset-password")
    with clock.pinned(clock.now() + timedelta(minutes=61)):
        expired = await client.post(
            "/auth/password-reset/confirm",
            json={"token": late, "new_password": "yet-another-passphrase"},
        )
    assert expired.status_code == 400
    weak = await client.post(
        "/auth/password-reset/confirm", json={"token": late, "new_password": "short"}
    )
    assert weak.status_code == 422 and weak.json()["errors"][0]["field"] == "new_password"


async def test_two_clicks_at_once_spend_a_reset_link_once(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    me = await register(client)
    await client.post("/auth/password-reset", json={"email": me.email})
    box = await mailed(app, me.email)
    token = next(m for m in box.account_mail(me.email) if "password" in m.subject.lower()).link(
        "reset-password"
    )
    results = await asyncio.gather(
        *(
            client.post(
                "/auth/password-reset/confirm",
                json={"token": token, "new_password": f"passphrase-number-{i}"},
            )
            for i in range(2)
        )
    )
    assert sorted(r.status_code for r in results) == [204, 400]


async def test_reset_requests_are_throttled_per_address_without_telling(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    me = await register(client)
    for _ in range(7):
        response = await client.post("/auth/password-reset", json={"email": me.email})
        assert response.status_code == 202
    box = await mailed(app, me.email)
    resets = [m for m in box.account_mail(me.email) if "password" in m.subject.lower()]
    assert len(resets) == 5


async def test_an_invitation_registers_a_newcomer_straight_into_the_firm(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    owner = await firm_owner(client)
    invited = await client.post(
        f"/firms/{owner.firm_id}/invitations",
        json={"email": "Nuova.Collega@Example.it", "role": "manager"},
        headers=owner.headers,
    )
    assert invited.status_code == 201, invited.text
    assert invited.json()["status"] == "pending" and invited.json()["email"] == (
        "nuova.collega@example.it"
    )
    listed = await client.get(f"/firms/{owner.firm_id}/invitations", headers=owner.headers)
    assert [i["email"] for i in listed.json()] == ["nuova.collega@example.it"]
    duplicate = await client.post(
        f"/firms/{owner.firm_id}/invitations",
        json={"email": "nuova.collega@example.it"},
        headers=owner.headers,
    )
    assert duplicate.status_code == 409

    box = await mailed(app, "nuova.collega@example.it")
    (mail,) = box.account_mail("nuova.collega@example.it")
    assert "ti invita" in mail.subject and "come responsabile" in mail.text
    token = mail.link("invitation")
    preview = await client.get("/invitations/preview", params={"token": token})
    assert preview.json()["role"] == "manager"

    wrong = await client.post(
        "/auth/register",
        json={
            "email": "someone.else@example.it",
            "password": PASSWORD,
            "full_name": "Altra Persona",
            "invitation_token": token,
        },
    )
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["code"] == (
        "invitation.email_mismatch"
    )
    body = {
        "email": "nuova.collega@example.it",
        "password": PASSWORD,
        "full_name": "Giulia Bardi",
        "invitation_token": token,
    }
    assert (await client.post("/auth/register", json=body)).status_code == 201
    tokens = await login(client, "nuova.collega@example.it")
    me = await client.get("/me", headers={"Authorization": f"Bearer {tokens['access_token']}"})
    assert me.json()["email_verified"] is True
    assert [(m["firm_id"], m["role"]) for m in me.json()["memberships"]] == [
        (owner.firm_id, "manager")
    ]
    # Used once; no longer pending.
    reuse = await client.get("/invitations/preview", params={"token": token})
    assert reuse.status_code == 400 and reuse.json()["code"] == "invitation.invalid"
    listed = await client.get(f"/firms/{owner.firm_id}/invitations", headers=owner.headers)
    assert listed.json() == []


async def test_accepting_needs_the_invited_address_and_revoked_or_expired_links_fail(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    owner = await firm_owner(client)
    colleague, stranger = await register(client), await register(client)
    tokens = {}
    for address in (colleague.email, "revoked@example.it"):
        response = await client.post(
            f"/firms/{owner.firm_id}/invitations", json={"email": address}, headers=owner.headers
        )
        assert response.status_code == 201
        tokens[address] = response.json()["id"]
    box = await mailed(app, colleague.email)
    link = box.account_mail(colleague.email)[-1].link("invitation")
    revoked_link = box.account_mail("revoked@example.it")[0].link("invitation")

    # Only the owner sees and revokes the firm's invitations.
    member_view = await client.get(f"/firms/{owner.firm_id}/invitations", headers=stranger.headers)
    assert member_view.status_code == 404
    gone = await client.delete(
        f"/firms/{owner.firm_id}/invitations/{tokens['revoked@example.it']}", headers=owner.headers
    )
    assert gone.status_code == 204
    refused = await client.post(
        "/invitations/accept", json={"token": revoked_link}, headers=stranger.headers
    )
    assert refused.status_code == 400

    wrong = await client.post("/invitations/accept", json={"token": link}, headers=stranger.headers)
    assert wrong.status_code == 403 and wrong.json()["code"] == "invitation.wrong_account"
    with clock.pinned(clock.now() + timedelta(days=8)):
        late = await client.post(
            "/invitations/accept", json={"token": link}, headers=colleague.headers
        )
    assert late.status_code == 400 and late.json()["code"] == "invitation.expired"
    ok = await client.post("/invitations/accept", json={"token": link}, headers=colleague.headers)
    assert ok.status_code == 200 and ok.json()["role"] == "member"
    again = await client.post(
        "/invitations/accept", json={"token": link}, headers=colleague.headers
    )
    assert again.status_code == 400


async def test_two_accepts_at_once_join_the_firm_once(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    owner, colleague = await firm_owner(client), await register(client)
    await client.post(
        f"/firms/{owner.firm_id}/invitations",
        json={"email": colleague.email},
        headers=owner.headers,
    )
    link = (await mailed(app, colleague.email)).account_mail(colleague.email)[-1].link("invitation")
    results = await asyncio.gather(
        *(
            client.post("/invitations/accept", json={"token": link}, headers=colleague.headers)
            for _ in range(2)
        )
    )
    assert sorted(r.status_code for r in results) in ([200, 400], [200, 409])
    members = await client.get(f"/firms/{owner.firm_id}/members", headers=owner.headers)
    assert [m["email"] for m in members.json()].count(colleague.email) == 1


async def test_a_firm_has_at_most_thirty_pending_invitations(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    owner = await firm_owner(client)
    for i in range(30):
        response = await client.post(
            f"/firms/{owner.firm_id}/invitations",
            json={"email": f"persona{i}@example.it"},
            headers=owner.headers,
        )
        assert response.status_code == 201
    refused = await client.post(
        f"/firms/{owner.firm_id}/invitations",
        json={"email": "una.di.troppo@example.it"},
        headers=owner.headers,
    )
    assert refused.status_code == 409 and refused.json()["code"] == "invitation.too_many"
    first = (await client.get(f"/firms/{owner.firm_id}/invitations", headers=owner.headers)).json()
    await client.delete(
        f"/firms/{owner.firm_id}/invitations/{first[0]['id']}", headers=owner.headers
    )
    again = await client.post(
        f"/firms/{owner.firm_id}/invitations",
        json={"email": "una.di.troppo@example.it"},
        headers=owner.headers,
    )
    assert again.status_code == 201
