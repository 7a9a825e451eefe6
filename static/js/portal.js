// Portal behaviour. Loaded as a static file: the Content Security Policy forbids inline scripts.
(function () {
  "use strict";
  // Keep Bootstrap tooltips working for elements that declare them.
  document.querySelectorAll('[data-bs-toggle="tooltip"]').forEach(function (el) {
    new bootstrap.Tooltip(el);
  });
})();
