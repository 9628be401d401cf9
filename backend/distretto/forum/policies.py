"""Who may write in the forum.

- Everybody reads (signed in or not); hidden topics and posts exist for staff only.
- Users of a firm in good standing write topics and replies for that firm; association
  staff write for the association. A suspended firm cannot write.
- Announcements and consultations are opened by association staff only; everybody may
  reply to them.
- Only the author edits a topic or post (the earlier text is kept as history).
- A firm votes in a consultation through its owner or a manager, once, changeable until
  the consultation closes.
"""

from distretto.auth.viewer import Viewer
from distretto.kit.errors import Forbidden
from distretto.models.forum import ForumCategoryKind

STAFF_ONLY_KINDS = {ForumCategoryKind.ANNOUNCEMENTS, ForumCategoryKind.CONSULTATIONS}


def is_staff_only(category_kind: ForumCategoryKind) -> bool:
    return category_kind in STAFF_ONLY_KINDS


def writing_firm(viewer: Viewer, requested: int | None) -> int | None:
    """The firm a text is written for; None when staff write for the association."""
    if requested is not None:
        viewer.require_role(requested, "member")
        viewer.require_active_firm(requested)
        return requested
    in_good_standing = [f for f in viewer.firm_ids if f not in viewer.suspended_firms]
    if in_good_standing:
        return in_good_standing[0]
    if viewer.is_staff:
        return None
    if viewer.firm_ids:
        raise Forbidden(
            "The firm is suspended by the association and cannot write in the forum",
            code="forum.firm_suspended",
        )
    raise Forbidden("Join or register a firm to write in the forum", code="forum.no_firm")


def require_may_open(viewer: Viewer, category_kind: ForumCategoryKind) -> None:
    if is_staff_only(category_kind) and not viewer.is_staff:
        raise Forbidden(
            "Only association staff open topics in this category",
            code="forum.staff_only_category",
        )


def require_author(viewer: Viewer, author_user_id: int | None) -> None:
    if author_user_id != viewer.user_id:
        raise Forbidden("Only the author can edit this", code="forum.not_author")


def require_firm_voter(viewer: Viewer, firm_id: int) -> None:
    viewer.require_role(firm_id, "manager")
    viewer.require_active_firm(firm_id)
