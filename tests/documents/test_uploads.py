"""Uploading: types sniffed from the bytes, the size limit while streaming, names."""

import hashlib
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from distretto.documents.filenames import clean_filename, content_disposition
from distretto.documents.receiving import receive_upload
from distretto.models import Attachment
from tests.documents import samples
from tests.documents.builders import upload, uploaded
from tests.helpers import Actor, firm_owner
from tests.market.builders import count, post_order


async def _order(client: httpx.AsyncClient) -> tuple[Actor, dict[str, Any]]:
    owner = await firm_owner(client, phases=["weaving"])
    return owner, await post_order(client, owner)


KINDS = [
    ("scheda.pdf", samples.pdf, "application/pdf", False),
    ("campione.png", samples.png, "image/png", True),
    ("campione.jpg", samples.jpeg, "image/jpeg", True),
    ("campione.webp", samples.webp, "image/webp", True),
    (
        "distinta.xlsx",
        samples.xlsx,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        False,
    ),
    (
        "capitolato.docx",
        samples.docx,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        False,
    ),
    ("tracciato.dxf", samples.dxf, "image/vnd.dxf", False),
    ("cartamodelli.zip", samples.plain_zip, "application/zip", False),
]


@pytest.mark.parametrize(("name", "make", "sniffed", "image"), KINDS)
async def test_each_accepted_kind_is_recognised_from_its_bytes(
    client: httpx.AsyncClient, name: str, make: Any, sniffed: str, image: bool
) -> None:
    owner, order = await _order(client)
    data = make()
    # The declared type is a lie on purpose: only the bytes count.
    body = await uploaded(
        client,
        owner,
        f"/orders/{order['id']}/attachments",
        data=data,
        filename=name,
        content_type="application/octet-stream",
        title="  Scheda   tecnica ",
    )
    assert body["content_type"] == sniffed
    assert body["size"] == len(data)
    assert body["sha256"] == hashlib.sha256(data).hexdigest()
    assert body["filename"] == name
    assert body["title"] == "Scheda tecnica"
    assert body["uploaded_by_firm_id"] == owner.firm_id
    assert body["parent_type"] == "order" and body["parent_id"] == order["id"]
    assert body["has_thumbnail"] is image
    content = await client.get(f"/attachments/{body['id']}/content", headers=owner.headers)
    assert content.status_code == 200
    assert content.content == data
    assert content.headers["content-type"].startswith(sniffed)
    assert content.headers["x-content-type-options"] == "nosniff"
    assert content.headers["content-disposition"].startswith("attachment;")
    thumb = await client.get(f"/attachments/{body['id']}/thumbnail", headers=owner.headers)
    assert thumb.status_code == (200 if image else 404)
    if image:
        assert thumb.content[:4] == b"RIFF" and thumb.content[8:12] == b"WEBP"


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("fattura.pdf", samples.windows_executable()),
        ("scheda.pdf", samples.elf_executable()),
        ("note.pdf", b"just some text, not a PDF at all"),
        ("foto.pdf", samples.png()),  # a real PNG, but named as a PDF
        ("tabella.docx", samples.xlsx()),  # a spreadsheet dressed as a document
        ("archivio.zip", samples.docx()),
        ("script.sh", b"#!/bin/sh\nrm -rf /\n"),
        ("pagina.html", b"<html><script>alert(1)</script></html>"),
        ("vuoto.pdf", b""),
    ],
)
async def test_anything_else_is_415_and_leaves_nothing(
    client: httpx.AsyncClient, app: FastAPI, name: str, data: bytes
) -> None:
    owner, order = await _order(client)
    response = await upload(
        client, owner, f"/orders/{order['id']}/attachments", data=data, filename=name
    )
    assert response.status_code == 415, response.text
    assert response.json()["code"] == "documents.unsupported_type"
    assert await count(app, Attachment) == 0


