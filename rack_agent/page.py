"""What the rack page shows: the slot table (battery, health, firmware, the cart's update job)
and the force-update forms. Pure rendering: http_ui.py decides who may see and post what.

Every value from the hardware or the store goes through html.escape; the forms post to the
relative `update` so the page works at / and behind the store's remote proxy alike.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import datetime

from smartcart.release import Refused, compare_versions

from .hal.base import SlotState
from .onprem import Answer, results

VERSION = re.compile(r"\d{1,6}\.\d{1,6}\.\d{1,6}")
DEVICE_ID = re.compile(r"[A-Za-z0-9_.-]{1,64}")  # as smartcart.protocol.topics.check_id allows

PAGE = """<!doctype html><html><head><meta charset="utf-8">
<title>Rack {rack}</title><style>body{{font-family:sans-serif;margin:2em}}td,th{{padding:.3em .8em;
text-align:left;border-bottom:1px solid #ddd}}.fault{{color:#b00}}.degraded{{color:#a60}}
.notice{{padding:.6em 1em;margin:1em 0;border-radius:4px}}.notice.ok{{background:#e6f4e6}}
.refused{{background:#fbe3e3;color:#800;padding:.6em 1em}}form{{margin:0}}input[name=pin]{{width:6em}}
.off{{color:#777}}</style><script src="page.js" defer></script></head>
<body><h1>Rack {rack}</h1><p id="summary">{summary}</p>{notice}
<table id="slots" data-docked="{docked}"><tr><th>Slot</th><th>Cart</th><th>Firmware</th>
<th>Battery</th><th>Health</th><th>Charging</th><th>Slot power</th><th>Update</th>{form_head}</tr>
{rows}</table>{rack_form}</body></html>"""

# Refreshes the table from slots.json; reloads the page when the docked carts change, unless
# the technician is typing a PIN or reading an answer (a reload would lose either).
SCRIPT = """(function () {
  var table = document.getElementById("slots");
  function put(row, name, text) {
    var cell = row.querySelector("." + name);
    if (cell && cell.textContent !== text) cell.textContent = text;
  }
  function busy() {
    var pins = document.querySelectorAll("input[name=pin]");
    for (var i = 0; i < pins.length; i++) if (pins[i].value) return true;
    return !!document.querySelector(".notice");
  }
  function tick() {
    fetch("slots.json", {cache: "no-store", credentials: "same-origin"}).then(function (r) {
      return r.ok ? r.json() : null;
    }).then(function (data) {
      if (!data) return;
      if (data.docked !== table.dataset.docked && !busy()) { location.replace("./"); return; }
      document.getElementById("summary").textContent = data.summary;
      data.slots.forEach(function (s) {
        var row = document.getElementById("slot-" + s.slot);
        if (!row || row.dataset.cart !== (s.cart || "")) return;
        put(row, "firmware", s.firmware || "");
        put(row, "soc", s.battery_soc === null ? "" : Math.round(s.battery_soc) + "%");
        put(row, "health", s.health || "");
        row.querySelector(".health").className = "health " + (s.health || "");
        put(row, "amps", s.cart ? s.charging_current.toFixed(1) + " A" : "");
        put(row, "power", s.powered ? "on" : "off");
        put(row, "job", s.job || "");
      });
    }).catch(function () {});
  }
  setInterval(tick, 3000);
})();
"""


@dataclass
class Notice:
    text: str
    ok: bool


@dataclass
class View:
    rack: str
    slots: list[SlotState]
    read_at: datetime | None
    token: str = ""  # set only when the force-update form is on
    releases: Answer | None = None
    jobs: dict[str, dict] = field(default_factory=dict)  # cart -> its newest job
    notice: Notice | None = None

    @property
    def form_on(self) -> bool:
        return bool(self.token)


def e(value: object) -> str:
    return html.escape(str(value), quote=True)


def latest_jobs(answer: Answer) -> dict[str, dict]:
    """The newest job per cart from the store's job list (newest first, or by id)."""
    newest: dict[str, dict] = {}
    for job in results(answer.data) if answer.ok else []:
        cart = job.get("device_id") or job.get("device")
        if isinstance(cart, str) and cart not in newest:
            newest[cart] = job
    return newest


def job_version(job: dict) -> str:
    release = job.get("release")
    found = job.get("version") or job.get("to_version")
    if not found and isinstance(release, dict):
        found = release.get("version")
    return str(found or "")


def job_text(job: dict | None) -> str:
    """One line per job: "1.1.0 downloading 40%", "1.1.0 waiting: not_charging", …"""
    if not job:
        return ""
    text = f"{job_version(job)} {job.get('state', '?')}".strip()
    if job.get("state") == "downloading" and job.get("percent") is not None:
        text += f" {job['percent']}%"
    if job.get("state") == "waiting" and job.get("waiting_reason"):
        text += f": {job['waiting_reason']}"
    if job.get("reason") and job.get("state") in ("failed", "rolled_back"):
        text += f": {job['reason']}"
    return text


def summary(view: View) -> str:
    docked = sum(1 for s in view.slots if s.cart)
    if not view.read_at:
        return "no reading yet"
    return f"{docked} of {len(view.slots)} slots hold a cart; last read {view.read_at:%H:%M:%S} UTC"


def docked_key(view: View) -> str:
    return ",".join(f"{s.slot}:{s.cart}" for s in view.slots if s.cart)


def releases(view: View) -> list[tuple[str, str]]:
    """(version, label) of each release the store lists, newest first."""
    found = []
    for release in results(view.releases.data) if view.releases else []:
        version = release.get("version", "")
        if isinstance(version, str) and VERSION.fullmatch(version):
            label = (
                f"{version} ({release.get('channel', '?')}, {release.get('artifact_state', '?')})"
            )
            found.append((version, label))
    return found


def newer(version: str, than: str | None) -> bool:
    try:
        return than is None or compare_versions(version, than) > 0
    except (Refused, ValueError):  # a firmware this page cannot read: offer everything
        return True


def options(known: list[tuple[str, str]], *, newer_than: str | None = None) -> str:
    """The select's options: every release, or only those newer than a cart's firmware (the
    store refuses the others, so the page does not offer them)."""
    return "".join(
        f'<option value="{e(version)}">{e(label)}</option>'
        for version, label in known
        if newer(version, newer_than)
    )


def update_form(view: View, *, cart: str | None, options: str) -> str:
    target = (
        f'<input type="hidden" name="cart" value="{e(cart)}">'
        if cart
        else ('<input type="hidden" name="scope" value="rack">')
    )
    form_id = f"update-{cart}" if cart else "update-rack"
    label = "Update this cart" if cart else "Update every cart in this rack"
    return (
        f'<form id="{e(form_id)}" method="post" action="update">'
        f'<input type="hidden" name="csrf" value="{e(view.token)}">{target}'
        f'<select name="version" aria-label="release">{options}</select> '
        '<label><input type="checkbox" name="override_window"> override window</label> '
        '<input type="password" name="pin" inputmode="numeric" autocomplete="off" '
        'placeholder="PIN" aria-label="technician PIN" required> '
        f'<button type="submit">{label}</button></form>'
    )


def slot_row(view: View, slot: SlotState, known: list[tuple[str, str]]) -> str:
    cart = slot.cart
    cells = [
        ("slot", str(slot.slot)),
        ("cart", e(cart or "empty")),
        ("firmware", e(slot.cart_firmware or "")),
        ("soc", f"{slot.cart_soc:.0f}%" if slot.cart_soc is not None else ""),
        ("health", e(slot.cart_health or "")),
        ("amps", f"{slot.charging_current:.1f} A" if cart else ""),
        ("power", "on" if slot.powered else "off"),
        ("job", e(job_text(view.jobs.get(cart or "")))),
    ]
    tds = "".join(f'<td class="{name}">{text}</td>' for name, text in cells)
    if slot.cart_health:  # coloured by state: the class is the state (ok, degraded, fault)
        tds = tds.replace('<td class="health">', f'<td class="health {e(slot.cart_health)}">')
    if view.form_on:
        tds += f'<td class="force">{cart_form(view, slot, known)}</td>'
    return f'<tr id="slot-{slot.slot}" data-cart="{e(cart or "")}">{tds}</tr>'


def cart_form(view: View, slot: SlotState, known: list[tuple[str, str]]) -> str:
    if not slot.cart or not known:
        return ""
    offered = options(known, newer_than=slot.cart_firmware)
    if not offered:
        return '<span class="off">runs the newest release</span>'
    return update_form(view, cart=slot.cart, options=offered)


def notice_html(view: View) -> str:
    if view.notice is None:
        return ""
    kind = "ok" if view.notice.ok else "refused"
    return f'<p class="notice {kind}" role="status">{e(view.notice.text)}</p>'


def rack_form(view: View, known: list[tuple[str, str]]) -> str:
    if not view.form_on:
        return (
            '<p class="off">Force update is off on this rack: its config needs onprem_url and '
            "technician_pin_hash.</p>"
        )
    if view.releases is not None and not view.releases.ok:
        return f'<p class="refused">Releases cannot be listed: {e(view.releases.error)}</p>'
    if not known:
        return '<p class="off">The store knows no release for carts yet.</p>'
    return f"<h2>Every cart in this rack</h2>{update_form(view, cart=None, options=options(known))}"


def render(view: View) -> str:
    known = releases(view) if view.form_on else []
    return PAGE.format(
        rack=e(view.rack),
        summary=e(summary(view)),
        notice=notice_html(view),
        docked=e(docked_key(view)),
        form_head="<th>Force update</th>" if view.form_on else "",
        rows="".join(slot_row(view, s, known) for s in view.slots),
        rack_form=rack_form(view, known),
    )


def slots_json(view: View) -> dict:
    return {
        "rack": view.rack,
        "read_at": view.read_at.isoformat() if view.read_at else None,
        "summary": summary(view),
        "docked": docked_key(view),
        "slots": [
            {
                "slot": s.slot,
                "cart": s.cart,
                "firmware": s.cart_firmware,
                "battery_soc": s.cart_soc,
                "health": s.cart_health,
                "charging_current": s.charging_current,
                "powered": s.powered,
                "job": job_text(view.jobs.get(s.cart or "")) if s.cart else "",
            }
            for s in view.slots
        ],
    }


def job_notice(cart: str, version: str, job: object) -> str:
    job = job if isinstance(job, dict) else {}
    state = job.get("state", "requested")
    why = f" ({job['waiting_reason']})" if job.get("waiting_reason") else ""
    return f"Update of {cart} to {version} requested: job {job.get('id', '?')}, {state}{why}."


def rack_notice(version: str, answer: object) -> str:
    answer = answer if isinstance(answer, dict) else {}
    jobs = [j for j in answer.get("jobs", []) if isinstance(j, dict)]
    skipped = [s for s in answer.get("skipped", []) if isinstance(s, dict)]
    carts = ", ".join(
        f"{j.get('device_id') or j.get('device')} (job {j.get('id', '?')})" for j in jobs
    )
    text = f"Update to {version} requested for {len(jobs)} cart(s)" + (
        f": {carts}." if carts else "."
    )
    if skipped:
        text += (
            " Skipped: " + "; ".join(f"{s.get('cart')}: {s.get('reason')}" for s in skipped) + "."
        )
    return text
