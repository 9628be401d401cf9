"""Topics and replies: who writes where, safe markdown, edit history, hiding, search."""

import re
from typing import Any

import httpx
import pytest

from distretto.forum.markdown import ALLOWED_TAGS
from tests.consortia.builders import set_firm
from tests.forum.builders import staff, topic
from tests.helpers import add_member, firm_owner, register


async def test_categories_are_loaded_with_staff_only_ones(client: httpx.AsyncClient) -> None:
    response = await client.get("/forum/categories")
    assert response.status_code == 200
    categories = {c["slug"]: c for c in response.json()}
    assert categories["annunci"]["staff_only"] is True
    assert categories["consultazioni"]["kind"] == "consultations"
    assert categories["calzatura"]["phase_code"] == "footwear"
    assert categories["tessile"]["staff_only"] is False
    assert categories["annunci"]["name_zh"]


async def test_a_member_firm_writes_and_anyone_reads(client: httpx.AsyncClient) -> None:
    owner = await firm_owner(client)
    reader = await add_member(client, owner, "member")
    made = await topic(client, reader)  # a plain member of the firm may write
    assert made["author"]["firm_id"] == owner.firm_id
    assert made["body_html"] == "<p>Qualcuno ha già visto le nuove <strong>tariffe</strong>?</p>"
    reply = await client.post(
        f"/forum/topics/{made['id']}/posts", json={"body": "Sì, da lunedì"}, headers=owner.headers
    )
    assert reply.status_code == 201, reply.text
    anonymous = await client.get(f"/forum/topics/{made['id']}")
    assert anonymous.status_code == 200
    assert [p["body"] for p in anonymous.json()["posts"]] == ["Sì, da lunedì"]
    assert anonymous.json()["post_count"] == 1
    listed = await client.get("/forum/topics", params={"category": "abbigliamento"})
    assert [t["id"] for t in listed.json()["items"]] == [made["id"]]


async def test_who_may_not_write(client: httpx.AsyncClient, app: Any) -> None:
    owner = await firm_owner(client)
    body = {"category": "abbigliamento", "title": "Titolo", "body": "Testo"}
    assert (await client.post("/forum/topics", json=body)).status_code == 401
    loner = await register(client)  # in no firm
    assert (await client.post("/forum/topics", json=body, headers=loner.headers)).status_code == 403
    # Announcements: staff only.
    announcement = {**body, "category": "annunci"}
    refused = await client.post("/forum/topics", json=announcement, headers=owner.headers)
    assert refused.status_code == 403
    assert refused.json()["code"] == "forum.staff_only_category"
    association = await staff(client, app)
    made = await topic(client, association, **announcement)
    assert made["author"]["association"] is True
    # A suspended firm cannot write.
    await set_firm(app, owner.firm_id, status="suspended")
    suspended = await client.post("/forum/topics", json=body, headers=owner.headers)
    assert suspended.status_code == 403
    reply = await client.post(
        f"/forum/topics/{made['id']}/posts", json={"body": "ok"}, headers=owner.headers
    )
    assert reply.status_code == 403
    unknown = await client.post(
        "/forum/topics", json={**body, "category": "nessuna"}, headers=loner.headers
    )
    assert unknown.status_code in (403, 422)


@pytest.mark.parametrize(
    ("markdown", "forbidden"),
    [
        ("<script>alert('x')</script>", "<script"),
        ("[paga qui](javascript:alert(1))", 'href="javascript'),
        ("[x](JaVaScRiPt:alert(1))", "href"),
        ("<img src=x onerror=alert(1)>", "<img"),
        ('<a href="https://x.it" onclick="steal()">x</a>', "onclick="),
        ("![campione](https://tracker.example/pixel.png)", "<img"),
        ("[x](data:text/html;base64,PHNjcmlwdD4=)", 'href="data'),
    ],
)
async def test_markdown_is_sanitised(
    client: httpx.AsyncClient, markdown: str, forbidden: str
) -> None:
    owner = await firm_owner(client)
    made = await topic(client, owner, body=markdown)
    # Only real tags matter: text shown as "&lt;script&gt;" is harmless.
    tags = re.findall(r"<[^>]*>", made["body_html"].lower())
    assert not [t for t in tags if forbidden in t], made["body_html"]
    assert all(t.split()[0].strip("</>") in ALLOWED_TAGS for t in tags), tags


