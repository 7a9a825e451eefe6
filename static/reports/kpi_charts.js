// Charts of the KPI dashboard (templates/reports/kpis/dashboard.html). Loaded as a static file:
// the Content Security Policy forbids inline scripts. Each <canvas data-kpi-chart="ID"> reads its
// figures from the json_script element ID ({labels, datasets: [{label, data}], vertical, money});
// the table beside each chart holds the same figures, so the page works without JavaScript and
// for screen readers (the canvas is an image with a label pointing at the table).
(function () {
  "use strict";
  if (typeof Chart === "undefined") return;

  // Dark blue and dark orange on white: both above 4.5:1 (non-text graphics need 3:1); a legend
  // names each colour whenever there is more than one dataset.
  var COLOURS = ["#1f4e79", "#a04a00", "#2f6b3a"];
  var TEXT = "#212529";
  var GRID = "#dee2e6";
  var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  var ROW_HEIGHT = 28;
  var PADDING = 56;
  var locale = document.documentElement.lang || undefined;

  function amount(value) {
    return Number(value).toLocaleString(locale, { maximumFractionDigits: 0 });
  }

  document.querySelectorAll("canvas[data-kpi-chart]").forEach(function (canvas) {
    var source = document.getElementById(canvas.getAttribute("data-kpi-chart"));
    if (!source) return;
    var data;
    try {
      data = JSON.parse(source.textContent);
    } catch (error) {
      return;
    }
    var vertical = !!data.vertical;
    var several = data.datasets.length > 1;
    var wrapper = canvas.parentNode;
    // Horizontal bars grow with their rows so long labels stay legible at 320 px; vertical
    // (monthly) charts keep a fixed height. (A CSSOM property set from a script: CSP allows it.)
    wrapper.style.position = "relative";
    wrapper.style.height = vertical
      ? "280px"
      : Math.max(data.labels.length * ROW_HEIGHT * (several ? data.datasets.length : 1) + PADDING, 140) + "px";
    var valueAxis = {
      beginAtZero: true,
      ticks: {
        precision: 0,
        color: TEXT,
        callback: data.money ? function (value) { return amount(value); } : undefined,
      },
      grid: { color: GRID },
    };
    var labelAxis = { ticks: { color: TEXT, autoSkip: vertical }, grid: { display: false } };
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: data.datasets.map(function (dataset, index) {
          var colour = COLOURS[index % COLOURS.length];
          return { label: dataset.label, data: dataset.data, backgroundColor: colour, borderColor: colour };
        }),
      },
      options: {
        indexAxis: vertical ? "x" : "y",
        maintainAspectRatio: false,
        animation: reduceMotion ? false : { duration: 400 },
        plugins: {
          legend: { display: several, labels: { color: TEXT } },
          tooltip: { enabled: true },
        },
        scales: vertical ? { x: labelAxis, y: valueAxis } : { x: valueAxis, y: labelAxis },
      },
    });
  });
})();
