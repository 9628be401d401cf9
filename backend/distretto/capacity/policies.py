"""Who may do what with capacity calendars (reading is open to every signed-in user)."""

from distretto.auth.viewer import Viewer


def require_calendar_keeper(viewer: Viewer, firm_id: int) -> None:
    """Declaring capacity: an owner or manager of the firm (404 outside it, 403 member)."""
    viewer.require_role(firm_id, "manager")


def require_firm_member(viewer: Viewer, firm_id: int) -> None:
    """Filtering the board by a firm's capacity: any member of that firm."""
    viewer.require_role(firm_id, "member")
