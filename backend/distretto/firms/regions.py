"""The twenty Italian regions, as firms and orders name them."""

REGIONS = (
    "Abruzzo",
    "Basilicata",
    "Calabria",
    "Campania",
    "Emilia-Romagna",
    "Friuli-Venezia Giulia",
    "Lazio",
    "Liguria",
    "Lombardia",
    "Marche",
    "Molise",
    "Piemonte",
    "Puglia",
    "Sardegna",
    "Sicilia",
    "Toscana",
    "Trentino-Alto Adige",
    "Umbria",
    "Valle d'Aosta",
    "Veneto",
)
_BY_LOWER = {r.lower(): r for r in REGIONS}


def canonical_region(value: str) -> str | None:
    return _BY_LOWER.get(value.strip().lower())
