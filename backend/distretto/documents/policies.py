"""Who may add or remove files, once the parent is known to be readable (else 404).

Adding follows the parent's own rules: the client firm's managers for an order, the
bidding firm's managers for a bid, any member of either firm for a contract (as for its
messages). Removing is for the uploading firm, while the parent can still change.
"""

from distretto.auth.viewer import Viewer
from distretto.kit.errors import Conflict, Forbidden, NotFound
from distretto.models import Attachment, Contract, Order
from distretto.models.market import LIVE_BID_STATUSES

EDITABLE_ORDER_STATUSES = ("draft", "open")
EDITABLE_BID_STATUSES = tuple(s for s in LIVE_BID_STATUSES if s != "awarded")
EDITABLE_CONTRACT_STATUSES = ("active", "delivered", "disputed")
CREDENTIAL_ROLE = "manager"


def require_order_editable(order: Order) -> None:
    if order.status not in EDITABLE_ORDER_STATUSES:
        raise Conflict(
            f"The order is {order.status}; its files change only while it is a draft or open",
            code="documents.parent_closed",
            params={"status": order.status},
        )


def require_bid_editable(status: str) -> None:
    if status not in EDITABLE_BID_STATUSES:
        raise Conflict(
            f"The bid is {status}; its files change only while it is live",
            code="documents.parent_closed",
            params={"status": status},
        )


def require_contract_editable(contract: Contract) -> None:
    if contract.status not in EDITABLE_CONTRACT_STATUSES:
        raise Conflict(
            f"The contract is {contract.status}; its files no longer change",
            code="documents.parent_closed",
            params={"status": contract.status},
        )


def minimum_role(attachment: Attachment) -> str:
    return "member" if attachment.contract_id is not None else "manager"


def require_uploader(viewer: Viewer, attachment: Attachment) -> None:
    firm_id = attachment.uploaded_by_firm_id
    if not viewer.has_role(firm_id, minimum_role(attachment)):
        raise Forbidden(
            "Only the firm that added the file can remove it", code="documents.not_uploader"
        )
    viewer.require_active_firm(firm_id)


def staff_outside_parties(viewer: Viewer, contract: Contract) -> bool:
    """Staff reading a contract's files without being one of its firms: audited."""
    parties = {contract.client_firm_id, contract.supplier_firm_id}
    return viewer.is_staff and not parties & set(viewer.firm_roles)


def require_credential_manager(viewer: Viewer, firm_id: int) -> None:
    viewer.require_role(firm_id, CREDENTIAL_ROLE)
    viewer.require_active_firm(firm_id)


def require_credential_reader(viewer: Viewer, firm_id: int) -> None:
    if not viewer.is_staff and firm_id not in viewer.firm_roles:
        raise NotFound(
            f"Firm {firm_id} not found among your firms",
            code="firm.not_found",
            params={"id": firm_id},
        )
