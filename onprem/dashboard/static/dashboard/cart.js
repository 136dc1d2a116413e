// The cart page's chart: battery and temperature over the chosen range (server-side
// downsampled JSON from history.json). Labels come from the page (#chart-config).
(function () {
  "use strict";
  const config = document.getElementById("chart-config").dataset;
  const canvas = document.getElementById("battery-chart");
  const chart = new Chart(canvas, {
    type: "line",
    data: { labels: [], datasets: [
      { label: config.soc, data: [], yAxisID: "soc", borderColor: "#2e9d5b", pointRadius: 0, tension: 0.2 },
      { label: config.temp, data: [], yAxisID: "temp", borderColor: "#d1423f", pointRadius: 0, tension: 0.2 },
    ] },
    options: {
      animation: false, maintainAspectRatio: false, interaction: { mode: "index", intersect: false },
      scales: {
        x: { ticks: { maxTicksLimit: 12, maxRotation: 0 } },
        soc: { position: "left", min: 0, max: 100 },
        temp: { position: "right", grid: { drawOnChartArea: false } },
      },
    },
  });
  window.batteryChart = chart;

  async function load(range) {
    const response = await fetch(config.url + "?range=" + encodeURIComponent(range), { credentials: "same-origin" });
    if (!response.ok) return;
    const series = await response.json();
    const locale = document.documentElement.lang || undefined;
    const short = range === "1h" || range === "24h";
    chart.data.labels = series.points.map((p) => {
      const at = new Date(p.t);
      return short ? at.toLocaleTimeString(locale, { hour: "2-digit", minute: "2-digit" })
        : at.toLocaleString(locale, { month: "short", day: "numeric", hour: "2-digit" });
    });
    chart.data.datasets[0].data = series.points.map((p) => p.soc);
    chart.data.datasets[1].data = series.points.map((p) => p.temp);
    chart.update();
    canvas.dataset.points = series.points.length;
    canvas.dataset.range = range;
  }

  for (const button of document.querySelectorAll(".ranges button")) {
    button.addEventListener("click", () => {
      for (const other of document.querySelectorAll(".ranges button")) other.setAttribute("aria-pressed", other === button);
      load(button.dataset.range);
    });
  }
  load("24h");
})();
