"""What the release and campaign verbs refuse, each with a sentence for the person who asked."""

from __future__ import annotations


class CampaignError(ValueError):
    """A campaign that cannot be started as asked (400); the text says why."""


class CampaignConflict(CampaignError):
    """An action the campaign's state does not allow, or a store already in another campaign
    of the same hardware (409)."""


class ReportError(ValueError):
    """An `ota_report` frame whose body is not the report's shape; the text names the field."""
