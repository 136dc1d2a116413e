// The live store page: draws the snapshot, applies deltas from /ws/dashboard/ without reloading,
// and reconnects by itself (with backoff) after a network blip or a server restart; every
// (re)connect starts with a full snapshot, so the page catches up. Words come from the server
// (#labels, translated there), never from here.
(function () {
  "use strict";

  const labels = JSON.parse(document.getElementById("labels").textContent);
  const config = document.getElementById("live-config").dataset;
  const SEVERITY = { critical: 0, warning: 1, info: 2 };
  const state = { carts: new Map(), racks: new Map(), alerts: new Map(), rules: {} };
  // For the latency bench (bench/dashboard_latency.py): when set, each painted cart reading is
  // recorded as [reading ts in ms, Date.now() after the paint].
  window.dashboardPaints = window.dashboardPaints || null;

  function el(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function socClass(soc) {
    if (soc === null || soc === undefined) return "unknown";
    if (soc < state.rules.low_soc) return "low";
    if (soc < state.rules.min_soc) return "mid";
    return "good";
  }

  function ago(iso) {
    if (!iso) return labels.never;
    return new Date(iso).toLocaleTimeString(document.documentElement.lang || undefined);
  }

  function batteryBar(cart) {
    const bar = el("div", "battery " + socClass(cart.soc));
    const fill = el("div", "fill");
    fill.style.width = (cart.soc === null ? 0 : Math.max(0, Math.min(100, cart.soc))) + "%";
    bar.append(fill, el("span", "soc", cart.soc === null ? "–" : Math.round(cart.soc) + "%"));
    return bar;
  }

  function cartCard(cart) {
    const card = el("a", "cart");
    card.id = "cart-" + cart.id;
    card.href = config.cartUrl.replace("DEVICE", encodeURIComponent(cart.id));
    card.dataset.online = cart.online;
    card.dataset.health = cart.health;
    card.append(el("span", "cart-id", cart.id), batteryBar(cart));
    const facts = el("span", "facts");
    if (cart.charging) facts.append(el("span", "tag charging", "⚡ " + labels.charging));
    facts.append(el("span", "tag health " + cart.health, labels["health_" + cart.health] || cart.health));
    if (cart.faults && cart.faults.length) facts.append(el("span", "tag faults", cart.faults.join(", ")));
    facts.append(el("span", "tag", cart.in_session ? labels.in_session : labels.idle));
    if (!cart.online) facts.append(el("span", "tag offline", labels.offline));
    card.append(facts, el("span", "seen", labels.last_seen + " " + ago(cart.seen || cart.ts)));
    return card;
  }

  // Where each cart is ("rack/slot", or absent: on the floor): the cart's own reading says,
  // else the rack's. Rebuilt once per change, so drawing stays linear in carts and slots.
  let places = { ofCart: new Map(), inSlot: new Map() };
  function locate() {
    const ofCart = new Map();
    const inSlot = new Map();
    for (const cart of state.carts.values()) {
      if (cart.dock) ofCart.set(cart.id, cart.dock[0] + "/" + cart.dock[1]);
    }
    for (const rack of state.racks.values()) {
      for (const slot of rack.slots) {
        const cart = slot.cart && state.carts.get(slot.cart);
        if (cart && !cart.dock && !ofCart.has(cart.id)) ofCart.set(cart.id, rack.id + "/" + slot.n);
      }
    }
    for (const [id, place] of ofCart) inSlot.set(place, state.carts.get(id));
    places = { ofCart, inSlot };
  }
  function whereIs(cart) {
    return places.ofCart.get(cart.id) || null;
  }

  function drawRack(rack) {
    const box = el("article", "rack");
    box.id = "rack-" + rack.id;
    box.dataset.online = rack.online;
    const head = el("header", "rack-head", rack.id);
    head.append(el("span", "tag health " + rack.health, labels["health_" + rack.health] || rack.health));
    if (!rack.online) head.append(el("span", "tag offline", labels.offline));
    const slots = el("div", "slots");
    for (const slot of rack.slots) {
      const cell = el("div", "slot");
      cell.dataset.slot = rack.id + "/" + slot.n;
      cell.append(el("span", "slot-n", labels.slot + " " + slot.n));
      const inSlot = places.inSlot.get(rack.id + "/" + slot.n);
      if (inSlot) cell.append(cartCard(inSlot));
      else cell.append(el("span", "slot-empty", labels.empty));
      if (slot.current > 0) cell.classList.add("powered");
      slots.append(cell);
    }
    box.append(head, slots);
    const old = document.getElementById(box.id);
    if (old) old.replaceWith(box);
    else document.getElementById("racks").append(box);
  }

  function drawFloorCart(cart) {
    const old = document.querySelector("#floor #cart-" + CSS.escape(cart.id));
    const onFloor = whereIs(cart) === null;
    if (!onFloor) {
      if (old) old.remove();
      return;
    }
    const card = cartCard(cart);
    if (old) old.replaceWith(card);
    else document.getElementById("floor").append(card);
  }

  function drawTotals() {
    const t = { available: 0, in_use: 0, charging: 0, faulty: 0, offline: 0 };
    for (const c of state.carts.values()) {
      if (!c.online) t.offline++;
      if (c.in_session) t.in_use++;
      if (c.charging) t.charging++;
      if (c.health === "fault") t.faulty++;
      if (c.online && !c.in_session && c.health !== "fault" && c.soc !== null &&
          c.soc >= state.rules.min_soc && whereIs(c) !== null) t.available++;
    }
    for (const [key, n] of Object.entries(t)) document.getElementById("total-" + key).textContent = n;
    const floor = document.getElementById("floor");
    const empty = floor.querySelector(".none");
    if (!floor.querySelector(".cart") && !empty) floor.append(el("p", "none", labels.no_carts));
    if (floor.querySelector(".cart") && empty) empty.remove();
  }

  function drawAll() {
    locate();
    document.getElementById("racks").replaceChildren();
    document.getElementById("floor").replaceChildren();
    for (const rack of state.racks.values()) drawRack(rack);
    for (const cart of state.carts.values()) drawFloorCart(cart);
    drawTotals();
    drawAlerts();
  }

  function applySnapshot(snapshot) {
    state.rules = snapshot.rules;
    state.carts = new Map(snapshot.carts.map((c) => [c.id, c]));
    state.racks = new Map(snapshot.racks.map((r) => [r.id, r]));
    const before = state.alerts;
    state.alerts = new Map(snapshot.alerts.map((a) => [a.id, a]));
    drawAll();
    for (const alert of state.alerts.values()) if (!before.has(alert.id)) announce(alert);
  }

  function applyDelta(delta) {
    const racks = new Set();
    const carts = new Set();
    for (const change of delta.carts) {
      const known = state.carts.get(change.id) || { id: change.id, seen: null };
      const before = whereIs(known);
      if (before) racks.add(before.split("/")[0]);
      if (change.in_session === null) delete change.in_session;
      Object.assign(known, change, { seen: change.ts });
      state.carts.set(change.id, known);
      carts.add(change.id);
    }
    for (const change of delta.racks) {
      const rack = state.racks.get(change.id);
      if (!rack) continue;
      const reported = new Map(change.slots.map((s) => [s.n, s]));
      for (const slot of rack.slots) {
        const now = reported.get(slot.n);
        slot.cart = now ? now.cart : null;
        slot.current = now ? now.current : 0;
      }
      Object.assign(rack, { online: true, health: change.health, faults: change.faults });
      racks.add(rack.id);
    }
    for (const status of delta.statuses) {
      const known = (status.kind === "cart" ? state.carts : state.racks).get(status.id);
      if (!known) continue;
      known.online = status.online;
      if (status.seen) known.seen = status.seen;
      if (status.kind === "rack") racks.add(status.id);
      else carts.add(status.id);
    }
    locate();
    for (const id of carts) {
      const place = whereIs(state.carts.get(id));
      if (place) racks.add(place.split("/")[0]);
    }
    for (const id of racks) if (state.racks.has(id)) drawRack(state.racks.get(id));
    for (const id of carts) drawFloorCart(state.carts.get(id));
    drawTotals();
    if (window.dashboardPaints) {
      const stamps = delta.carts.map((c) => Date.parse(c.ts));
      requestAnimationFrame(() => {
        const painted = Date.now();
        for (const ts of stamps) window.dashboardPaints.push([ts, painted]);
      });
    }
  }

  // Alerts: help requests not yet acknowledged on top, then severity, then newest.
  function alertOrder(a, b) {
    const helpA = a.is_help && a.state === "open" ? 0 : 1;
    const helpB = b.is_help && b.state === "open" ? 0 : 1;
    return helpA - helpB || (SEVERITY[a.severity] ?? 9) - (SEVERITY[b.severity] ?? 9) ||
      (b.raised_at || "").localeCompare(a.raised_at || "");
  }

  function alertItem(alert) {
    const item = el("li", "alert " + alert.severity + (alert.is_help ? " help" : ""));
    item.id = "alert-" + alert.id;
    item.dataset.state = alert.state;
    const text = el("div", "alert-text");
    text.append(el("strong", "alert-title", alert.title));
    if (alert.device_id && !alert.title.includes(alert.device_id)) {
      text.append(el("span", "alert-device", " · " + alert.device_id));
    }
    if (alert.detail) text.append(el("p", "alert-detail", alert.detail));
    const meta = el("p", "alert-meta", ago(alert.raised_at));
    if (alert.occurrences > 1) meta.append(" · " + alert.occurrences + " " + labels.times);
    if (alert.flapping) meta.append(" · " + labels.flapping);
    if (alert.acknowledged_by) {
      meta.append(el("span", "acknowledged-by", " · " + labels.acknowledged_by + " " + alert.acknowledged_by));
    }
    text.append(meta);
    const actions = el("div", "alert-actions");
    if (alert.state === "open") actions.append(actionButton(alert, "acknowledge"));
    actions.append(actionButton(alert, "resolve"));
    item.append(text, actions);
    return item;
  }

  function actionButton(alert, action) {
    const button = el("button", "action " + action, labels[action]);
    button.type = "button";
    button.addEventListener("click", () => act(alert.id, action, button));
    return button;
  }

  async function act(id, action, button) {
    button.disabled = true;
    const url = config.alertUrl.replace("12345", id).replace("ACTION", action);
    try {
      const response = await fetch(url, {
        method: "POST", credentials: "same-origin",
        headers: { "X-CSRFToken": config.csrf, Accept: "application/json" },
      });
      if (!response.ok) throw new Error(await response.text());
      showAlert(await response.json());
    } catch (error) {
      button.disabled = false;
      window.alert(labels.action_failed + error.message);
    }
  }

  function drawAlerts() {
    const list = document.getElementById("alerts");
    const items = [...state.alerts.values()].sort(alertOrder).map(alertItem);
    list.replaceChildren(...(items.length ? items : [el("li", "none", labels.no_alerts)]));
    helpSound();
  }

  function showAlert(alert) {
    const fresh = !state.alerts.has(alert.id);
    if (alert.state === "resolved") state.alerts.delete(alert.id);
    else state.alerts.set(alert.id, alert);
    drawAlerts();
    if (fresh && alert.state !== "resolved") announce(alert);
  }

  // A help request rings until someone acknowledges it (browsers may hold the sound back
  // until the page has had a tap: the ring then starts at the first one).
  let ringing = null;
  function announce(alert) {
    if (alert.is_help && alert.state === "open") helpSound();
  }
  function helpSound() {
    const waiting = [...state.alerts.values()].some((a) => a.is_help && a.state === "open");
    document.body.classList.toggle("help-waiting", waiting);
    if (waiting && !ringing) {
      const ring = () => document.getElementById("help-sound").play().catch(() => {});
      ring();
      ringing = setInterval(ring, 4000);
    } else if (!waiting && ringing) {
      clearInterval(ringing);
      ringing = null;
    }
  }

  // The connection: one socket, re-opened with backoff (1 s doubling to 15 s) when it drops.
  let delay = 1000;
  function setConnection(kind) {
    const badge = document.getElementById("connection");
    badge.dataset.state = kind;
    badge.textContent = kind === "live" ? labels.live : labels.reconnecting;
  }

  function connect() {
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    const socket = new WebSocket(scheme + location.host + config.wsPath);
    socket.onmessage = (event) => {
      const message = JSON.parse(event.data);
      if (message.type === "snapshot") {
        delay = 1000;
        applySnapshot(message);
        setConnection("live");
      } else if (message.type === "delta") applyDelta(message);
      else if (message.type === "alert") showAlert(message.alert);
    };
    socket.onclose = (event) => {
      setConnection("reconnecting");
      if (event.code === 4403) { location.reload(); return; } // signed out: the page asks to sign in
      setTimeout(connect, delay + Math.random() * 250);
      delay = Math.min(delay * 2, 15000);
    };
    window.dashboardSocket = socket;
  }

  applySnapshot(JSON.parse(document.getElementById("snapshot").textContent));
  connect();
})();
