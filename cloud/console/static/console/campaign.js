// The campaign page: draws phases, stores, behaviour and the cart table from the campaign's
// JSON, and polls it every 2 s (no reload). Text goes in through textContent only.
(function () {
  "use strict";
  const script = document.getElementById("campaign-script");
  const url = script.dataset.progressUrl;
  const labels = JSON.parse(document.getElementById("labels").textContent);
  const live = document.getElementById("live");
  const POLL_MS = 2000;

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value !== null && value !== undefined) node.setAttribute(key, value);
    }
    for (const child of children) {
      node.append(child instanceof Node ? child : document.createTextNode(child ?? ""));
    }
    return node;
  }

  // A bar of `needed`: green for what succeeded, red for what failed (when known), else
  // green for everything finished.
  function bar(label, done, needed, percent, extra, failed) {
    const width = percent === null || percent === undefined ? 0 : percent;
    const count = needed === null || needed === undefined
      ? labels.not_reported : `${done} / ${needed}`;
    const badWidth = failed && needed ? Math.min(width, Math.round(failed * 100 / needed)) : 0;
    const row = el("div", {class: "bar-row", "data-name": label},
      el("span", {class: "bar-label"}, label),
      el("div", {class: "bar", role: "progressbar", "aria-valuemin": "0", "aria-valuemax": "100",
                 "aria-valuenow": String(width), "aria-label": label},
        el("div", {class: "fill", style: `width: ${width - badWidth}%`}),
        el("div", {class: "fill failed", style: `width: ${badWidth}%`})),
      el("span", {class: "bar-count"}, count));
    if (extra) row.append(el("span", {class: "bar-extra"}, extra));
    return row;
  }

  function drawPhases(data) {
    const box = document.getElementById("phases");
    box.replaceChildren(...data.progress.phases_progress.map((p) => {
      const target = "carts" in p.target
        ? `${p.target.carts} ${p.target.carts === 1 ? labels.cart : labels.carts}`
        : `${p.target.percent} %`;
      const row = bar(`${labels.phase} ${p.phase}: ${target}`, p.finished, p.needed, p.percent);
      if (p.current) row.classList.add("current");
      return row;
    }));
  }

  function drawStores(data) {
    const box = document.getElementById("stores");
    box.replaceChildren(...data.progress.stores_progress.map((s) => {
      const extra = `${s.succeeded} ${labels.succeeded} · ${s.failed} ${labels.failed} · ` +
        `${s.in_progress} ${labels.in_progress}` + (s.online ? "" : ` · ${labels.offline}`);
      const row = bar(s.store, s.finished, s.needed, s.percent, extra, s.failed);
      row.dataset.store = s.store;
      return row;
    }));
  }

  function figure(value, digits) {
    return value === null || value === undefined ? "—" : Number(value).toFixed(digits);
  }

  function drawBehaviour(data) {
    const b = data.behaviour || {};
    const body = document.querySelector("#behaviour tbody");
    const verdict = document.getElementById("behaviour-verdict");
    if (!b.updated) {
      body.replaceChildren();
      verdict.textContent = labels.no_behaviour;
      return;
    }
    const rows = [
      [labels.carts_label, "carts", 0, null],
      [labels.use_hours, "use_hours", 1, null],
      [labels.faults, "faults", 0, null],
      [labels.faults_per_hour, "faults_per_use_hour", 3, "faults_regression_percent"],
      [labels.sessions, "sessions", 0, null],
      [labels.help_requests, "help_requests", 0, null],
      [labels.help_per_session, "help_per_session", 3, "help_regression_percent"],
    ];
    body.replaceChildren(...rows.map(([label, key, digits, regression]) => {
      const change = regression ? b[regression] : null;
      const cell = el("td", {}, change === null || change === undefined ? "" : `${change > 0 ? "+" : ""}${change} %`);
      if (regression && (b.tripped || []).includes(regression)) cell.classList.add("tripped");
      return el("tr", {"data-figure": key}, el("th", {}, label),
        el("td", {}, figure(b.updated[key], digits)), el("td", {}, figure(b.control[key], digits)), cell);
    }));
    verdict.textContent = `${labels.verdict}: ${labels["verdict_" + b.verdict] || b.verdict}`;
    verdict.dataset.verdict = b.verdict;
  }

  function drawDevices(data) {
    const body = document.querySelector("#devices tbody");
    const rows = data.progress.devices.map((d) => {
      const download = d.state === "downloading" && d.percent !== null
        ? el("div", {class: "bar small", role: "progressbar", "aria-valuenow": String(d.percent)},
            el("div", {class: "fill", style: `width: ${d.percent}%`}), el("span", {}, `${d.percent} %`))
        : (d.percent !== null && d.percent !== undefined ? `${d.percent} %` : "");
      return el("tr", {"data-device": d.device, "data-state": d.state},
        el("td", {}, d.store), el("td", {}, d.device), el("td", {}, d.phase ?? ""),
        el("td", {}, el("span", {class: "state", "data-state": d.state}, labels["state_" + d.state] || d.state)),
        el("td", {class: "download"}, download), el("td", {class: "waiting"}, d.waiting_reason),
        el("td", {}, [d.reason, d.detail].filter(Boolean).join(": ")), el("td", {}, d.from_version),
        el("td", {}, d.to_version), el("td", {}, (d.updated_at || "").replace("T", " ").slice(0, 19)));
    });
    if (!rows.length) rows.push(el("tr", {}, el("td", {colspan: "10", class: "empty"}, labels.no_devices)));
    body.replaceChildren(...rows);
  }

  function drawActions(data) {
    const body = document.querySelector("#actions tbody");
    body.replaceChildren(...data.actions.map((a) => el("tr", {"data-action": a.action},
      el("td", {}, (a.at || "").replace("T", " ").slice(0, 19)),
      el("td", {}, labels["action_" + a.action] || a.action), el("td", {}, a.by),
      el("td", {}, String(a.revision)), el("td", {}, (a.detail || {}).state || ""))));
  }

  function drawHead(data, allowed) {
    const state = document.getElementById("campaign-state");
    state.textContent = labels["campaign_" + data.state] || data.state;
    state.dataset.state = data.state;
    document.getElementById("campaign-phase").textContent = data.phase;
    document.getElementById("campaign-revision").textContent = data.revision;
    const reason = document.getElementById("paused-reason");
    reason.hidden = !data.paused_reason;
    reason.querySelector("span").textContent = data.paused_reason;
    for (const form of document.querySelectorAll("form[data-action]")) {
      form.hidden = !allowed.includes(form.dataset.action);
    }
  }

  function draw(data) {
    drawHead(data, data.allowed || []);
    drawPhases(data);
    drawStores(data);
    drawBehaviour(data);
    drawDevices(data);
    drawActions(data);
  }

  async function poll() {
    try {
      const response = await fetch(url, {headers: {Accept: "application/json"}, credentials: "same-origin"});
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      draw(await response.json());
      live.dataset.state = "live";
      live.title = new Date().toLocaleTimeString();
    } catch (error) {
      live.dataset.state = "stale";
      live.title = String(error);
    } finally {
      window.setTimeout(poll, POLL_MS);
    }
  }

  draw(JSON.parse(document.getElementById("campaign-data").textContent));
  window.setTimeout(poll, POLL_MS);
})();
