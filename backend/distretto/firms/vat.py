"""VAT numbers: Italian (partita IVA) and those of the other EU countries, validated per
country by python-stdnum; other countries' numbers are kept as typed (format only)."""

import re

from stdnum import exceptions
from stdnum.eu import vat as eu_vat
from stdnum.it import codicefiscale, iva

# Greece writes its VAT prefix EL, not its ISO code.
_VAT_PREFIX = {"GR": "EL"}
EU_COUNTRIES = frozenset(
    c.upper() for c in eu_vat.MEMBER_STATES if c != "xi"
)  # xi: Northern Ireland, not an ISO 3166 code
_OTHER = re.compile(r"^[A-Z0-9]{2,14}$")


def vat_check_digit(first_ten: str) -> int:
    """The Luhn check digit of a partita IVA (for building valid demo and test numbers)."""
    total = 0
    for index, char in enumerate(first_ten):
        digit = int(char)
        if index % 2 == 1:  # every second digit, counted from the left, is doubled
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return (10 - total % 10) % 10


def vat_for_company(company_number: int, office: str = "048") -> str:
    """A valid VAT number for a 7-digit company number (demo data, tests, benchmarks);
    048 is the Prato/Florence revenue office range."""
    base = f"{company_number:07d}{office}"
    return base + str(vat_check_digit(base))


def _why(error: exceptions.ValidationError) -> str:
    if isinstance(error, exceptions.InvalidLength):
        return "has the wrong length"
    if isinstance(error, exceptions.InvalidFormat):
        return "has the wrong format"
    if isinstance(error, exceptions.InvalidChecksum):
        return "check digit is wrong"
    return "is not a number that can exist"


def normalize_vat(raw: str, country: str = "IT") -> str:
    """The VAT number as stored: Italian ones as their 11 digits (as always), others with
    their country prefix ("DE136695976")."""
    value = re.sub(r"[\s.\-/]", "", raw).upper()
    if country == "IT":
        return value[2:] if value.startswith("IT") else value
    prefix = _VAT_PREFIX.get(country, country)
    return value if value.startswith(prefix) else prefix + value


def vat_problem(vat: str, country: str = "IT") -> str | None:
    """Why ``vat`` (normalised) is not a valid VAT number of ``country``, or None."""
    try:
        if country == "IT":
            iva.validate(vat)
        elif country in EU_COUNTRIES:
            eu_vat.validate(vat)
        elif not _OTHER.match(vat[len(country) :]):
            return "has the wrong format"
    except exceptions.ValidationError as error:
        return _why(error)
    return None


def fiscal_code_problem(code: str) -> str | None:
    """An Italian codice fiscale: 16 characters for a person, 11 digits for a company."""
    try:
        if len(code) == 11:
            iva.validate(code)
        else:
            codicefiscale.validate(code)
    except exceptions.ValidationError as error:
        return _why(error)
    return None
