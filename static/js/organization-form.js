// Organization profile form: show the mining scale only for mining companies and the
// government level only for governments. Without JavaScript both stay visible and the
// server explains what is wrong.
(function () {
  "use strict";
  var form = document.querySelector('[data-testid="organization-form"]');
  if (!form) { return; }
  var kind = form.querySelector('select[name="kind"]');
  if (!kind) { return; }
  function sync() {
    form.querySelectorAll("[data-kind-group]").forEach(function (group) {
      var match = group.getAttribute("data-kind-group") === kind.value;
      group.hidden = !match;
      var select = group.querySelector("select");
      if (select && !match) { select.value = ""; }
    });
  }
  kind.addEventListener("change", sync);
  sync();
})();
