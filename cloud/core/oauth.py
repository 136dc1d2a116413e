"""The tier's django-oauth-toolkit validator (OAUTH2_PROVIDER["OAUTH2_VALIDATOR_CLASS"])."""

from __future__ import annotations

from tierkit.oauthroles import RoleValidator as BaseRoleValidator

from .roles import ROLES


class RoleValidator(BaseRoleValidator):
    roles = ROLES
