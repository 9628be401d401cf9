"""Who may do what in a consortium.

- Consortium managers (appointed users) run it: admit firms, create fairs, campaigns,
  seals and courses, close signups, see cost tables and participant lists.
- A firm acts through its owner or managers (the firm's plain ``member`` role only
  reads): the owner asks to join or leaves; owner or manager sign the firm up for
  fairs and campaigns and enrol its staff in courses.
- Firms suspended by the association cannot join, sign up or enrol (403).
- Association staff read everything but do not run consortia.
"""

from distretto.auth.viewer import Viewer
from distretto.kit.errors import Forbidden


def require_manager(viewer: Viewer, consortium_id: int) -> None:
    if not viewer.manages(consortium_id):
        raise Forbidden(
            "Only the consortium's managers can do this", code="consortium.managers_only"
        )


def require_firm_owner(viewer: Viewer, firm_id: int) -> None:
    viewer.require_role(firm_id, "owner")


def require_firm_acting(viewer: Viewer, firm_id: int) -> None:
    """Owner or manager of a firm that is not suspended."""
    viewer.require_role(firm_id, "manager")
    viewer.require_active_firm(firm_id)


def require_firm_or_manager(viewer: Viewer, firm_id: int, consortium_id: int) -> None:
    """For undoing a firm's own step (withdraw, leave, cancel): the firm or a manager."""
    if viewer.manages(consortium_id):
        return
    if viewer.is_staff and firm_id not in viewer.firm_roles:
        raise Forbidden(
            "Association staff do not act for firms or consortia",
            code="consortium.staff_cannot_act",
        )
    viewer.require_role(firm_id, "manager")


def require_active_member(is_member: bool, firm_name: str, consortium_name: str) -> None:
    if not is_member:
        raise Forbidden(
            f"{firm_name} is not an active member of {consortium_name}",
            code="consortium.not_active_member",
            params={"firm": firm_name, "consortium": consortium_name},
        )


def can_see_costs(viewer: Viewer, consortium_id: int, participant_firm_ids: set[int]) -> None:
    if viewer.is_staff or viewer.manages(consortium_id):
        return
    if not participant_firm_ids.intersection(viewer.firm_ids):
        raise Forbidden(
            "Only the consortium's managers and the participating firms see the costs",
            code="fair.costs_private",
        )


def require_manager_or_staff(viewer: Viewer, consortium_id: int) -> None:
    if not (viewer.is_staff or viewer.manages(consortium_id)):
        raise Forbidden(
            "Only the consortium's managers can see this", code="consortium.managers_only"
        )
