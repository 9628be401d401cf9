"""Who may flag what, and which sanctions fit which target."""

from distretto.auth.viewer import Viewer
from distretto.kit.errors import Invalid
from distretto.models.moderation import FlagResolution, FlagTarget


def reporting_firm(viewer: Viewer, requested: int | None) -> int | None:
    """The firm a flag is raised for: the one named (which must be the viewer's) or,
    when the viewer works for exactly one firm, that one."""
    if requested is not None:
        viewer.require_role(requested, "member")
        return requested
    firms = viewer.firm_ids
    return firms[0] if len(firms) == 1 else None


def may_flag(viewer: Viewer, author_firm_id: int | None) -> None:
    if author_firm_id is not None and author_firm_id in viewer.firm_roles:
        raise Invalid(
            "target_id", "is your own firm's content; you cannot flag it", code="flag.own_content"
        )


def check_sanction(target_type: str, action: str, note: str) -> None:
    if action == FlagResolution.HIDE and target_type == FlagTarget.FIRM:
        raise Invalid(
            "action",
            "a firm cannot be hidden; warn or suspend it instead",
            code="flag.firm_not_hideable",
        )
    if action in (FlagResolution.WARN, FlagResolution.SUSPEND) and not note:
        raise Invalid("note", "tell the firm why it is sanctioned", code="flag.note_required")


def check_sanctionable_author(action: str, author_firm_id: int | None) -> None:
    """Content the association wrote itself (no firm) can be hidden, not sanctioned."""
    if action in ("warn", "suspend") and author_firm_id is None:
        raise Invalid(
            "action",
            "the association wrote this itself: hide it or dismiss the flag",
            code="flag.association_content",
        )
