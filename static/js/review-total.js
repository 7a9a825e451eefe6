// Live "Weighted total: 3.62 (scale 0 to 5)" on an evaluator's review: the same formula as the
// server (challenges.scoring.weighted_total): each scored criterion's fraction of its scale,
// weighted, put back on the call's scale (data-scale-low/high); "not applicable" and empty
// criteria drop out. The sentence comes translated from the page (data-review-template/-empty).
(function () {
  "use strict";
  var total = document.querySelector("[data-review-total]");
  var inputs = document.querySelectorAll("[data-review-score]");
  if (!total || !inputs.length) return;
  var template = total.getAttribute("data-review-template") || "__TOTAL__ %";
  var empty = total.getAttribute("data-review-empty") || "—";
  var span = total.querySelector("span");
  var scaleLow = parseFloat(total.getAttribute("data-scale-low")) || 0;
  var scaleHigh = parseFloat(total.getAttribute("data-scale-high")) || 100;
  function notApplicable(id) {
    var box = document.querySelector('[data-review-na="' + id + '"]');
    return box && box.checked;
  }
  function update() {
    var weights = 0;
    var sum = 0;
    inputs.forEach(function (input) {
      var id = input.getAttribute("data-review-score");
      var na = notApplicable(id);
      input.disabled = na;
      if (na || input.value === "") return;
      var score = parseFloat(input.value);
      var low = parseFloat(input.getAttribute("data-min"));
      var high = parseFloat(input.getAttribute("data-max"));
      var weight = parseFloat(input.getAttribute("data-weight"));
      if (isNaN(score) || score < low || score > high || high <= low) return;
      weights += weight;
      sum += weight * (score - low) / (high - low);
    });
    span.textContent = weights ? template.replace("__TOTAL__", (scaleLow + (scaleHigh - scaleLow) * sum / weights).toFixed(2)) : empty;
  }
  document.addEventListener("input", function (event) {
    if (event.target.closest("[data-review-score], [data-review-na]")) update();
  });
  document.addEventListener("change", function (event) {
    if (event.target.closest("[data-review-na]")) update();
  });
  update();
})();