async def test_over_the_limit_is_413_while_streaming(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    owner, order = await _order(client)
    limit = app.state.ctx.settings.documents_max_bytes
    big = samples.pdf() + b"\0" * (limit + 1 - len(samples.pdf()))
    response = await upload(client, owner, f"/orders/{order['id']}/attachments", data=big)
    assert response.status_code == 413, response.text
    assert await count(app, Attachment) == 0
    exactly = samples.pdf() + b"\0" * (limit - len(samples.pdf()))
    accepted = await upload(client, owner, f"/orders/{order['id']}/attachments", data=exactly)
    assert accepted.status_code == 201, accepted.text
    assert accepted.json()["size"] == limit


async def test_the_limit_holds_without_a_content_length() -> None:
    """The limit is counted on the bytes that arrive, not on what the sender declared."""
    boundary = "b0undary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode()
    fed: list[int] = []

    async def endless() -> Any:
        yield head
        while True:
            fed.append(1)
            yield b"%" * 65536

    with pytest.raises(Exception) as refused:
        async with receive_upload(
            endless(), f"multipart/form-data; boundary={boundary}", None, 1_000_000
        ):
            pass
    assert getattr(refused.value, "status", None) == 413
    # It stopped reading right after the limit: about 16 chunks of 64 KiB, not forever.
    assert len(fed) <= 17


async def test_the_general_body_limit_still_applies_elsewhere(client: httpx.AsyncClient) -> None:
    owner = await firm_owner(client)
    response = await client.post(
        "/orders",
        content=b"x" * 2_000_000,
        headers=owner.headers | {"content-type": "application/json"},
    )
    assert response.status_code == 413


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\windows\\system32\\scheda.pdf", "scheda.pdf"),
        ("/etc/passwd", "passwd"),
        ("scheda\u202efdp.exe.pdf", "schedafdp.exe.pdf"),
        ("scheda\u200b tecnica\u2066.pdf", "scheda tecnica.pdf"),
        ("...", "file"),
        ("", "file"),
    ],
)
async def test_filename_tricks_are_cleaned(client: httpx.AsyncClient, sent: str, kept: str) -> None:
    owner, order = await _order(client)
    response = await upload(client, owner, f"/orders/{order['id']}/attachments", filename=sent)
    if kept == "passwd":  # no extension: accepted, shown without the directories
        assert response.status_code == 201, response.text
    assert response.status_code == 201, response.text
    assert response.json()["filename"] == kept


async def test_nul_in_a_filename_is_dropped(client: httpx.AsyncClient) -> None:
    owner, order = await _order(client)
    boundary = "xYz"
    body = (
        (
            f"--{boundary}\r\n"
            'Content-Disposition: form-data; name="file"; filename="sche\x00da.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + samples.pdf()
        + f"\r\n--{boundary}--\r\n".encode()
    )
    response = await client.post(
        f"/orders/{order['id']}/attachments",
        content=body,
        headers=owner.headers | {"content-type": f"multipart/form-data; boundary={boundary}"},
    )
    assert response.status_code == 201, response.text
    assert response.json()["filename"] == "scheda.pdf"


async def test_a_300_character_name_is_shortened_keeping_its_extension(
    client: httpx.AsyncClient,
) -> None:
    owner, order = await _order(client)
    name = "t" * 296 + ".pdf"
    body = await uploaded(client, owner, f"/orders/{order['id']}/attachments", filename=name)
    assert len(body["filename"]) == 200
    assert body["filename"].endswith("t.pdf")


async def test_download_header_is_safe_for_any_name(client: httpx.AsyncClient) -> None:
    owner, order = await _order(client)
    name = 'Scheda "tintura" è; blu\r\nX-Injected: 1.pdf'
    body = await uploaded(client, owner, f"/orders/{order['id']}/attachments", filename=name)
    response = await client.get(f"/attachments/{body['id']}/content", headers=owner.headers)
    disposition = response.headers["content-disposition"]
    assert "\r" not in disposition and "\n" not in disposition
    assert "x-injected" not in {k.lower() for k in response.headers}
    assert disposition.startswith('attachment; filename="')
    assert "filename*=UTF-8''" in disposition


def test_clean_filename_and_disposition_units() -> None:
    assert clean_filename("a/b\\c.pdf") == "c.pdf"
    assert clean_filename(" \u202e ") == "file"
    header = content_disposition("città 日本.pdf")
    assert header == (
        "attachment; filename=\"citta .pdf\"; filename*=UTF-8''citt%C3%A0%20%E6%97%A5%E6%9C%AC.pdf"
    )


@pytest.mark.parametrize(
    ("kwargs", "status"),
    [
        ({"json": {"file": "x"}}, 422),
        (
            {"content": b"garbage", "headers": {"content-type": "multipart/form-data; boundary=q"}},
            422,
        ),
        ({"data": {"title": "senza file"}, "files": {"other": ("a.pdf", b"%PDF-1.4", "x")}}, 422),
    ],
)
async def test_malformed_uploads_are_422(
    client: httpx.AsyncClient, app: FastAPI, kwargs: dict[str, Any], status: int
) -> None:
    owner, order = await _order(client)
    headers = owner.headers | kwargs.pop("headers", {})
    response = await client.post(f"/orders/{order['id']}/attachments", headers=headers, **kwargs)
    assert response.status_code == status, response.text
    assert await count(app, Attachment) == 0


async def test_a_title_too_long_is_422(client: httpx.AsyncClient, app: FastAPI) -> None:
    owner, order = await _order(client)
    response = await upload(client, owner, f"/orders/{order['id']}/attachments", title="t" * 201)
    assert response.status_code == 422
    assert await count(app, Attachment) == 0


async def test_nul_in_a_text_part_is_422(client: httpx.AsyncClient, app: FastAPI) -> None:
    owner, order = await _order(client)
    response = await upload(
        client, owner, f"/orders/{order['id']}/attachments", title="scheda\x00tecnica"
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "title"
    assert await count(app, Attachment) == 0
