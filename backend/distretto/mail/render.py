"""Turning a queued email into a multipart (text + HTML) message from the Jinja2
templates, in the recipient's language."""

from dataclasses import dataclass, field
from datetime import date, datetime
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from distretto.kit.clock import DISTRICT_TIME
from distretto.mail.catalog import ACCOUNT, COMMON, EVENTS, ROLES, fill

# Dates and times as the district reads them: Italian time, each language's own order.
DATE_FORMATS = {"it": "{d:02d}/{m:02d}/{y}", "en": "{d} {mon} {y}", "zh": "{y}年{m}月{d}日"}
MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
DATE_FIELDS = ("bid_deadline", "due_date", "valid_until", "delivery_date", "expires_on")
# Event data carries quantities as the API writes them ("1250.5"); a reader in Prato
# writes "1.250,5".
QUANTITY_FIELDS = ("quantity",)
# (thousands separator, decimal separator) per language.
NUMBER_SEPARATORS = {"it": (".", ","), "en": (",", "."), "zh": (",", ".")}

_env = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(["html.j2"]),
    undefined=StrictUndefined,
    keep_trailing_newline=True,
)


@dataclass(frozen=True)
class Letter:
    subject: str
    text: str
    html: str


@dataclass
class Page:
    """What the templates lay out."""

    language: str
    subject: str
    greeting: str
    lines: list[str] = field(default_factory=list)
    facts: list[tuple[str, str]] = field(default_factory=list)
    items: list[dict[str, str]] = field(default_factory=list)
    action: dict[str, str] | None = None
    settings_url: str | None = None
    unsubscribe_url: str | None = None

    def letter(self) -> Letter:
        words = COMMON[self.language]
        values = {
            **self.__dict__,
            "why": words["why"] if self.unsubscribe_url else None,
            "signature": words["signature"],
            "settings_label": words["settings"],
            "unsubscribe_label": words["unsubscribe"],
        }
        return Letter(
            self.subject,
            _env.get_template("message.txt.j2").render(values),
            _env.get_template("message.html.j2").render(values),
        )


def format_date(value: Any, language: str) -> str:
    """An ISO date or instant from event data, as the reader's language writes it
    (instants with the Italian time of day)."""
    when: date
    time_part = ""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = None
        when = value
    else:
        text = str(value)
        try:
            moment = datetime.fromisoformat(text) if "T" in text else None
            when = date.fromisoformat(text[:10]) if moment is None else moment.date()
        except ValueError:
            return text
    if moment is not None:
        local = moment.astimezone(DISTRICT_TIME)
        when, time_part = local.date(), f" {local:%H:%M}"
    pattern = DATE_FORMATS.get(language, DATE_FORMATS["it"])
    shown = pattern.format(d=when.day, m=when.month, y=when.year, mon=MONTHS_EN[when.month - 1])
    return shown + time_part


def format_quantity(value: Any, language: str) -> str:
    """A decimal quantity from event data, grouped and pointed as the reader writes it."""
    text = str(value)
    whole, point, decimals = text.partition(".")
    if not whole.lstrip("-").isdigit() or (point and not decimals.isdigit()):
        return text
    thousands, decimal = NUMBER_SEPARATORS.get(language, NUMBER_SEPARATORS["it"])
    sign, digits = ("-", whole[1:]) if whole.startswith("-") else ("", whole)
    groups = f"{int(digits):,}".replace(",", thousands)
    return sign + groups + (decimal + decimals if point else "")


def _shown(key: str, value: Any, language: str) -> Any:
    if not value:
        return value
    if key in DATE_FIELDS:
        return format_date(value, language)
    if key in QUANTITY_FIELDS:
        return format_quantity(value, language)
    return value


def link_for(base_url: str, event_type: str, data: dict[str, Any]) -> str:
    """The page of the web app where the event is seen."""
    if "contract_id" in data:
        return f"{base_url}/contracts/{data['contract_id']}"
    if "order_id" in data:
        return f"{base_url}/orders/{data['order_id']}"
    if event_type.startswith("firm_document.") and "firm_id" in data:
        return f"{base_url}/firms/{data['firm_id']}"
    return f"{base_url}/notifications"


