"""Optimistic concurrency: ``ETag`` from a row's revision, ``If-Match`` on PATCH.

Two people editing the same order (firm, consortium) used to overwrite each other
silently. Now every PATCH bumps the row's ``revision`` with a conditional UPDATE
(``kit.repository.Repository.bump_revision``), and a PATCH that names the revision it
read (``If-Match: "7"``) is refused with 412 if the row has moved on since. The web app
always sends it; a request from the web app (``X-Distretto-Client: web``) without it is
428, so a screen that forgot it is caught at once. Other clients may leave it out (the
HTTP contract was written without it); their PATCH still bumps the revision.
"""

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, Response

from distretto.kit.errors import DomainError

WEB_CLIENT = "web"


class PreconditionFailed(DomainError):
    status, title, slug = 412, "Precondition failed", "precondition-failed"


class PreconditionRequired(DomainError):
    status, title, slug = 428, "Precondition required", "precondition-required"


def etag(revision: int) -> str:
    return f'"{revision}"'


def set_etag(response: Response, revision: int) -> None:
    response.headers["ETag"] = etag(revision)


@dataclass(frozen=True)
class Precondition:
    """What the request said about the revision it read; judged only once the request
    is otherwise valid (a header dependency that raised would answer 412/428 before the
    body's 422)."""

    revision: int | None
    malformed: bool = False
    missing_from_web_app: bool = False

    def check(self) -> int | None:
        """The revision the client read (None: it did not say), or 428/412."""
        if self.missing_from_web_app:
            raise PreconditionRequired(
                "Send If-Match with the ETag you read", code="precondition.required"
            )
        if self.malformed:
            raise PreconditionFailed(
                "If-Match names no revision of this resource", code="precondition.failed"
            )
        return self.revision


async def expected_revision(
    if_match: Annotated[str | None, Header()] = None,
    x_distretto_client: Annotated[str | None, Header()] = None,
) -> Precondition:
    if if_match is None or not if_match.strip():
        return Precondition(None, missing_from_web_app=x_distretto_client == WEB_CLIENT)
    value = if_match.strip().removeprefix("W/").strip('"')
    if not value.isdigit() or len(value) > 18:
        return Precondition(None, malformed=True)
    return Precondition(int(value))


def stale(expected: int | None, current: int) -> None:
    """Refuse a change made against an older revision than ``current``."""
    if expected is not None and expected != current:
        raise PreconditionFailed(
            "Someone changed this in the meantime: reload and apply your change again",
            code="precondition.failed",
            params={"revision": current},
        )


ExpectedRevision = Annotated[Precondition, Depends(expected_revision)]
