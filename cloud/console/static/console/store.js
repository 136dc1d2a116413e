/* A store's page: the heartbeat history charts (Chart.js, vendored) and the remote actions'
   answers, polled while one waits. The words come translated from the page (#chart-labels). */
(function () {
  "use strict";
  const data = document.getElementById("history-data");
  const words = document.getElementById("chart-labels");
  window.consoleCharts = {};

  function minuteLabel(iso) {
    const at = new Date(iso);
    return at.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  }

  function failing(point) {
    if (!point.components) return null;
    return Object.values(point.components).filter((ok) => !ok).length;
  }

  function line(label, values, color, extra) {
    return Object.assign({ label, data: values, borderColor: color, backgroundColor: color,
                           pointRadius: 0, borderWidth: 2, spanGaps: false }, extra || {});
  }

  function drawCharts() {
    if (!data || !window.Chart) return;
    const points = JSON.parse(data.textContent);
    const w = JSON.parse(words.textContent);
    const labels = points.map((p) => minuteLabel(p.at));
    const value = (key) => points.map((p) => (p.online ? p[key] : null));
    const options = { animation: false, responsive: true, interaction: { mode: "index", intersect: false },
                      scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } };
    // Online is a band on its own hidden 0-1 axis; failing components are bars on the counted
    // axis, so a failing component is never hidden behind the online line.
    window.consoleCharts.health = new Chart(document.getElementById("health-chart"), {
      type: "bar",
      data: { labels, datasets: [
        { type: "bar", label: w.failing, data: points.map((p) => (p.online ? failing(p) : null)),
          backgroundColor: "#c8372f", barPercentage: 1, categoryPercentage: 1, yAxisID: "y" },
        line(w.online, points.map((p) => (p.online ? 1 : 0)), "#2e9d5b", { type: "line", stepped: true,
             fill: true, backgroundColor: "rgba(46,157,91,.15)", yAxisID: "band" }),
      ] },
      options: Object.assign({}, options, { scales: {
        y: { beginAtZero: true, suggestedMax: 2, ticks: { precision: 0 } },
        band: { display: false, min: 0, max: 1.05 },
      } }),
    });
    window.consoleCharts.fleet = new Chart(document.getElementById("fleet-chart"), {
      type: "line",
      data: { labels, datasets: [
        line(w.carts_total, value("carts_total"), "#5d6876"),
        line(w.carts_online, value("carts_online"), "#2e9d5b"),
        line(w.carts_offline, value("carts_offline"), "#d99a1e"),
        line(w.carts_fault, value("carts_fault"), "#c8372f"),
        line(w.carts_low_battery, value("carts_low_battery"), "#23408e"),
      ] },
      options,
    });
  }

  const table = document.querySelector("table.commands");
  const OPEN = ["pending", "sent"];

  function waiting() {
    return [...table.querySelectorAll("tr[data-state]")].some((row) => OPEN.includes(row.dataset.state));
  }

  async function pollCommands() {
    if (!table || !waiting()) return;
    try {
      const answer = await fetch(table.dataset.poll, { headers: { Accept: "application/json" } });
      if (answer.ok) update((await answer.json()).commands);
    } catch (error) { /* the next poll tries again */ }
    setTimeout(pollCommands, 2000);
  }

  function update(commands) {
    for (const command of commands) {
      const row = table.querySelector(`tr[data-command="${CSS.escape(command.id)}"]`);
      if (!row || row.dataset.state === command.state) continue;
      row.dataset.state = command.state;
      row.querySelector(".command-state").textContent = command.state_label;
      row.querySelector(".result").textContent = JSON.stringify(command.result, null, 2);
    }
  }

  drawCharts();
  setTimeout(pollCommands, 1000);
})();
