# ruff: noqa: RUF001 (Chinese is written with full-width punctuation)
"""The backend's own words (calendar files, demo data) in Italian, English and Chinese.

The web app translates API refusals from their ``code``; texts the server writes into
files people keep (an .ics event description) are worded here, in the requester's
language: ``?lang=`` if given, else the first language of ``Accept-Language`` we speak,
else Italian (the district's language).
"""

from typing import Annotated, Literal

from fastapi import Depends, Header, Query

Lang = Literal["it", "en", "zh"]
LANGS: tuple[Lang, ...] = ("it", "en", "zh")
DEFAULT_LANG: Lang = "it"

CATALOGUE: dict[str, dict[Lang, str]] = {
    "ics.course.description": {
        "it": "Corso di formazione di {consortium}.",
        "en": "Training course of {consortium}.",
        "zh": "{consortium} 的培训课程。",
    },
    "ics.fair.description": {
        "it": "Stand collettivo di {consortium} ({area} m²).",
        "en": "Shared booth of {consortium} ({area} m²).",
        "zh": "{consortium} 的联合展位（{area} m²）。",
    },
    "ics.fair.deadline_summary": {
        "it": "Scadenza iscrizioni: {fair}",
        "en": "Signup deadline: {fair}",
        "zh": "报名截止：{fair}",
    },
    "ics.fair.deadline_description": {
        "it": "Ultimo momento per iscriversi allo stand collettivo di {consortium}.",
        "en": "Last moment to sign up for the shared booth of {consortium}.",
        "zh": "报名参加 {consortium} 联合展位的最后期限。",
    },
}


def text(key: str, lang: Lang, **params: object) -> str:
    """The message ``key`` in ``lang`` (Italian when that language lacks it)."""
    entry = CATALOGUE[key]
    return entry.get(lang, entry[DEFAULT_LANG]).format(**params)


def negotiate(accept_language: str | None, explicit: str | None = None) -> Lang:
    """``explicit`` when we speak it, else the best of ``Accept-Language``, else Italian."""
    if explicit:
        base = explicit.strip().lower()[:2]
        if base in LANGS:
            return base
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, weight = part.strip().partition(";q=")
        try:
            quality = float(weight) if weight else 1.0
        except ValueError:
            quality = 0.0
        ranked.append((-quality, position, tag.strip().lower()[:2]))
    for _, _, base in sorted(ranked):
        if base in LANGS:
            return base
    return DEFAULT_LANG


async def _request_lang(
    lang: Annotated[
        str | None, Query(max_length=10, description="Language of the file: it, en or zh")
    ] = None,
    accept_language: Annotated[str | None, Header(max_length=200)] = None,
) -> Lang:
    return negotiate(accept_language, lang)


LangDep = Annotated[Lang, Depends(_request_lang)]
