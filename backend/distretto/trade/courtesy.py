"""The courtesy copy of an invoice draft: a plain HTML page people can read and print
(the XML is what the SdI takes; this is for the eye)."""

from decimal import Decimal
from html import escape

from distretto.kit.money import format_quantity, format_unit_price
from distretto.trade.fatturapa import PAYMENT_MODES, InvoiceDraft, Party

METHOD_NAMES = {"bonifico": "Bonifico bancario", "riba": "Ri.Ba.", "rid": "RID / SDD"}


def _euro(value: Decimal) -> str:
    """Italian money: 18.500,00 €."""
    text = f"{value:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return f"{text} €"


def _party(title: str, party: Party) -> str:
    place = " ".join(p for p in (party.postal_code, party.city, party.province or "") if p)
    lines = [
        f"<strong>{escape(party.name)}</strong>",
        escape(party.address),
        escape(f"{place} ({party.country})"),
        escape(f"P. IVA {party.vat_number}"),
    ]
    if party.fiscal_code:
        lines.append(escape(f"C.F. {party.fiscal_code}"))
    if party.rea:
        lines.append(escape(f"REA {party.rea}"))
    return f"<section><h2>{title}</h2><p>{'<br>'.join(lines)}</p></section>"


def render(draft: InvoiceDraft) -> str:
    terms = draft.terms
    term_text = f"{METHOD_NAMES[terms.method]} a {terms.days} giorni" + (
        " fine mese" if terms.end_of_month else ""
    )
    vat_label = f"{draft.vat_rate:.2f}%".replace(".", ",") + (
        f" ({draft.vat_nature})" if draft.vat_nature else ""
    )
    rows = [
        "<tr>"
        f"<td>{escape(draft.description)}</td>"
        f"<td class=n>{format_quantity(draft.quantity).replace('.', ',')} {escape(draft.unit)}</td>"
        f"<td class=n>{format_unit_price(draft.unit_price).replace('.', ',')} €</td>"
        f"<td class=n>{_euro(draft.total_price)}</td>"
        "</tr>"
    ]
    if draft.price_reduction:
        rows.append(
            "<tr><td>Riduzione di prezzo concordata</td><td></td><td></td>"
            f"<td class=n>-{_euro(draft.price_reduction)}</td></tr>"
        )
    ddts = ", ".join(
        f"{escape(lot.ddt_number)} del {lot.ddt_date:%d/%m/%Y}"
        for lot in draft.lots
        if lot.ddt_number
    )
    return f"""<!doctype html>
<html lang="it"><head><meta charset="utf-8">
<title>Fattura {escape(draft.number)} (copia di cortesia)</title>
<style>
body{{font-family:system-ui,sans-serif;max-width:52rem;margin:2rem auto;color:#1f2933}}
table{{width:100%;border-collapse:collapse}}td,th{{padding:.4rem;border-bottom:1px solid #d9e2ec}}
.n{{text-align:right;white-space:nowrap}}.parties{{display:flex;gap:3rem}}
</style></head><body>
<h1>Fattura {escape(draft.number)} del {draft.issued_on:%d/%m/%Y}</h1>
<p>Copia di cortesia: il documento fiscale è il file XML FatturaPA trasmesso allo SdI.</p>
<div class=parties>{_party("Cedente / prestatore", draft.supplier)}{
        _party("Cessionario / committente", draft.client)
    }</div>
<table><thead><tr><th>Descrizione</th><th class=n>Quantità</th><th class=n>Prezzo</th>
<th class=n>Importo</th></tr></thead><tbody>{"".join(rows)}</tbody></table>
<table><tbody>
<tr><td>Imponibile</td><td class=n>{_euro(draft.taxable)}</td></tr>
<tr><td>IVA {escape(vat_label)}</td><td class=n>{_euro(draft.vat)}</td></tr>
<tr><th>Totale documento</th><th class=n>{_euro(draft.total)}</th></tr>
</tbody></table>
<p>Pagamento: {escape(term_text)} ({PAYMENT_MODES[terms.method]}), scadenza
{draft.due_on:%d/%m/%Y}.</p>
{f"<p>Documenti di trasporto: {ddts}.</p>" if ddts else ""}
<p>Contratto n. {draft.contract_id}.</p>
</body></html>
"""