def event_words(language: str, event_type: str, values: dict[str, Any]) -> tuple[str, str]:
    """(subject, line) for an event; the generic words when its template cannot be
    filled."""
    shown = {k: _shown(k, v, language) for k, v in values.items()}
    words = COMMON[language]
    pair = EVENTS.get(event_type, {}).get(language)
    if pair is not None:
        subject, line = fill(pair[0], shown), fill(pair[1], shown)
        if subject is not None and line is not None:
            return subject, line
    return words["generic_subject"], words["generic_line"]


def event_page(
    language: str,
    name: str,
    event_type: str,
    values: dict[str, Any],
    base_url: str,
    unsubscribe_url: str | None,
) -> Page:
    words = COMMON[language]
    subject, line = event_words(language, event_type, values)
    facts: list[tuple[str, str]] = []
    # Present only when the recipient may see it (the event's payload rules).
    if values.get("unit_price"):
        facts.append((words["unit_price"], f"€ {values['unit_price']}"))
    if values.get("bid_count") is not None:
        facts.append((words["bid_count"], str(values["bid_count"])))
    return Page(
        language=language,
        subject=subject,
        greeting=words["greeting"].format(name=name),
        lines=[line],
        facts=facts,
        action={"label": words["open"], "url": link_for(base_url, event_type, values)},
        settings_url=f"{base_url}/settings/notifications",
        unsubscribe_url=unsubscribe_url,
    )


def digest_page(
    language: str,
    name: str,
    day: date,
    items: list[dict[str, str]],
    base_url: str,
    unsubscribe_url: str | None,
) -> Page:
    words = COMMON[language]
    shown = format_date(day, language)
    return Page(
        language=language,
        subject=words["digest_subject"].format(day=shown),
        greeting=words["greeting"].format(name=name),
        lines=[words["digest_intro"].format(day=shown)],
        items=items,
        action={"label": words["open"], "url": f"{base_url}/notifications"},
        settings_url=f"{base_url}/settings/notifications",
        unsubscribe_url=unsubscribe_url,
    )


def account_page(language: str, name: str, template: str, context: dict[str, Any]) -> Page:
    words = COMMON[language]
    subject, line, button = ACCOUNT[template][language]
    values = {
        **context,
        "role": ROLES[language].get(str(context.get("role")), context.get("role")),
        "expires_on": format_date(context["expires_on"], language)
        if context.get("expires_on")
        else "",
    }
    return Page(
        language=language,
        subject=subject.format_map(values),
        greeting=words["greeting"].format(name=name) if name else words["hello"],
        lines=[line.format_map(values)],
        action={"label": button, "url": str(context["url"])},
    )


def build_message(
    letter: Letter,
    *,
    sender: str,
    to: str,
    message_id: str,
    list_unsubscribe: str | None,
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = ascii_domain(to)
    message["Subject"] = letter.subject
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = message_id
    message["Auto-Submitted"] = "auto-generated"
    if list_unsubscribe is not None:
        # RFC 8058: a mail client POSTs "List-Unsubscribe=One-Click" to this address.
        message["List-Unsubscribe"] = f"<{list_unsubscribe}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    # Quoted-printable keeps links readable in the raw message (and greppable in tests).
    message.set_content(letter.text, cte="quoted-printable")
    message.add_alternative(letter.html, subtype="html", cte="quoted-printable")
    return message


def ascii_domain(address: str) -> str:
    """The address with an internationalised domain in its ASCII (IDNA) form, which every
    mail server accepts (``tomaiatimiș.example.it`` → ``xn--tomaiatimi-3xd.example.it``)."""
    local, _, domain = address.rpartition("@")
    try:
        return f"{local}@{domain.encode('idna').decode('ascii')}"
    except UnicodeError:
        return address


def message_id_for(email_id: int, domain: str) -> str:
    """Stable per queued email, so a receiver can drop the copy of a retried send."""
    return f"<distretto-email-{email_id}@{domain}>"
