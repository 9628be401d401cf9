"""Who sees and decides guarantees.

A guarantee request is private between the firm and the confidi: the firm's users and
the consortium's managers see it; nobody else (other member firms, association staff)
learns it exists (404). The firm's owner asks; the managers decide and set caps.
"""

from distretto.auth.viewer import Viewer
from distretto.kit.errors import Forbidden, NotFound


def sees(viewer: Viewer, consortium_id: int, firm_id: int) -> bool:
    return viewer.manages(consortium_id) or firm_id in viewer.firm_roles


def require_sees(viewer: Viewer, consortium_id: int, firm_id: int, guarantee_id: int) -> None:
    if not sees(viewer, consortium_id, firm_id):
        raise NotFound(f"Guarantee {guarantee_id} not found", code="guarantees.not_found")


def require_manager(viewer: Viewer, consortium_id: int) -> None:
    if not viewer.manages(consortium_id):
        raise Forbidden(
            "Only the confidi's managers decide guarantees and caps",
            code="guarantees.manager_only",
        )


def require_requesting_owner(viewer: Viewer, firm_id: int) -> None:
    viewer.require_role(firm_id, "owner")
    viewer.require_active_firm(firm_id)