async def test_remote_images_become_links_with_rel(client: httpx.AsyncClient) -> None:
    owner = await firm_owner(client)
    made = await topic(client, owner, body="![campione](https://tracker.example/pixel.png)")
    html = made["body_html"]
    assert "<img" not in html
    assert 'href="https://tracker.example/pixel.png"' in html
    assert 'rel="nofollow noopener"' in html
    preview = await client.post(
        "/forum/preview",
        json={"body": "<b onmouseover=x>ciao</b> [a](https://a.it)"},
        headers=owner.headers,
    )
    assert preview.status_code == 200
    assert "<b" not in preview.json()["body_html"].replace("&lt;b", "")
    assert 'rel="nofollow noopener"' in preview.json()["body_html"]


async def test_edits_keep_history_and_only_the_author_edits(client: httpx.AsyncClient) -> None:
    owner = await firm_owner(client)
    colleague = await add_member(client, owner, "manager")
    made = await topic(client, owner, title="Stand Pitti Filati", body="Prima versione")
    edited = await client.patch(
        f"/forum/topics/{made['id']}", json={"body": "Seconda _versione_"}, headers=owner.headers
    )
    assert edited.status_code == 200, edited.text
    assert edited.json()["body_html"] == "<p>Seconda <em>versione</em></p>"
    assert edited.json()["edited_at"] is not None
    other = await client.patch(
        f"/forum/topics/{made['id']}", json={"body": "Non mio"}, headers=colleague.headers
    )
    assert other.status_code == 403
    history = (await client.get(f"/forum/topics/{made['id']}/history")).json()
    assert [v["body"] for v in history] == ["Prima versione", "Seconda _versione_"]
    assert [v["current"] for v in history] == [False, True]

    post = (
        await client.post(
            f"/forum/topics/{made['id']}/posts",
            json={"body": "Io ci sto"},
            headers=colleague.headers,
        )
    ).json()
    await client.patch(
        f"/forum/posts/{post['id']}", json={"body": "Ci sto, 4 m²"}, headers=colleague.headers
    )
    refused = await client.patch(
        f"/forum/posts/{post['id']}", json={"body": "x"}, headers=owner.headers
    )
    assert refused.status_code == 403
    post_history = (await client.get(f"/forum/posts/{post['id']}/history")).json()
    assert [v["body"] for v in post_history] == ["Io ci sto", "Ci sto, 4 m²"]


async def test_hiding_a_post_through_moderation(client: httpx.AsyncClient, app: Any) -> None:
    owner = await firm_owner(client)
    troll = await firm_owner(client)
    association = await staff(client, app)
    made = await topic(client, owner)
    post = (
        await client.post(
            f"/forum/topics/{made['id']}/posts", json={"body": "Spam!"}, headers=troll.headers
        )
    ).json()
    flag = await client.post(
        "/flags",
        json={"target_type": "forum_post", "target_id": post["id"], "reason": "Pubblicità"},
        headers=owner.headers,
    )
    assert flag.status_code == 201, flag.text
    queue = (await client.get("/moderation/flags", headers=association.headers)).json()
    # The kind is the target type (the web app words it); the label is the topic alone.
    assert queue["items"][0]["target"]["label"] == f"«{made['title']}»"
    resolved = await client.post(
        f"/moderation/flags/{flag.json()['id']}/resolve",
        json={"action": "hide", "note": "Pubblicità"},
        headers=association.headers,
    )
    assert resolved.status_code == 200, resolved.text
    for viewer in (None, owner, troll):
        headers = viewer.headers if viewer else {}
        seen = (await client.get(f"/forum/topics/{made['id']}", headers=headers)).json()
        assert seen["posts"] == []
        history = await client.get(f"/forum/posts/{post['id']}/history", headers=headers)
        assert history.status_code == 404
    by_staff = (await client.get(f"/forum/topics/{made['id']}", headers=association.headers)).json()
    assert [p["hidden"] for p in by_staff["posts"]] == [True]
    # A hidden post cannot be flagged again by others (it is not visible to them).
    again = await client.post(
        "/flags",
        json={"target_type": "forum_post", "target_id": post["id"], "reason": "x"},
        headers=(await firm_owner(client)).headers,
    )
    assert again.status_code == 404


