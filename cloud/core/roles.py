"""Who holds the cloud's one scope, ops.

See docs/operations.md, "Sign-in, tokens and production mode".

ops: `is_staff` users, members of the "ops" group, and superusers. No client-credentials
application holds it: there is no service scope on the cloud (an automation uses a token
issued to a named ops user, so every change is traceable to a person).
"""

from __future__ import annotations

from tierkit.oauthroles import RoleMap


def held_scopes(user, wanted: set[str]) -> set[str]:
    if not wanted:
        return set()
    if user.is_superuser or user.is_staff or user.groups.filter(name="ops").exists():
        return wanted & {"ops"}
    return set()


ROLES = RoleMap(scopes=("ops",), held=held_scopes, service_scopes=())
