// Membership and team pages: ask for confirmation before destructive actions.
// Forms opt in with data-confirm="question". Loaded as a static file (CSP: no inline scripts).
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) { return; }
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });
})();
