// Portal behaviour. Loaded as a static file: the Content Security Policy forbids inline scripts.
// Everything here improves pages that already work without JavaScript.
(function () {
  "use strict";
  // Keep Bootstrap tooltips working for elements that declare them.
  document.querySelectorAll('[data-bs-toggle="tooltip"]').forEach(function (el) {
    new bootstrap.Tooltip(el);
  });

  // --- Error summary --------------------------------------------------------------------------
  // A form that came back with errors starts with a summary (templates/includes/error_summary.html):
  // focus it so screen readers read it and keyboard users start there; its links move focus to
  // the field they name (a plain #fragment jump scrolls but does not focus in every browser).
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      if (!link) return;
      var field = document.getElementById(link.getAttribute("href").slice(1));
      if (!field) return;
      event.preventDefault();
      var label = document.querySelector("label[for='" + field.id + "']");
      var legend = field.closest("fieldset") && field.closest("fieldset").querySelector("legend");
      (legend || label || field).scrollIntoView({ block: "start" });
      field.focus({ preventScroll: true });
    });
  }

  // --- Filters that fold on small screens -------------------------------------------------------
  // <details data-collapse-below="992" open>: served open (usable without JavaScript); closed on
  // screens narrower than the breakpoint so the results come first, and always open above it
  // (where its <summary> is hidden by portal.css).
  document.querySelectorAll("details[data-collapse-below]").forEach(function (details) {
    var wide = window.matchMedia("(min-width: " + details.dataset.collapseBelow + "px)");
    var apply = function () { details.open = wide.matches; };
    apply();
    wide.addEventListener("change", apply);
  });

  // --- Live results (htmx) --------------------------------------------------------------------
  // A results container with data-results-heading (and data-results-status): after htmx replaces it, announce only the
  // count (a small role=status region copies the heading's data-announce), and after a page
  // change move focus to the results heading and scroll it into view, instead of leaving the
  // reader at the bottom of the page with focus lost.
  document.body.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (!target || !target.dataset || !target.dataset.resultsHeading) return;
    var heading = document.getElementById(target.dataset.resultsHeading);
    if (!heading) return;
    var status = document.getElementById(target.dataset.resultsStatus || "");
    if (status && heading.dataset.announce) {
      // Empty it first so the same count is announced again.
      status.textContent = "";
      window.setTimeout(function () { status.textContent = heading.dataset.announce.trim(); }, 50);
    }
    var trigger = event.detail.requestConfig && event.detail.requestConfig.elt;
    if (trigger && trigger.closest && trigger.closest(".pagination")) {
      heading.focus({ preventScroll: true });
      heading.scrollIntoView({ block: "start" });
    }
  });

  // --- Filterable checkbox lists --------------------------------------------------------------
  // A long checkbox list (<fieldset data-checkbox-filter>) gets a search box that hides the
  // choices that do not match; checked choices always stay visible. Without JavaScript the
  // whole list is shown.
  document.querySelectorAll("[data-checkbox-filter]").forEach(function (fieldset, index) {
    var list = fieldset.querySelector(".checkbox-list");
    if (!list) return;
    var id = "checkbox-filter-" + index;
    var wrapper = document.createElement("div");
    wrapper.className = "mb-2";
    var label = document.createElement("label");
    label.className = "form-label small";
    label.htmlFor = id;
    label.textContent = fieldset.dataset.filterLabel;
    var input = document.createElement("input");
    input.type = "search";
    input.id = id;
    input.className = "form-control form-control-sm";
    input.autocomplete = "off";
    var count = document.createElement("div");
    count.className = "visually-hidden";
    count.setAttribute("role", "status");
    wrapper.append(label, input, count);
    list.before(wrapper);
    var normalize = function (text) {
      return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
    };
    input.addEventListener("input", function () {
      var query = normalize(input.value.trim());
      var shown = 0;
      list.querySelectorAll(".form-check").forEach(function (choice) {
        var box = choice.querySelector("input");
        var match = !query || box.checked || normalize(choice.textContent).indexOf(query) !== -1;
        choice.hidden = !match;
        if (match) shown += 1;
      });
      count.textContent = query ? (fieldset.dataset.filterCount || "").replace("%s", shown) : "";
    });
  });
  // --- Copy buttons -----------------------------------------------------------------------------
  // <button hidden data-copy-target="#id" data-copied-text="Copied">: shown only where the
  // browser can write to the clipboard (the value stays selectable by hand everywhere); copies
  // the target's value and says so in the button itself.
  document.querySelectorAll("[data-copy-target]").forEach(function (button) {
    var target = document.querySelector(button.dataset.copyTarget);
    if (!target || !navigator.clipboard || !window.isSecureContext) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(target.value || target.textContent).then(function () {
        button.textContent = button.dataset.copiedText || button.textContent;
      });
    });
  });
})();