async def test_hiding_a_topic(client: httpx.AsyncClient, app: Any) -> None:
    owner, reporter = await firm_owner(client), await firm_owner(client)
    association = await staff(client, app)
    made = await topic(client, owner)
    flag = await client.post(
        "/flags",
        json={"target_type": "forum_topic", "target_id": made["id"], "reason": "Offensivo"},
        headers=reporter.headers,
    )
    await client.post(
        f"/moderation/flags/{flag.json()['id']}/resolve",
        json={"action": "hide", "note": "Offensivo"},
        headers=association.headers,
    )
    assert (await client.get(f"/forum/topics/{made['id']}")).status_code == 404
    assert (await client.get("/forum/topics")).json()["items"] == []
    reply = await client.post(
        f"/forum/topics/{made['id']}/posts", json={"body": "x"}, headers=reporter.headers
    )
    assert reply.status_code == 404


async def test_chinese_topic_stores_and_displays(client: httpx.AsyncClient) -> None:
    owner = await firm_owner(client, name="Confezioni Hua Xing S.r.l.", phases=["stitching"])
    title = "关于DURC和新的缝纫参考价格的问题"
    body = "请问协会：新的**缝纫**参考价格从什么时候开始适用？我们的DURC需要更新吗？"  # noqa: RUF001
    made = await topic(client, owner, title=title, body=body)
    shown = (await client.get(f"/forum/topics/{made['id']}")).json()
    assert shown["title"] == title
    assert "<strong>缝纫</strong>" in shown["body_html"]
    found = (await client.get("/forum/topics", params={"q": "DURC"})).json()["items"]
    assert [t["id"] for t in found] == [made["id"]]
    found = (await client.get("/forum/topics", params={"q": "缝纫"})).json()["items"]
    assert [t["id"] for t in found] == [made["id"]]


async def test_search_finds_topics_by_their_text_and_replies(client: httpx.AsyncClient) -> None:
    owner = await firm_owner(client)
    dyeing = await topic(
        client,
        owner,
        category="tessile",
        title="Tintoria a Vaiano cerca lavoro",
        body="Tingiamo filati e pezze",
    )
    stand = await topic(client, owner, title="Stand condiviso a Pitti Filati", body="Chi viene?")
    await client.post(
        f"/forum/topics/{stand['id']}/posts",
        json={"body": "Porto i campioni di cashmere"},
        headers=owner.headers,
    )
    ids = lambda r: [t["id"] for t in r.json()["items"]]  # noqa: E731
    assert ids(await client.get("/forum/topics", params={"q": "tintoria"})) == [dyeing["id"]]
    assert ids(await client.get("/forum/topics", params={"q": "cashmere"})) == [stand["id"]]
    assert ids(await client.get("/forum/topics", params={"q": "pitti filati"})) == [stand["id"]]
    assert (
        ids(
            await client.get("/forum/topics", params={"q": "tintoria", "category": "abbigliamento"})
        )
        == []
    )


@pytest.mark.postgres_only
async def test_search_understands_italian_and_english_inflections(
    client: httpx.AsyncClient,
) -> None:
    owner = await firm_owner(client)
    dyeing = await topic(
        client,
        owner,
        category="tessile",
        title="Le tintorie del distretto",
        body="Chi lavora in conto terzi?",
    )
    english = await topic(
        client,
        owner,
        category="tessile",
        title="Dyeworks looking for orders",
        body="We are dyeing yarns",
    )
    ids = lambda r: [t["id"] for t in r.json()["items"]]  # noqa: E731
    # Italian stemming: the singular finds the plural.
    assert ids(await client.get("/forum/topics", params={"q": "tintoria"})) == [dyeing["id"]]
    assert ids(await client.get("/forum/topics", params={"q": "lavorare"})) == [dyeing["id"]]
    # English stemming: "dyework" (singular) and "dye" find "dyeworks" / "dyeing".
    assert ids(await client.get("/forum/topics", params={"q": "dyework"})) == [english["id"]]
    assert ids(await client.get("/forum/topics", params={"q": "yarn"})) == [english["id"]]


async def test_topic_list_pages_by_activity(client: httpx.AsyncClient) -> None:
    owner = await firm_owner(client)
    made = [await topic(client, owner, title=f"Argomento numero {i}") for i in range(5)]
    await client.post(
        f"/forum/topics/{made[0]['id']}/posts", json={"body": "su"}, headers=owner.headers
    )
    first = (await client.get("/forum/topics", params={"limit": 3})).json()
    assert [t["id"] for t in first["items"]] == [made[0]["id"], made[4]["id"], made[3]["id"]]
    second = (
        await client.get("/forum/topics", params={"limit": 3, "cursor": first["next_cursor"]})
    ).json()
    assert [t["id"] for t in second["items"]] == [made[2]["id"], made[1]["id"]]
    assert second["next_cursor"] is None
