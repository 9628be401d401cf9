"""A FatturaPA 1.2 invoice draft (``FPR12``, between private firms) for a completed
contract, from the supplier (cedente) to the client (cessionario), built with a38.

One line for the contract's work (quantity, unit price, total as the contract fixed
them), a second, negative line for a settlement's price reduction if there was one; the
VAT summary at the contract's rate (or 0% with its nature code); the transport documents
(DDT) of the lots; ``DatiPagamento`` with the due date the payment terms give
(``kit.terms.due_date``). Amounts are the contract's, to the cent: nothing is recomputed
from floats and VAT is rounded half-up once, on the taxable total.
"""

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from a38 import fattura as fa
from a38.validation import Validation

from distretto.kit.money import to_cents, vat_amount
from distretto.kit.terms import PaymentTerms, due_date

# FatturaPA ModalitaPagamento of each payment method.
PAYMENT_MODES = {"bonifico": "MP05", "riba": "MP12", "rid": "MP09"}
# The law a 0% line cites, by nature code.
NATURE_LAW = {
    "N3.1": "Non imponibile art. 8 c. 1 DPR 633/72",
    "N3.2": "Non imponibile art. 41 DL 331/93",
    "N6.1": "Inversione contabile art. 74 c. 7-8 DPR 633/72",
    "N6.2": "Inversione contabile art. 17 c. 5 DPR 633/72",
    "N6.9": "Inversione contabile art. 17 c. 6 DPR 633/72",
}
# The prefix the Agenzia delle Entrate's own examples use for the FatturaPA namespace.
ET.register_namespace("p", fa.NS)
# A recipient abroad has no SdI code: the SdI's placeholder for foreign recipients.
FOREIGN_RECIPIENT = "XXXXXXX"
NO_CODE = "0000000"


@dataclass(frozen=True)
class Party:
    name: str
    vat_number: str
    country: str
    address: str
    postal_code: str
    city: str
    province: str | None
    fiscal_code: str | None = None
    sdi_code: str | None = None
    pec: str | None = None
    rea: str | None = None


@dataclass(frozen=True)
class Lot:
    ddt_number: str
    ddt_date: date


@dataclass(frozen=True)
class InvoiceDraft:
    number: str
    issued_on: date
    contract_id: int
    description: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    total_price: Decimal
    price_reduction: Decimal | None
    vat_rate: Decimal
    vat_nature: str | None
    terms: PaymentTerms
    supplier: Party
    client: Party
    lots: tuple[Lot, ...]

    @property
    def taxable(self) -> Decimal:
        return self.total_price - (self.price_reduction or Decimal(0))

    @property
    def vat(self) -> Decimal:
        return vat_amount(self.taxable, self.vat_rate)

    @property
    def total(self) -> Decimal:
        return to_cents(self.taxable + self.vat)

    @property
    def due_on(self) -> date:
        return due_date(self.issued_on, self.terms.days, self.terms.end_of_month)


class InvoiceInvalid(Exception):
    """The draft breaks a FatturaPA rule a38 checks (a bug, never the user's input)."""


def _id_iva(party: Party) -> fa.IdFiscaleIVA:
    prefix = "EL" if party.country == "GR" else party.country
    code = party.vat_number[len(prefix) :] if party.vat_number.startswith(prefix) else None
    return fa.IdFiscaleIVA(
        id_paese=party.country, id_codice=code if code is not None else party.vat_number
    )


def _seat(party: Party) -> fa.Sede:
    italian = party.country == "IT"
    return fa.Sede(
        indirizzo=party.address[:60],
        cap=party.postal_code if italian else "00000",
        comune=party.city[:60],
        provincia=party.province if italian else None,
        nazione=party.country,
    )


def _rea(party: Party) -> fa.IscrizioneREA | None:
    if not party.rea:
        return None
    office, _, number = party.rea.partition("-")
    if not number:
        office, number = party.rea[:2], party.rea[2:]
    return fa.IscrizioneREA(ufficio=office, numero_rea=number, stato_liquidazione="LN")


