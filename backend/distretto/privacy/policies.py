"""Who may take a firm's data away, and when a person may leave."""

from distretto.auth.viewer import Viewer
from distretto.kit.errors import Conflict


def can_export(viewer: Viewer, firm_id: int) -> None:
    # The export holds contracts, prices and people's addresses: owners only.
    viewer.require_role(firm_id, "owner")


def can_leave(sole_owner_of: list[str], sole_manager_of: list[str]) -> None:
    if sole_owner_of:
        raise Conflict(
            "You are the last owner of "
            + ", ".join(sole_owner_of)
            + ", which other people still work for: make one of them owner first",
            code="account.last_owner",
            params={"firms": ", ".join(sole_owner_of)},
        )
    if sole_manager_of:
        raise Conflict(
            "You are the only manager of "
            + ", ".join(sole_manager_of)
            + ": appoint another manager first",
            code="account.last_manager",
            params={"consortia": ", ".join(sole_manager_of)},
        )
