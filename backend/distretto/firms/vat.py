"""Italian VAT number (partita IVA): 11 digits, the last a Luhn check digit."""


def vat_check_digit(first_ten: str) -> int:
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


def normalize_vat(raw: str) -> str:
    value = raw.strip().upper().replace(" ", "")
    return value[2:] if value.startswith("IT") else value


def vat_problem(vat: str) -> str | None:
    """Why ``vat`` is not a valid Italian VAT number, or None if it is."""
    if len(vat) != 11 or not vat.isdigit():
        return "must be 11 digits"
    if vat[:7] == "0000000":
        return "company number cannot be all zeros"
    office = int(vat[7:10])
    if not (1 <= office <= 100 or office in (120, 121, 888, 999)):
        return "province office code (digits 8-10) does not exist"
    if vat_check_digit(vat[:10]) != int(vat[10]):
        return "check digit is wrong"
    return None
