"""Italian provinces (ISTAT: automobile code, name, region), to check a firm's province
against its region. A province may be given by its code ("PO") or its name ("Prato");
one that does not exist, or is not in the region, is refused (never cut to two letters).
Sardinia keeps both the codes of 2016 (SU) and those of its 2025 reform (CI, VS, OG, OT).
"""

import unicodedata

PROVINCES: dict[str, tuple[str, str]] = {
    "AQ": ("L'Aquila", "Abruzzo"),
    "CH": ("Chieti", "Abruzzo"),
    "PE": ("Pescara", "Abruzzo"),
    "TE": ("Teramo", "Abruzzo"),
    "MT": ("Matera", "Basilicata"),
    "PZ": ("Potenza", "Basilicata"),
    "CZ": ("Catanzaro", "Calabria"),
    "CS": ("Cosenza", "Calabria"),
    "KR": ("Crotone", "Calabria"),
    "RC": ("Reggio Calabria", "Calabria"),
    "VV": ("Vibo Valentia", "Calabria"),
    "AV": ("Avellino", "Campania"),
    "BN": ("Benevento", "Campania"),
    "CE": ("Caserta", "Campania"),
    "NA": ("Napoli", "Campania"),
    "SA": ("Salerno", "Campania"),
    "BO": ("Bologna", "Emilia-Romagna"),
    "FE": ("Ferrara", "Emilia-Romagna"),
    "FC": ("Forlì-Cesena", "Emilia-Romagna"),
    "MO": ("Modena", "Emilia-Romagna"),
    "PR": ("Parma", "Emilia-Romagna"),
    "PC": ("Piacenza", "Emilia-Romagna"),
    "RA": ("Ravenna", "Emilia-Romagna"),
    "RE": ("Reggio Emilia", "Emilia-Romagna"),
    "RN": ("Rimini", "Emilia-Romagna"),
    "GO": ("Gorizia", "Friuli-Venezia Giulia"),
    "PN": ("Pordenone", "Friuli-Venezia Giulia"),
    "TS": ("Trieste", "Friuli-Venezia Giulia"),
    "UD": ("Udine", "Friuli-Venezia Giulia"),
    "FR": ("Frosinone", "Lazio"),
    "LT": ("Latina", "Lazio"),
    "RI": ("Rieti", "Lazio"),
    "RM": ("Roma", "Lazio"),
    "VT": ("Viterbo", "Lazio"),
    "GE": ("Genova", "Liguria"),
    "IM": ("Imperia", "Liguria"),
    "SP": ("La Spezia", "Liguria"),
    "SV": ("Savona", "Liguria"),
    "BG": ("Bergamo", "Lombardia"),
    "BS": ("Brescia", "Lombardia"),
    "CO": ("Como", "Lombardia"),
    "CR": ("Cremona", "Lombardia"),
    "LC": ("Lecco", "Lombardia"),
    "LO": ("Lodi", "Lombardia"),
    "MN": ("Mantova", "Lombardia"),
    "MI": ("Milano", "Lombardia"),
    "MB": ("Monza e della Brianza", "Lombardia"),
    "PV": ("Pavia", "Lombardia"),
    "SO": ("Sondrio", "Lombardia"),
    "VA": ("Varese", "Lombardia"),
    "AN": ("Ancona", "Marche"),
    "AP": ("Ascoli Piceno", "Marche"),
    "FM": ("Fermo", "Marche"),
    "MC": ("Macerata", "Marche"),
    "PU": ("Pesaro e Urbino", "Marche"),
    "CB": ("Campobasso", "Molise"),
    "IS": ("Isernia", "Molise"),
    "AL": ("Alessandria", "Piemonte"),
    "AT": ("Asti", "Piemonte"),
    "BI": ("Biella", "Piemonte"),
    "CN": ("Cuneo", "Piemonte"),
    "NO": ("Novara", "Piemonte"),
    "TO": ("Torino", "Piemonte"),
    "VB": ("Verbano-Cusio-Ossola", "Piemonte"),
    "VC": ("Vercelli", "Piemonte"),
    "BA": ("Bari", "Puglia"),
    "BT": ("Barletta-Andria-Trani", "Puglia"),
    "BR": ("Brindisi", "Puglia"),
    "FG": ("Foggia", "Puglia"),
    "LE": ("Lecce", "Puglia"),
    "TA": ("Taranto", "Puglia"),
    "CA": ("Cagliari", "Sardegna"),
    "NU": ("Nuoro", "Sardegna"),
    "OR": ("Oristano", "Sardegna"),
    "SS": ("Sassari", "Sardegna"),
    "SU": ("Sud Sardegna", "Sardegna"),
    "CI": ("Sulcis Iglesiente", "Sardegna"),
    "VS": ("Medio Campidano", "Sardegna"),
    "OG": ("Ogliastra", "Sardegna"),
    "OT": ("Gallura Nord-Est Sardegna", "Sardegna"),
    "AG": ("Agrigento", "Sicilia"),
    "CL": ("Caltanissetta", "Sicilia"),
    "CT": ("Catania", "Sicilia"),
    "EN": ("Enna", "Sicilia"),
    "ME": ("Messina", "Sicilia"),
    "PA": ("Palermo", "Sicilia"),
    "RG": ("Ragusa", "Sicilia"),
    "SR": ("Siracusa", "Sicilia"),
    "TP": ("Trapani", "Sicilia"),
    "AR": ("Arezzo", "Toscana"),
    "FI": ("Firenze", "Toscana"),
    "GR": ("Grosseto", "Toscana"),
    "LI": ("Livorno", "Toscana"),
    "LU": ("Lucca", "Toscana"),
    "MS": ("Massa-Carrara", "Toscana"),
    "PI": ("Pisa", "Toscana"),
    "PT": ("Pistoia", "Toscana"),
    "PO": ("Prato", "Toscana"),
    "SI": ("Siena", "Toscana"),
    "BZ": ("Bolzano", "Trentino-Alto Adige"),
    "TN": ("Trento", "Trentino-Alto Adige"),
    "PG": ("Perugia", "Umbria"),
    "TR": ("Terni", "Umbria"),
    "AO": ("Aosta", "Valle d'Aosta"),
    "BL": ("Belluno", "Veneto"),
    "PD": ("Padova", "Veneto"),
    "RO": ("Rovigo", "Veneto"),
    "TV": ("Treviso", "Veneto"),
    "VE": ("Venezia", "Veneto"),
    "VR": ("Verona", "Veneto"),
    "VI": ("Vicenza", "Veneto"),
}

# Other names people write for some provinces.
_OTHER_NAMES = {
    "reggio nell'emilia": "RE",
    "reggio di calabria": "RC",
    "forli cesena": "FC",
    "monza e brianza": "MB",
    "monza": "MB",
    "massa carrara": "MS",
    "massa": "MS",
    "pesaro urbino": "PU",
    "bolzano bozen": "BZ",
    "aosta aoste": "AO",
    "carbonia iglesias": "CI",
}


def _key(name: str) -> str:
    """Lower case, accents and punctuation dropped ("Forlì-Cesena" → "forli cesena")."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return " ".join(plain.lower().replace("-", " ").split())


_BY_NAME = {_key(name): code for code, (name, _) in PROVINCES.items()} | {
    _key(name): code for name, code in _OTHER_NAMES.items()
}


def province_code(value: str) -> str | None:
    """The code of the province ``value`` names (code or name, any case), or None."""
    text = value.strip()
    if text.upper() in PROVINCES:
        return text.upper()
    return _BY_NAME.get(_key(text))


def region_of(code: str) -> str:
    return PROVINCES[code][1]
