"""What the district's firms order from each other: work per phase, in their words.

Each entry: title template (``{q}`` is the quantity), unit, quantity range, unit price
range in EUR. Prices are the order of magnitude of the district's reference tariffs.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Work:
    title: str
    unit: str
    quantity: tuple[int, int]
    unit_price: tuple[float, float]
    description: str


CATALOGUE: dict[str, tuple[Work, ...]] = {
    "wool_regeneration": (
        Work(
            "Rigenerazione stracci di lana {q} kg",
            "kg",
            (2000, 12000),
            (1.1, 2.2),
            "Cernita per colore, sfilacciatura e carbonizzo; resa minima 85%.",
        ),
    ),
    "carding": (
        Work(
            "Cardatura lana rigenerata {q} kg",
            "kg",
            (1500, 8000),
            (1.5, 3.0),
            "Mischia 70/30 lana-poliammide, nastro per filatura cardata Nm 8-12.",
        ),
    ),
    "spinning": (
        Work(
            "Filatura cardato riciclato Nm 12 {q} kg",
            "kg",
            (800, 5000),
            (4.0, 7.5),
            "Filato a un capo, torsione Z, in rocche da 2 kg.",
        ),
        Work(
            "Filatura pettinato merinos Nm 2/48 {q} kg",
            "kg",
            (500, 3000),
            (9.0, 15.0),
            "Merinos extrafine 18,5 micron, tinto in tops.",
        ),
    ),
    "twisting": (
        Work(
            "Ritorcitura filato seta {q} kg",
            "kg",
            (200, 1200),
            (8.0, 14.0),
            "Ritorto a due capi, torsione S 600 giri/m.",
        ),
    ),
    "warping": (
        Work(
            "Orditura catene per camiceria {q} metri",
            "m",
            (3000, 15000),
            (0.3, 0.7),
            "Catene da 3.600 fili, altezza 160 cm, subbio del committente.",
        ),
    ),
    "weaving": (
        Work(
            "Tessitura flanella pettinata {q} metri",
            "m",
            (1000, 6000),
            (3.5, 7.5),
            "Armatura saia 2/2, altezza finita 150 cm, peso 320 g/m.",
        ),
        Work(
            "Tessitura jacquard per capispalla {q} metri",
            "m",
            (500, 3000),
            (6.0, 12.0),
            "Disegno del committente, telai a 12.000 uncini.",
        ),
    ),
    "knitting": (
        Work(
            "Maglieria rasata girocollo {q} capi",
            "capi",
            (500, 3000),
            (6.0, 11.0),
            "Finezza 12, filato fornito dal committente, taglie 44-56.",
        ),
    ),
    "dyeing": (
        Work(
            "Tintura in capo {q} maglie merinos",
            "capi",
            (800, 4000),
            (1.8, 3.5),
            "Colore blu notte su campione, solidità al lavaggio 4-5.",
        ),
        Work(
            "Tintura filato cashmere {q} kg",
            "kg",
            (200, 1500),
            (6.0, 12.0),
            "Tintura in rocca, 6 colori di cartella, controllo spettrofotometrico.",
        ),
        Work(
            "Tintura pezza lana cardata {q} metri",
            "m",
            (1000, 8000),
            (1.2, 2.8),
            "Tintura in jet, colori autunno-inverno, tolleranza Delta E < 1.",
        ),
    ),
    "printing": (
        Work(
            "Stampa digitale su seta {q} metri",
            "m",
            (500, 4000),
            (4.0, 9.0),
            "Twill di seta 16 mm, 4 varianti colore, vaporizzo e lavaggio inclusi.",
        ),
        Work(
            "Stampa a quadro foulard {q} pezzi",
            "pz",
            (300, 2000),
            (3.0, 7.0),
            "Foulard 90x90, 8 colori, orlo a mano escluso.",
        ),
    ),
    "finishing": (
        Work(
            "Finissaggio follatura e garzatura {q} metri",
            "m",
            (1000, 8000),
            (0.8, 1.8),
            "Mano morbida, decatissaggio finale, controllo restringimento.",
        ),
    ),
    "cutting": (
        Work(
            "Taglio automatico {q} giacche in lana",
            "capi",
            (300, 2000),
            (2.5, 5.0),
            "Piazzamento e taglio su carta modello del committente.",
        ),
    ),
    "stitching": (
        Work(
            "Confezione {q} camicie in popeline",
            "capi",
            (400, 3000),
            (6.0, 11.0),
            "Colletto francese, asole a macchina, stiro finale escluso.",
        ),
        Work(
            "Cucitura {q} pantaloni chino",
            "capi",
            (400, 2500),
            (7.0, 12.0),
            "Tessuto e accessori forniti dal committente, taglie 44-56.",
        ),
    ),
    "embroidery": (
        Work(
            "Ricamo logo su {q} polo",
            "capi",
            (500, 4000),
            (0.9, 2.2),
            "Logo 7 cm, 3 colori, posizionamento cuore.",
        ),
    ),
    "garment_washing": (
        Work(
            "Lavaggio stone wash {q} jeans",
            "capi",
            (500, 4000),
            (1.5, 3.0),
            "Lavaggio medio con pietra pomice, campione di riferimento allegato.",
        ),
    ),
    "ironing": (
        Work(
            "Stiro e piegatura {q} capispalla",
            "capi",
            (300, 2000),
            (1.2, 2.5),
            "Stiro a manichino, busta singola, etichetta prezzo.",
        ),
    ),
    "upper_cutting": (
        Work(
            "Taglio tomaie in vitello {q} paia",
            "paia",
            (300, 2000),
            (2.5, 5.0),
            "Vitello liscio del committente, fustelle fornite, scarto massimo 8%.",
        ),
    ),
    "upper_stitching": (
        Work(
            "Orlatura tomaie sneaker {q} paia",
            "paia",
            (400, 2500),
            (6.0, 12.0),
            "Tomaia a 9 pezzi, cuciture doppie, fodera in pelle.",
        ),
        Work(
            "Orlatura mocassino cucito a mano {q} paia",
            "paia",
            (200, 1200),
            (12.0, 22.0),
            "Cucitura a mano del grembiule, punto sellaio.",
        ),
    ),
    "sole_making": (
        Work(
            "Fondi in gomma per sneaker {q} paia",
            "paia",
            (500, 3000),
            (4.0, 8.0),
            "Suola a cassetta, mescola naturale, numerazione 36-46.",
        ),
    ),
    "lasting": (
        Work(
            "Montaggio stivaletto Chelsea {q} paia",
            "paia",
            (300, 1500),
            (8.0, 14.0),
            "Montaggio su forma del committente, costruzione Blake.",
        ),
    ),
    "shoe_finishing": (
        Work(
            "Finissaggio e spazzolatura {q} paia",
            "paia",
            (500, 2500),
            (2.0, 4.5),
            "Anticatura a mano, crema e lucidatura, inscatolamento.",
        ),
    ),
    "tanning": (
        Work(
            "Concia al vegetale {q} pelli",
            "pelli",
            (300, 2000),
            (18.0, 32.0),
            "Concia in botte con tannini di castagno, spessore 1,4 mm.",
        ),
    ),
    "leather_goods": (
        Work(
            "Assemblaggio {q} borse a mano",
            "pz",
            (200, 1200),
            (18.0, 35.0),
            "Modello tote, pelle e minuteria forniti, controllo qualità incluso.",
        ),
    ),
    "quality_control": (
        Work(
            "Controllo qualità lotto {q} capi",
            "capi",
            (1000, 6000),
            (0.3, 0.8),
            "Ispezione AQL 2,5 con rapporto fotografico.",
        ),
    ),
    "packaging": (
        Work(
            "Confezionamento e cartellinatura {q} capi",
            "capi",
            (1000, 6000),
            (0.4, 1.0),
            "Cartellino, busta e cartone per spedizione al cliente finale.",
        ),
    ),
}

# Which phases each kind of final firm buys, by the phases it declares itself.
CHAINS: dict[str, tuple[str, ...]] = {
    "apparel": (
        "cutting",
        "stitching",
        "embroidery",
        "garment_washing",
        "ironing",
        "knitting",
        "printing",
        "dyeing",
        "packaging",
        "quality_control",
        "leather_goods",
    ),
    "footwear": (
        "upper_cutting",
        "upper_stitching",
        "sole_making",
        "lasting",
        "shoe_finishing",
        "tanning",
        "packaging",
    ),
    "textile": (
        "wool_regeneration",
        "carding",
        "spinning",
        "twisting",
        "warping",
        "weaving",
        "dyeing",
        "finishing",
        "printing",
    ),
}

QUESTIONS_AND_MESSAGES = (
    "Buongiorno, confermiamo la presa in carico del lotto.",
    "Il materiale è arrivato completo, partiamo lunedì.",
    "Potete anticipare due giorni? Il cliente finale ha anticipato la consegna.",
    "Facciamo il possibile, vi aggiorniamo entro domani.",
    "Vi mandiamo il campione di riferimento con il corriere di oggi.",
    "Primo controllo a campione superato, proseguiamo con il lotto.",
    "Spedito con DDT numero {n}, arrivo previsto in 48 ore.",
    "Ricevuto, grazie. Controlliamo e vi diamo conferma.",
)

REVIEW_COMMENTS = {
    5: (
        "Lavoro impeccabile, tempi rispettati.",
        "Qualità eccellente, li richiameremo.",
        "Precisi e sempre raggiungibili.",
    ),
    4: (
        "Buon lavoro, qualche piccolo ritocco.",
        "Affidabili, comunicazione puntuale.",
        "Qualità buona, consegna nei tempi.",
    ),
    3: ("Risultato accettabile ma con difetti da correggere.", "Qualche ritardo nelle risposte."),
    2: (
        "Consegna in ritardo e lotto da rilavorare in parte.",
        "Comunicazione difficile, abbiamo dovuto sollecitare più volte.",
    ),
    1: ("Lotto non conforme, esperienza da non ripetere.",),
}
