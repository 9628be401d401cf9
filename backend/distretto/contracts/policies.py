"""Who may act on a contract, and on behalf of which of its two firms."""

from distretto.auth.viewer import Viewer
from distretto.kit.errors import Forbidden, Invalid
from distretto.models import Contract


def _party_firms(contract: Contract) -> dict[str, int]:
    return {"client": contract.client_firm_id, "supplier": contract.supplier_firm_id}


def acting_firm(
    viewer: Viewer,
    contract: Contract,
    sides: tuple[str, ...],
    minimum: str,
    requested: int | None = None,
) -> int:
    """The party firm on whose behalf the viewer acts, checked for role and sanctions.

    The viewer already sees the contract (a party member or staff): refusals are 403.
    ``requested`` settles it for someone who belongs to both firms.
    """
    parties = _party_firms(contract)
    allowed = [parties[side] for side in sides]
    who = " or ".join(f"the {side} firm" for side in sides)
    if requested is not None:
        if requested not in parties.values():
            raise Invalid(
                "firm_id",
                "is not one of the two firms of this contract",
                code="contract.not_a_party",
            )
        if requested not in allowed:
            raise Forbidden(f"Only {who} may do this", code="contract.wrong_side")
        candidates = [requested]
    else:
        candidates = [firm for firm in allowed if firm in viewer.firm_roles]
    mine = [firm for firm in candidates if firm in viewer.firm_roles]
    if not mine:
        raise Forbidden(f"Only {who} may do this", code="contract.wrong_side")
    able = [firm for firm in mine if viewer.has_role(firm, minimum)]
    if not able:
        raise Forbidden(
            f"This needs the {minimum} role in the firm",
            code="firm.role_required",
            params={"role": minimum},
        )
    if len(able) > 1:
        raise Invalid(
            "firm_id",
            "you belong to both firms: say on whose behalf you act",
            code="contract.both_sides",
        )
    viewer.require_active_firm(able[0])
    return able[0]
