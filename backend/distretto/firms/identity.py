"""A firm's country, VAT number, region and province, checked together (issue 13).

Italian firms: an Italian region, a province of that region (code or name, ISTAT list),
a partita IVA. Firms of other EU countries: their VAT number validated for the country
(python-stdnum), the region as they write it, no province. Every refusal names its field.
"""

from dataclasses import dataclass

from distretto.firms.countries import ISO_3166_ALPHA2
from distretto.firms.provinces import PROVINCES, province_code, region_of
from distretto.firms.regions import canonical_region
from distretto.firms.vat import fiscal_code_problem, normalize_vat, vat_problem
from distretto.kit.errors import Invalid


@dataclass(frozen=True)
class Place:
    region: str
    province: str | None


def check_country(country: str) -> str:
    if country not in ISO_3166_ALPHA2:
        raise Invalid(
            "country",
            "is not an ISO 3166-1 alpha-2 country code",
            code="firm.country_invalid",
            params={"country": country},
        )
    return country


def check_vat(raw: str, country: str) -> str:
    vat = normalize_vat(raw, country)
    problem = vat_problem(vat, country)
    if problem is not None or len(vat) > 16:
        raise Invalid(
            "vat_number",
            f"not a valid VAT number for {country}: {problem or 'too long'}",
            code="firm.vat_invalid",
            params={"country": country},
        )
    return vat


def check_place(country: str, region: str, province: str | None) -> Place:
    if country != "IT":
        if province is not None:
            raise Invalid(
                "province",
                "only Italian firms give a province",
                code="firm.province_abroad",
            )
        return Place(region.strip(), None)
    canonical = canonical_region(region)
    if canonical is None:
        raise Invalid(
            "region",
            "is not an Italian region",
            code="firm.region_invalid",
            params={"region": region},
        )
    if province is None:
        return Place(canonical, None)
    code = province_code(province)
    if code is None:
        raise Invalid(
            "province",
            f"{province!r} is not an Italian province",
            code="firm.province_unknown",
            params={"province": province},
        )
    if region_of(code) != canonical:
        raise Invalid(
            "province",
            f"{PROVINCES[code][0]} ({code}) is in {region_of(code)}, not in {canonical}",
            code="firm.province_not_in_region",
            params={"province": code, "region": canonical, "actual": region_of(code)},
        )
    return Place(canonical, code)


def check_fiscal_code(code: str, country: str) -> str:
    """Italian fiscal codes are checked; foreign firms' tax ids are kept as typed."""
    if country == "IT" and fiscal_code_problem(code) is not None:
        raise Invalid("fiscal_code", "is not a valid fiscal code", code="firm.fiscal_code_invalid")
    return code
