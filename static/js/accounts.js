// Account pages (allauth). A static file because the Content Security Policy forbids inline
// scripts; translated texts arrive in data- attributes of the <script> tag that loads this file.
(function () {
  "use strict";
  var script = document.currentScript;
  var confirmRemoveEmail = script && script.dataset.confirmRemoveEmail;
  if (confirmRemoveEmail) {
    document.querySelectorAll('button[name="action_remove"]').forEach(function (button) {
      button.addEventListener("click", function (event) {
        if (!window.confirm(confirmRemoveEmail)) {
          event.preventDefault();
        }
      });
    });
  }
})();
