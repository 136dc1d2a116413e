"""Who holds which scope in a store.

See docs/operations.md, "Sign-in, tokens and production mode".

- shopper: any active user (the shopper app signs shoppers in with their own account)
- staff: `is_staff` users and members of the "staff" group
- ops, device, integration: members of the group of that name (ops people; service accounts
  for racks/carts and for store systems such as the ERP or payment terminals)
- superusers hold every scope

A client-credentials application acts as its owner (Application.user, a service account) and
may hold only the service scopes, device and integration: never staff, ops or shopper.
"""

from __future__ import annotations

from tierkit.oauthroles import RoleMap

SCOPES = ("staff", "shopper", "ops", "device", "integration")
SERVICE_SCOPES = ("device", "integration")


def held_scopes(user, wanted: set[str]) -> set[str]:
    if user.is_superuser:
        return wanted
    held = {"shopper", "staff"} if user.is_staff else {"shopper"}
    by_group = wanted - held
    if by_group:  # the one query, only when a scope can come from nowhere but a group
        held |= set(user.groups.filter(name__in=by_group).values_list("name", flat=True))
    return wanted & held


ROLES = RoleMap(scopes=SCOPES, held=held_scopes, service_scopes=SERVICE_SCOPES)
