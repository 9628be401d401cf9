"""Italian order titles and descriptions with a known word distribution.

Full-text search is benchmarked with a very common word (``tessuto``, in most orders)
and with selective ones (each in about one order in two thousand), so the report can say
how many rows each query word matches.
"""

import random

COMMON_WORD = "tessuto"
COMMON_WORD_SHARE = 0.85
# Real but uncommon words of the trade; each lands in ~0.05% of orders.
RARE_WORDS = (
    "vigogna",
    "ginestra",
    "ortica",
    "shantung",
    "guanaco",
    "bisso",
    "rafia",
    "sughero",
)
RARE_WORD_SHARE = 0.0005

PHASE_WORK = {
    "spinning": "filatura di {m}",
    "carding": "cardatura di fiocco in {m}",
    "wool_regeneration": "rigenerazione di stracci in {m}",
    "twisting": "ritorcitura di filati in {m}",
    "warping": "orditura per {m}",
    "weaving": "tessitura di {m}",
    "knitting": "maglieria in {m}",
    "dyeing": "tintura in pezza di {m}",
    "printing": "stampa digitale su {m}",
    "finishing": "finissaggio di {m}",
    "pattern_making": "modelleria e sviluppo taglie per capi in {m}",
    "cutting": "taglio di capi in {m}",
    "stitching": "confezione di capi in {m}",
    "embroidery": "ricamo su {m}",
    "garment_washing": "lavaggio in capo di {m}",
    "ironing": "stiro e piegatura di capi in {m}",
    "upper_cutting": "taglio tomaie in {m}",
    "upper_stitching": "orlatura tomaie in {m}",
    "sole_making": "produzione suole per calzature in {m}",
    "lasting": "montaggio calzature con tomaia in {m}",
    "shoe_finishing": "finissaggio calzature in {m}",
    "tanning": "concia di pelli per {m}",
    "leather_goods": "pelletteria in {m}",
    "quality_control": "controllo qualità su lotti di {m}",
    "packaging": "confezionamento e imballo di articoli in {m}",
    "logistics": "ritiro e consegna di colli di {m}",
}
MATERIALS = (
    "lana cardata",
    "lana pettinata",
    "cotone organico",
    "lino",
    "seta",
    "cashmere",
    "viscosa",
    "poliestere riciclato",
    "misto lana",
    "jersey di cotone",
    "vitello",
    "camoscio",
    "nappa",
    "denim",
    "velluto",
    "flanella",
)
COLOURS = ("blu notte", "grigio melange", "cammello", "nero", "bordeaux", "écru", "verde bosco")
SENTENCES = (
    "Lotto di {q} {u}, consegna franco nostro magazzino entro la data indicata.",
    "Richiesta campionatura preventiva e scheda tecnica del processo.",
    "Colori: {c}; tolleranza di tono secondo cartella colori allegata.",
    "Si richiede esperienza con clienti del lusso e certificazione di filiera.",
    "Pagamento a 60 giorni data fattura, imballo a cura del fornitore.",
    "Preferenza per terzisti del distretto con capacità produttiva disponibile.",
    "Controllo qualità al 100% prima della spedizione, report fotografico.",
    "Possibile continuità di ordini per le prossime stagioni.",
    "Materiale fornito dal committente, ritiro presso la nostra sede.",
)
COMMON_SENTENCES = (
    "Il tessuto è fornito dal committente con scheda di composizione.",
    "Tessuto già rifinito, evitare trattamenti che ne alterino la mano.",
    "Verificare l'altezza utile del tessuto prima del taglio.",
)
UNITS = ("pezzi", "metri", "paia", "chilogrammi", "capi")


def order_text(rng: random.Random, phase: str) -> tuple[str, str, str, int]:
    """Title, description, unit and quantity of one order of ``phase``."""
    material = rng.choice(MATERIALS)
    work = PHASE_WORK.get(phase, "lavorazione di {m}").format(m=material)
    unit = rng.choice(UNITS)
    quantity = rng.choice((50, 100, 200, 300, 500, 800, 1000, 1500, 2000, 5000))
    title = f"{work[0].upper()}{work[1:]}, {quantity} {unit}"
    sentences = [
        s.format(q=quantity, u=unit, c=rng.choice(COLOURS)) for s in rng.sample(SENTENCES, 3)
    ]
    if rng.random() < COMMON_WORD_SHARE:
        sentences.insert(rng.randrange(len(sentences) + 1), rng.choice(COMMON_SENTENCES))
    for word in RARE_WORDS:
        if rng.random() < RARE_WORD_SHARE:
            sentences.append(f"Richiesta esperienza con fibra di {word}.")
    return title[:200], " ".join(sentences), unit, quantity
