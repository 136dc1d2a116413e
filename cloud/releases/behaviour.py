"""Judged on what the carts do afterwards: updated carts against the control group.

Each store reports, per campaign, two groups over the campaign's observation span: `updated`
(its devices that succeeded, counted from their finish) and `control` (its devices of that
hardware still on the old version), each with use-hours, faults, sessions and help requests.
The cloud sums them over the campaign's stores and compares two rates:

- faults per use-hour, and
- help requests per shopper session.

A rate is judged only when both groups have the minimum sample (settings.OTA_MIN_USE_HOURS,
OTA_MIN_SESSIONS): before that the verdict is `insufficient_sample`. A control group with no
events counts as one event, so a clean control group does not make any single fault of the
updated carts an infinite regression. A regression is how much higher the updated rate is, in
percent of the control rate.
"""

from __future__ import annotations

from django.conf import settings

FIGURES = ("carts", "use_hours", "faults", "sessions", "help_requests")


def summed(reports: list[dict]) -> dict:
    """The stores' behaviour reports added up: {"updated": {...}, "control": {...}}."""
    total = {group: dict.fromkeys(FIGURES, 0) for group in ("updated", "control")}
    for report in reports:
        for group in total:
            for name in FIGURES:
                total[group][name] += (report.get(group) or {}).get(name, 0)
    return total


def rate(events: float, exposure: float) -> float | None:
    return None if exposure <= 0 else events / exposure


def regression(
    updated: float, control: float, updated_exposure: float, control_exposure: float
) -> float:
    """How much worse (percent) the updated rate is than the control rate (whose events are
    floored at one), negative when better."""
    updated_rate = updated / updated_exposure
    control_rate = max(control, 1) / control_exposure
    return round((updated_rate / control_rate - 1) * 100, 1)


def judge(
    reports: list[dict], *, max_regression_percent: float, accepted_percent: float = 0
) -> dict:
    """The figures the console shows, and the verdict: ok, regression, insufficient_sample.

    A regression trips only beyond both the campaign's threshold and what ops accepted when
    they resumed a campaign this check had paused (`accepted_percent`).
    """
    total = summed(reports)
    updated, control = total["updated"], total["control"]
    for group in (updated, control):
        group["faults_per_use_hour"] = rate(group["faults"], group["use_hours"])
        group["help_per_session"] = rate(group["help_requests"], group["sessions"])
    hours_ok = min(updated["use_hours"], control["use_hours"]) >= settings.OTA_MIN_USE_HOURS
    sessions_ok = min(updated["sessions"], control["sessions"]) >= settings.OTA_MIN_SESSIONS
    figures = {
        **total,
        "min_use_hours": settings.OTA_MIN_USE_HOURS,
        "min_sessions": settings.OTA_MIN_SESSIONS,
        "max_regression_percent": max_regression_percent,
        "faults_regression_percent": None,
        "help_regression_percent": None,
        "tripped": [],
    }
    if hours_ok and updated["use_hours"] > 0 and control["use_hours"] > 0:
        figures["faults_regression_percent"] = regression(
            updated["faults"], control["faults"], updated["use_hours"], control["use_hours"]
        )
    if sessions_ok and updated["sessions"] > 0 and control["sessions"] > 0:
        figures["help_regression_percent"] = regression(
            updated["help_requests"],
            control["help_requests"],
            updated["sessions"],
            control["sessions"],
        )
    bar = max(max_regression_percent, accepted_percent)
    for name in ("faults_regression_percent", "help_regression_percent"):
        if figures[name] is not None and figures[name] > bar:
            figures["tripped"].append(name)
    judged = figures["faults_regression_percent"] is not None or (
        figures["help_regression_percent"] is not None
    )
    figures["verdict"] = (
        "regression" if figures["tripped"] else "ok" if judged else "insufficient_sample"
    )
    return figures


def worst(figures: dict) -> float:
    """The largest regression among the judged rates (0 when none is judged)."""
    values = [
        figures.get(name)
        for name in ("faults_regression_percent", "help_regression_percent")
        if figures.get(name) is not None
    ]
    return max(values, default=0)


def sentence(figures: dict) -> str:
    """Why a behaviour pause happened, in one line for the console."""
    parts = []
    updated, control = figures["updated"], figures["control"]
    if "faults_regression_percent" in figures["tripped"]:
        parts.append(
            f"faults per use-hour {updated['faults_per_use_hour']:.3f} on updated carts vs "
            f"{control['faults_per_use_hour']:.3f} on the control group "
            f"(+{figures['faults_regression_percent']} %)"
        )
    if "help_regression_percent" in figures["tripped"]:
        parts.append(
            f"help requests per session {updated['help_per_session']:.3f} vs "
            f"{control['help_per_session']:.3f} (+{figures['help_regression_percent']} %)"
        )
    return f"behaviour regression beyond {figures['max_regression_percent']:g} %: " + "; ".join(
        parts
    )
