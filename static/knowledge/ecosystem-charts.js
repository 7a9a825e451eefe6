// Charts of the ecosystem map (templates/knowledge/ecosystem/ecosystem.html). Loaded as a static
// file: the Content Security Policy forbids inline scripts. Each <canvas data-chart-source="ID">
// reads its figures from the json_script element ID; the table beside each chart holds the same
// figures, so the page works without JavaScript and for screen readers (the canvas is an image).
(function () {
  "use strict";
  if (typeof Chart === "undefined") return;

  // Dark blue bars and near-black text on white: both above 7:1 contrast (WCAG AAA for text,
  // well above the 3:1 that non-text graphics need).
  var BAR = "#1f4e79";
  var TEXT = "#212529";
  var GRID = "#dee2e6";
  var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  var ROW_HEIGHT = 28;
  var PADDING = 48;

  document.querySelectorAll("canvas[data-chart-source]").forEach(function (canvas) {
    var source = document.getElementById(canvas.getAttribute("data-chart-source"));
    if (!source) return;
    var data;
    try {
      data = JSON.parse(source.textContent);
    } catch (error) {
      return;
    }
    var wrapper = canvas.parentNode;
    // Horizontal bars: the chart grows with its rows so long labels stay legible at 320 px.
    // (A CSSOM property set from a script, not a style attribute: allowed by the CSP.)
    wrapper.style.position = "relative";
    wrapper.style.height = Math.max(data.labels.length * ROW_HEIGHT + PADDING, 120) + "px";
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: [{ label: data.datasetLabel, data: data.counts, backgroundColor: BAR, borderColor: BAR }],
      },
      options: {
        indexAxis: "y",
        maintainAspectRatio: false,
        animation: reduceMotion ? false : { duration: 400 },
        plugins: {
          legend: { display: false },
          title: { display: false, text: data.title },
          tooltip: { enabled: true },
        },
        scales: {
          x: { beginAtZero: true, ticks: { precision: 0, color: TEXT }, grid: { color: GRID } },
          y: { ticks: { color: TEXT, autoSkip: false }, grid: { display: false } },
        },
      },
    });
  });
})();
