// Live "Weights: 80 / 100" on a call's criteria pages: the other criteria's weights (data-weights-base)
// plus the weight being typed. The sentence comes translated from the page (data-weights-template).
(function () {
  "use strict";
  var total = document.querySelector("[data-weights-total]");
  var input = document.querySelector("[data-criterion-weight]");
  if (!total || !input) return;
  var base = parseInt(total.getAttribute("data-weights-base"), 10) || 0;
  var template = total.getAttribute("data-weights-template") || "%s / 100";
  var span = total.querySelector("span");
  function update() {
    var sum = base + (parseInt(input.value, 10) || 0);
    span.textContent = template.replace("__TOTAL__", String(sum));
    span.className = sum === 100 ? "text-success" : "text-danger";
  }
  input.addEventListener("input", update);
  update();
})();
