// Draws each BI chart from the JSON the page carries next to its canvas. Labels and dataset
// names arrive translated from the server; nothing user-facing is written here.
(function () {
  "use strict";
  const COLOURS = ["#2f6fb0", "#e08a1e", "#2e9e5b", "#b23b3b", "#7b52ab", "#3a9fb0"];
  window.biCharts = [];

  function dataset(spec, i, chart) {
    const colour = COLOURS[i % COLOURS.length];
    const out = {
      label: spec.label, data: spec.data, type: spec.kind === "line" ? "line" : "bar",
      backgroundColor: colour, borderColor: colour, yAxisID: spec.axis === "y2" ? "y2" : "y",
      pointRadius: spec.kind === "line" && spec.data.length > 60 ? 0 : 2, tension: 0.25, spanGaps: true,
    };
    if (chart.threshold !== undefined && out.type === "bar") {
      out.backgroundColor = spec.data.map((v) => (v < chart.threshold ? "#b23b3b" : "#2e9e5b"));
    }
    if (out.type === "line") { out.order = -1; }
    return out;
  }

  function config(chart) {
    const scales = { y: { beginAtZero: true } };
    if (chart.y2) {
      scales.y2 = { position: "right", beginAtZero: true, grid: { drawOnChartArea: false },
                    title: { display: true, text: chart.y2 } };
    }
    if (chart.threshold !== undefined) { scales.y.suggestedMax = 100; }
    if (chart.horizontal) { scales.x = { beginAtZero: true }; delete scales.y.beginAtZero; }
    return {
      type: "bar",
      data: { labels: chart.labels, datasets: chart.datasets.map((d, i) => dataset(d, i, chart)) },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        indexAxis: chart.horizontal ? "y" : "x", scales: scales,
        interaction: { mode: "index", intersect: false },
        plugins: { legend: { display: chart.datasets.length > 1 } },
      },
    };
  }

  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    const source = document.getElementById(canvas.dataset.chart);
    if (!source || !window.Chart) { return; }
    window.biCharts.push(new window.Chart(canvas, config(JSON.parse(source.textContent))));
  });
})();
