"""A second, independent FatturaPA 1.2 reader for the tests: the standard library's XML
parser (not a38, which wrote the file) reading the fields the SdI checks, with the SdI's
own arithmetic rules (Elenco controlli: 00421-00423, totals and due date)."""

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

NS = "http://ivaservizi.agenziaentrate.gov.it/docs/xsd/fatture/v1.2"
# The order of FatturaElettronicaBody/DatiBeniServizi/DettaglioLinee children in the XSD.
LINE_ORDER = [
    "NumeroLinea",
    "Descrizione",
    "Quantita",
    "UnitaMisura",
    "PrezzoUnitario",
    "PrezzoTotale",
    "AliquotaIVA",
    "Natura",
]


class Invalid(AssertionError):
    pass


@dataclass
class Line:
    description: str
    quantity: Decimal | None
    unit: str | None
    unit_price: Decimal
    total: Decimal
    vat_rate: Decimal
    nature: str | None


@dataclass
class Summary:
    vat_rate: Decimal
    nature: str | None
    taxable: Decimal
    vat: Decimal


@dataclass
class Read:
    version: str
    recipient_code: str
    recipient_pec: str | None
    supplier_vat: tuple[str, str]
    supplier_name: str
    client_vat: tuple[str, str]
    client_name: str
    document_type: str
    currency: str
    issued_on: date
    number: str
    total: Decimal
    lines: list[Line]
    summaries: list[Summary]
    payment_mode: str
    payment_days: int | None
    due_on: date
    payment_amount: Decimal
    ddt_numbers: list[str]


def _one(node: ET.Element, path: str) -> ET.Element:
    found = node.find(path)
    if found is None:
        raise Invalid(f"missing {path}")
    return found


def _text(node: ET.Element, path: str) -> str:
    text = _one(node, path).text
    if text is None or not text.strip():
        raise Invalid(f"empty {path}")
    return text.strip()


def _maybe(node: ET.Element, path: str) -> str | None:
    found = node.find(path)
    return None if found is None else (found.text or "").strip()


def _amount(node: ET.Element, path: str) -> Decimal:
    text = _text(node, path)
    value = Decimal(text)
    if "." in text and len(text.split(".")[1]) < 2:
        raise Invalid(f"{path}: amounts need at least 2 decimals ({text})")
    return value


def read(xml: bytes) -> Read:
    root = ET.fromstring(xml)
    if root.tag != f"{{{NS}}}FatturaElettronica":
        raise Invalid(f"root is {root.tag}")
    header = _one(root, "FatturaElettronicaHeader")
    bodies = root.findall("FatturaElettronicaBody")
    if len(bodies) != 1:
        raise Invalid("one body expected")
    body = bodies[0]
    transmission = _one(header, "DatiTrasmissione")
    if _text(transmission, "FormatoTrasmissione") != root.get("versione"):
        raise Invalid("FormatoTrasmissione differs from versione (00428)")
    supplier = _one(header, "CedentePrestatore/DatiAnagrafici")
    client = _one(header, "CessionarioCommittente/DatiAnagrafici")
    for party in ("CedentePrestatore", "CessionarioCommittente"):
        for field in ("Indirizzo", "CAP", "Comune", "Nazione"):
            _text(header, f"{party}/Sede/{field}")
    document = _one(body, "DatiGenerali/DatiGeneraliDocumento")
    lines = []
    for node in body.findall("DatiBeniServizi/DettaglioLinee"):
        tags = [child.tag for child in node]
        if tags != [t for t in LINE_ORDER if t in tags]:
            raise Invalid(f"DettaglioLinee children out of order: {tags}")
        quantity = _maybe(node, "Quantita")
        lines.append(
            Line(
                description=_text(node, "Descrizione"),
                quantity=None if quantity is None else Decimal(quantity),
                unit=_maybe(node, "UnitaMisura"),
                unit_price=Decimal(_text(node, "PrezzoUnitario")),
                total=_amount(node, "PrezzoTotale"),
                vat_rate=_amount(node, "AliquotaIVA"),
                nature=_maybe(node, "Natura"),
            )
        )
    summaries = [
        Summary(
            vat_rate=_amount(node, "AliquotaIVA"),
            nature=_maybe(node, "Natura"),
            taxable=_amount(node, "ImponibileImporto"),
            vat=_amount(node, "Imposta"),
        )
        for node in body.findall("DatiBeniServizi/DatiRiepilogo")
    ]
    payment = _one(body, "DatiPagamento/DettaglioPagamento")
    days = _maybe(payment, "GiorniTerminiPagamento")
    result = Read(
        version=root.get("versione", ""),
        recipient_code=_text(transmission, "CodiceDestinatario"),
        recipient_pec=_maybe(transmission, "PECDestinatario"),
        supplier_vat=(
            _text(supplier, "IdFiscaleIVA/IdPaese"),
            _text(supplier, "IdFiscaleIVA/IdCodice"),
        ),
        supplier_name=_text(supplier, "Anagrafica/Denominazione"),
        client_vat=(_text(client, "IdFiscaleIVA/IdPaese"), _text(client, "IdFiscaleIVA/IdCodice")),
        client_name=_text(client, "Anagrafica/Denominazione"),
        document_type=_text(document, "TipoDocumento"),
        currency=_text(document, "Divisa"),
        issued_on=date.fromisoformat(_text(document, "Data")),
        number=_text(document, "Numero"),
        total=_amount(document, "ImportoTotaleDocumento"),
        lines=lines,
        summaries=summaries,
        payment_mode=_text(payment, "ModalitaPagamento"),
        payment_days=None if days is None else int(days),
        due_on=date.fromisoformat(_text(payment, "DataScadenzaPagamento")),
        payment_amount=_amount(payment, "ImportoPagamento"),
        ddt_numbers=[_text(n, "NumeroDDT") for n in body.findall("DatiGenerali/DatiDDT")],
    )
    _check_arithmetic(result)
    return result


def _cents(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _check_arithmetic(invoice: Read) -> None:
    for line in invoice.lines:
        if line.quantity is not None and _cents(line.quantity * line.unit_price) != line.total:
            raise Invalid(f"PrezzoTotale {line.total} is not Quantita x PrezzoUnitario")
        if (line.vat_rate == 0) != (line.nature is not None):
            raise Invalid("Natura goes with a 0% rate only (00400, 00401)")
    for summary in invoice.summaries:
        lines = [
            x for x in invoice.lines if (x.vat_rate, x.nature) == (summary.vat_rate, summary.nature)
        ]
        if sum((x.total for x in lines), Decimal(0)) != summary.taxable:
            raise Invalid("ImponibileImporto is not the sum of its lines (00422)")
        if _cents(summary.taxable * summary.vat_rate / 100) != summary.vat:
            raise Invalid("Imposta is not ImponibileImporto x AliquotaIVA (00421)")
    expected = sum((s.taxable + s.vat for s in invoice.summaries), Decimal(0))
    if invoice.total != expected or invoice.payment_amount != expected:
        raise Invalid("ImportoTotaleDocumento / ImportoPagamento differ from the summaries")
