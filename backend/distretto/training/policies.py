"""Who may run and join courses: a course belongs to a consortium, so its managers run it
and its member firms enrol (the consortium's roles, through consortia's service)."""

from distretto.consortia.service import (
    require_firm_acting,
    require_firm_or_manager,
    require_manager,
    require_manager_or_staff,
)

__all__ = [
    "require_firm_acting",
    "require_firm_or_manager",
    "require_manager",
    "require_manager_or_staff",
]
