"""Files people download: CSV sheets for spreadsheets, iCalendar files for calendars."""

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from fastapi import Query, Response
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from distretto.kit import clock

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
ICS_MEDIA_TYPE = "text/calendar; charset=utf-8"
PRODID = "-//Distretto//Distretto platform//IT"
# A cell starting with one of these is run as a formula by spreadsheet programs.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def download(content: bytes, media_type: str, filename: str) -> Response:
    """A file the browser saves under ``filename`` rather than displays."""
    return Response(
        content=content,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


class CsvDialect(StrEnum):
    """``standard``: comma-separated, decimal point. ``it``: what Italian Excel opens in
    columns (semicolon-separated, decimal comma, dates dd/mm/yyyy)."""

    STANDARD = "standard"
    IT = "it"


# ``?dialect=it`` on every CSV export.
DialectQuery = Annotated[
    CsvDialect | None,
    Query(description="it: semicolons, decimal comma, dd/mm/yyyy (Italian Excel)"),
]


def _cell(value: object, dialect: CsvDialect) -> str:
    """Numbers and dates written the dialect's way; text made formula-safe."""
    if isinstance(value, Decimal):
        text = format(value, "f")
        return text.replace(".", ",") if dialect == CsvDialect.IT else text
    if isinstance(value, date) and not isinstance(value, datetime):
        return f"{value:%d/%m/%Y}" if dialect == CsvDialect.IT else value.isoformat()
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_bytes(
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    dialect: CsvDialect = CsvDialect.STANDARD,
) -> bytes:
    """UTF-8 CSV with a BOM (so Excel reads accented names right), formula-safe cells.
    Decimal cells carry their own decimals ("1250.50"); the dialect only writes them."""
    buffer = io.StringIO()
    delimiter = ";" if dialect == CsvDialect.IT else ","
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(cell, dialect) for cell in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


@dataclass(frozen=True)
class CalendarEntry:
    """One VEVENT. Dates make all-day events (``end`` exclusive); datetimes are UTC."""

    uid: str
    summary: str
    start: date | datetime
    end: date | datetime | None = None
    location: str = ""
    description: str = ""


def ics_bytes(name: str, entries: Iterable[CalendarEntry]) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    stamp = clock.now()
    for entry in entries:
        event = CalendarEvent()
        event.add("uid", entry.uid)
        event.add("dtstamp", stamp)
        event.add("summary", entry.summary)
        event.add("dtstart", entry.start)
        if entry.end is not None:
            event.add("dtend", entry.end)
        if entry.location:
            event.add("location", entry.location)
        if entry.description:
            event.add("description", entry.description)
        calendar.add_component(event)
    return bytes(calendar.to_ical())
