"""The units catalogue as the API lists it (orders, tariffs and capacity calendars check
units against the same catalogue through ``kit.units``)."""

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from distretto.auth.viewer import Viewer
from distretto.contracts import service as contracts
from distretto.contracts.schemas import ContractStatus
from distretto.firms import service as firms
from distretto.firms.schemas import BillingOut
from distretto.kit.errors import Conflict
from distretto.trade import courtesy, fatturapa, schemas
from distretto.trade.fatturapa import InvoiceDraft, Lot, Party
from distretto.trade.repository import UnitRepository


async def units(session: AsyncSession) -> list[schemas.UnitOut]:
    rows = await UnitRepository(session).all()
    return [schemas.UnitOut.model_validate(u, from_attributes=True) for u in rows]


# --- Invoices (FatturaPA 1.2 drafts) --------------------------------------------------

# What an invoice needs of each party (API: 409 naming what is missing).
REQUIRED_BILLING = ("address", "postal_code", "city")


def _party(billing: BillingOut) -> Party:
    return Party(
        name=billing.name,
        vat_number=billing.vat_number,
        country=billing.country,
        address=billing.address or "",
        postal_code=billing.postal_code or "",
        city=billing.city or "",
        province=billing.province,
        fiscal_code=billing.fiscal_code,
        sdi_code=billing.sdi_code,
        pec=billing.pec,
        rea=billing.rea,
    )


def _missing(billing: BillingOut, *, recipient: bool) -> list[str]:
    missing = [field for field in REQUIRED_BILLING if not getattr(billing, field)]
    # An Italian recipient is reached through its SdI code or its PEC.
    if recipient and billing.country == "IT" and not (billing.sdi_code or billing.pec):
        missing.append("sdi_code")
    return missing


async def invoice_draft(
    session: AsyncSession, viewer: Viewer, contract_id: int, now: datetime
) -> InvoiceDraft:
    """The invoice of a completed contract, for its two firms."""
    contract = await contracts.get_contract(session, viewer, contract_id, now)
    if contract.status != ContractStatus.COMPLETED or contract.completed_at is None:
        raise Conflict(
            f"The contract is {contract.status}; its invoice is drafted once completed",
            code="invoice.not_completed",
            params={"status": contract.status},
        )
    parties = await firms.billing_of(session, [contract.supplier_firm_id, contract.client_firm_id])
    supplier, client = parties[contract.supplier_firm_id], parties[contract.client_firm_id]
    for billing, recipient in ((supplier, False), (client, True)):
        missing = _missing(billing, recipient=recipient)
        if missing:
            raise Conflict(
                f"Billing data of {billing.name} is missing: {', '.join(missing)}",
                code="invoice.billing_missing",
                params={
                    "firm_id": billing.firm_id,
                    "firm": billing.name,
                    "fields": ", ".join(missing),
                },
            )
    lots = await contracts.contract_lots(session, viewer, contract_id)
    return InvoiceDraft(
        number=f"DST-{contract.id}",
        issued_on=contract.completed_at.date(),
        contract_id=contract.id,
        description=f"{contract.order_title} (fase {contract.phase})",
        quantity=contract.quantity,
        unit=contract.unit,
        unit_price=contract.unit_price,
        total_price=contract.total_price,
        price_reduction=contract.price_reduction,
        vat_rate=contract.vat_rate,
        vat_nature=contract.vat_nature,
        terms=contract.payment_terms,
        supplier=_party(supplier),
        client=_party(client),
        lots=tuple(Lot(lot.ddt_number, lot.ddt_date) for lot in lots),
    )


async def invoice_xml(
    session: AsyncSession, viewer: Viewer, contract_id: int, now: datetime
) -> tuple[str, bytes]:
    """The FatturaPA file name (as the SdI names them) and its XML."""
    draft = await invoice_draft(session, viewer, contract_id, now)
    name = f"{draft.supplier.country}{draft.supplier.vat_number}_{draft.contract_id:05d}.xml"
    return name, fatturapa.to_xml(draft)


async def invoice_html(
    session: AsyncSession, viewer: Viewer, contract_id: int, now: datetime
) -> str:
    return courtesy.render(await invoice_draft(session, viewer, contract_id, now))