def _transmission(draft: InvoiceDraft) -> fa.DatiTrasmissione:
    client = draft.client
    if client.country != "IT":
        code, pec = FOREIGN_RECIPIENT, None
    elif client.sdi_code and client.sdi_code != NO_CODE:
        code, pec = client.sdi_code, None
    else:
        code, pec = NO_CODE, client.pec
    supplier_id = _id_iva(draft.supplier)
    return fa.DatiTrasmissione(
        id_trasmittente=fa.IdTrasmittente(
            id_paese=supplier_id.id_paese, id_codice=supplier_id.id_codice
        ),
        progressivo_invio=f"D{draft.contract_id:09d}"[-10:],
        formato_trasmissione="FPR12",
        codice_destinatario=code,
        pec_destinatario=pec,
    )


def build(draft: InvoiceDraft) -> fa.FatturaPrivati12:
    supplier, client = draft.supplier, draft.client
    invoice = fa.FatturaPrivati12()
    header = invoice.fattura_elettronica_header
    header.dati_trasmissione = _transmission(draft)
    header.cedente_prestatore = fa.CedentePrestatore(
        dati_anagrafici=fa.DatiAnagraficiCedentePrestatore(
            id_fiscale_iva=_id_iva(supplier),
            codice_fiscale=supplier.fiscal_code,
            anagrafica=fa.Anagrafica(denominazione=supplier.name[:80]),
            regime_fiscale="RF01",
        ),
        sede=_seat(supplier),
        iscrizione_rea=_rea(supplier),
    )
    header.cessionario_committente = fa.CessionarioCommittente(
        dati_anagrafici=fa.DatiAnagraficiCessionarioCommittente(
            id_fiscale_iva=_id_iva(client),
            codice_fiscale=client.fiscal_code if client.country == "IT" else None,
            anagrafica=fa.Anagrafica(denominazione=client.name[:80]),
        ),
        sede=_seat(client),
    )

    # The model starts with its one (empty) body; appending would add a second.
    body = invoice.fattura_elettronica_body[0]
    document = body.dati_generali.dati_generali_documento
    document.tipo_documento = "TD01"
    document.divisa = "EUR"
    document.data = draft.issued_on
    document.numero = draft.number
    document.causale = [draft.description[:200]]
    body.dati_generali.dati_contratto.append(fa.DatiContratto(id_documento=str(draft.contract_id)))
    for lot in draft.lots:
        if lot.ddt_number:
            body.dati_generali.dati_ddt.append(
                fa.DatiDDT(numero_ddt=lot.ddt_number[:20], data_ddt=lot.ddt_date)
            )

    goods = body.dati_beni_servizi
    goods.add_dettaglio_linee(
        descrizione=draft.description[:1000],
        quantita=draft.quantity,
        unita_misura=draft.unit,
        prezzo_unitario=draft.unit_price,
        prezzo_totale=draft.total_price,
        aliquota_iva=draft.vat_rate,
        natura=draft.vat_nature,
    )
    if draft.price_reduction:
        goods.add_dettaglio_linee(
            descrizione="Riduzione di prezzo concordata (composizione della controversia)",
            prezzo_unitario=-draft.price_reduction,
            prezzo_totale=-draft.price_reduction,
            aliquota_iva=draft.vat_rate,
            natura=draft.vat_nature,
        )
    goods.dati_riepilogo = [
        fa.DatiRiepilogo(
            aliquota_iva=draft.vat_rate,
            natura=draft.vat_nature,
            imponibile_importo=draft.taxable,
            imposta=draft.vat,
            # Reverse charge and non-taxable supplies: the client accounts for the VAT.
            esigibilita_iva=None if draft.vat_nature else "I",
            riferimento_normativo=NATURE_LAW.get(draft.vat_nature or ""),
        )
    ]
    document.importo_totale_documento = draft.total
    body.dati_pagamento = [
        fa.DatiPagamento(
            condizioni_pagamento="TP02",
            dettaglio_pagamento=[
                fa.DettaglioPagamento(
                    modalita_pagamento=PAYMENT_MODES[draft.terms.method],
                    data_riferimento_termini_pagamento=draft.issued_on,
                    giorni_termini_pagamento=draft.terms.days,
                    data_scadenza_pagamento=draft.due_on,
                    importo_pagamento=draft.total,
                )
            ],
        )
    ]
    return invoice


def to_xml(draft: InvoiceDraft) -> bytes:
    invoice = build(draft)
    validation = Validation()
    invoice.validate(validation)
    if validation.errors:
        raise InvoiceInvalid("; ".join(str(e) for e in validation.errors))
    tree = invoice.build_etree()
    ET.indent(tree)
    return ET.tostring(tree.getroot(), encoding="utf-8", xml_declaration=True)
