"""Who may do what to a firm."""

from distretto.auth.viewer import Viewer
from distretto.kit.errors import Forbidden, NotFound


def can_edit(viewer: Viewer, firm_id: int) -> None:
    viewer.require_role(firm_id, "manager")


def can_manage_members(viewer: Viewer, firm_id: int) -> None:
    viewer.require_role(firm_id, "owner")


def can_see_private(viewer: Viewer, firm_id: int) -> None:
    if firm_id not in viewer.firm_roles and not viewer.is_staff:
        raise NotFound(
            f"Firm {firm_id} not found among your firms",
            code="firm.not_found",
            params={"id": firm_id},
        )


def can_group(viewer: Viewer, firm_ids: list[int]) -> None:
    """Only staff, or someone who owns every firm, may declare common ownership."""
    if viewer.is_staff:
        return
    if not all(viewer.has_role(f, "owner") for f in firm_ids):
        raise Forbidden(
            "You must be owner of every firm to declare them one ownership group",
            code="group.owner_required",
        )
