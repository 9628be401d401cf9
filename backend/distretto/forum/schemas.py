"""Request and response bodies of the forum and its consultations."""

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from distretto.consortia.schemas import as_utc
from distretto.kit.fields import NotBlank
from distretto.kit.params import INT32_MAX
from distretto.models.forum import ForumCategoryKind

Title = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=3, max_length=200), NotBlank()
]
Body = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20000), NotBlank()
]
Option = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), NotBlank()
]
Slug = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40), NotBlank()
]
FirmId = Annotated[int, Field(ge=1, le=INT32_MAX)]
Moment = Annotated[datetime, AfterValidator(as_utc)]


def _distinct(options: list[str]) -> list[str]:
    if len({o.casefold() for o in options}) != len(options):
        raise ValueError("options must differ from each other")
    return options


class TopicIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    category: Slug
    title: Title
    body: Body
    # Consultations only: 2 to 10 choices and when voting closes.
    options: (
        Annotated[list[Option], Field(min_length=2, max_length=10), AfterValidator(_distinct)]
        | None
    ) = None
    closes_at: Moment | None = None
    # The firm the author writes for; by default their first firm in good standing.
    firm_id: FirmId | None = None


class TopicEdit(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Title | None = None
    body: Body | None = None


class PostIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    body: Body
    firm_id: FirmId | None = None


class PostEdit(BaseModel):
    model_config = ConfigDict(extra="forbid")

    body: Body


class PreviewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    body: Annotated[str, StringConstraints(max_length=20000)]


class PreviewOut(BaseModel):
    body_html: str


class VoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    firm_id: FirmId
    option: Option


class CategoryOut(BaseModel):
    slug: str
    kind: ForumCategoryKind
    phase_code: str | None
    name_it: str
    name_en: str
    name_zh: str
    # Only association staff open topics here.
    staff_only: bool
    topic_count: int


class AuthorOut(BaseModel):
    user_name: str | None
    firm_id: int | None
    firm_name: str | None
    # Written by association staff for the association (no firm).
    association: bool


class PostOut(BaseModel):
    id: int
    topic_id: int
    author: AuthorOut
    body: str
    body_html: str
    created_at: datetime
    edited_at: datetime | None
    hidden: bool
    mine: bool


class OptionCount(BaseModel):
    option: str
    votes: int


class FirmVoteOut(BaseModel):
    firm_id: int
    option: str
    updated_at: datetime


class ConsultationOut(BaseModel):
    options: list[str]
    closes_at: datetime
    closed: bool
    # The votes of the viewer's own firms (one each).
    my_votes: list[FirmVoteOut]
    # Counts per option, only once voting has closed.
    results: list[OptionCount] | None
    total_votes: int | None


class TopicOut(BaseModel):
    id: int
    category: str
    title: str
    author: AuthorOut
    created_at: datetime
    edited_at: datetime | None
    last_activity_at: datetime
    post_count: int
    is_consultation: bool
    closes_at: datetime | None
    hidden: bool


class TopicDetail(TopicOut):
    body: str
    body_html: str
    mine: bool
    posts: list[PostOut]
    consultation: ConsultationOut | None


class VersionOut(BaseModel):
    title: str | None
    body: str
    body_html: str
    written_at: datetime
    current: bool


class VoteOut(BaseModel):
    topic_id: int
    firm_id: int
    option: str
    updated_at: datetime
