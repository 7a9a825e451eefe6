// Demo-day presentation (templates/challenges/portfolio/showcase_present.html): one project per
// slide, all slides in the page (it keeps working offline once loaded).
// - Keys: → / Page Down / Space next; ← / Page Up / Shift+Space previous; Home / End first and
//   last (presentation clickers send Page Up and Page Down). Keys typed in a form field, and
//   Space or Enter on a button, keep their usual meaning.
// - The address keeps the slide (#slide-3), so a reload comes back to it.
// - The speaker's timer counts down the minutes given (start / pause / reset), turns red at zero
//   and goes on counting the overtime; it starts again from full on every new slide.
// - Full screen through the Fullscreen API, when the browser offers it.
// Texts come translated from the page's data-label-* attributes. Motion is left to the style
// sheet, which animates only under prefers-reduced-motion: no-preference.
(function () {
  "use strict";
  var root = document.querySelector("[data-presentation]");
  if (!root) return;
  var slides = Array.prototype.slice.call(root.querySelectorAll("[data-slide]"));
  var counter = root.querySelector("[data-counter]");
  var announce = root.querySelector("[data-announce]");
  var current = 0;

  function label(name, fallback) {
    return root.getAttribute("data-label-" + name) || fallback;
  }

  // --- Slides ---------------------------------------------------------------------------------

  function fromHash() {
    var match = /^#slide-(\d+)$/.exec(window.location.hash);
    if (!match) return 0;
    return Math.min(Math.max(parseInt(match[1], 10) - 1, 0), Math.max(slides.length - 1, 0));
  }

  function show(index, quiet) {
    if (!slides.length) return;
    index = Math.min(Math.max(index, 0), slides.length - 1);
    var changed = index !== current;
    current = index;
    slides.forEach(function (slide, i) {
      slide.hidden = i !== index;
      slide.classList.toggle("is-current", i === index);
    });
    if (counter) counter.textContent = index + 1 + " / " + slides.length;
    if (window.history && window.history.replaceState) {
      window.history.replaceState(null, "", "#slide-" + (index + 1));
    }
    if (!quiet && announce) {
      var title = slides[index].querySelector("[data-slide-title]");
      announce.textContent = label("slide", "__N__ / __TOTAL__: __TITLE__")
        .replace("__N__", String(index + 1))
        .replace("__TOTAL__", String(slides.length))
        .replace("__TITLE__", title ? title.textContent.trim() : "");
    }
    if (changed) timer.reset();
  }

  function next() { show(current + 1); }
  function previous() { show(current - 1); }

  // --- Timer ----------------------------------------------------------------------------------

  var display = root.querySelector("[data-timer-display]");
  var minutesInput = root.querySelector("[data-timer-minutes]");
  var toggle = root.querySelector("[data-timer-toggle]");
  var resetButton = root.querySelector("[data-timer-reset]");
  var hiddenMinutes = root.querySelector('form input[name="minutes"]');

  var timer = {
    remaining: 0, // milliseconds; negative once the time is up
    endsAt: null, // Date.now() when it reaches zero, while running
    tick: null,
    expiredAnnounced: false,
    minutes: function () {
      var value = parseInt(minutesInput && minutesInput.value, 10);
      if (isNaN(value) || value < 1) value = parseInt(root.getAttribute("data-minutes"), 10) || 5;
      return Math.min(value, 60);
    },
    running: function () { return this.endsAt !== null; },
    render: function () {
      if (!display) return;
      var left = this.running() ? this.endsAt - Date.now() : this.remaining;
      var over = left <= 0;
      var seconds = over ? Math.floor(-left / 1000) : Math.ceil(left / 1000);
      var text = pad(Math.floor(seconds / 60)) + ":" + pad(seconds % 60);
      display.textContent = over && seconds > 0 ? "−" + text : text;
      display.classList.toggle("timer-expired", over);
      root.classList.toggle("time-up", over);
      if (over && !this.expiredAnnounced && announce) {
        this.expiredAnnounced = true;
        announce.textContent = label("time-up", "Time is up.");
      }
    },
    start: function () {
      if (this.running()) return;
      this.endsAt = Date.now() + this.remaining;
      var self = this;
      this.tick = window.setInterval(function () { self.render(); }, 250);
      if (toggle) toggle.textContent = label("pause", "Pause");
      this.render();
    },
    pause: function () {
      if (!this.running()) return;
      this.remaining = this.endsAt - Date.now();
      this.endsAt = null;
      window.clearInterval(this.tick);
      if (toggle) toggle.textContent = label("start", "Start");
      this.render();
    },
    reset: function () {
      var wasRunning = this.running();
      this.pause();
      this.remaining = this.minutes() * 60000;
      this.expiredAnnounced = false;
      this.render();
      // A new speaker on the next slide: the clock waits for the presenter to start it.
      return wasRunning;
    },
  };

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  if (toggle) {
    toggle.addEventListener("click", function () {
      if (timer.running()) timer.pause(); else timer.start();
    });
  }
  if (resetButton) resetButton.addEventListener("click", function () { timer.reset(); });
  if (minutesInput) {
    minutesInput.addEventListener("change", function () {
      if (hiddenMinutes) hiddenMinutes.value = String(timer.minutes());
      timer.reset();
    });
  }

  // --- Full screen ----------------------------------------------------------------------------

  var fullscreenButton = root.querySelector("[data-fullscreen]");
  var fullscreenLabel = root.querySelector("[data-fullscreen-label]");
  if (fullscreenButton && document.fullscreenEnabled) {
    fullscreenButton.hidden = false;
    fullscreenButton.addEventListener("click", function () {
      if (document.fullscreenElement) {
        document.exitFullscreen();
      } else {
        document.documentElement.requestFullscreen().catch(function () { /* refused: stay */ });
      }
    });
    document.addEventListener("fullscreenchange", function () {
      var on = Boolean(document.fullscreenElement);
      fullscreenButton.setAttribute("aria-pressed", on ? "true" : "false");
      if (fullscreenLabel) {
        fullscreenLabel.textContent = on ? label("exit-fullscreen", "Exit full screen") : label("fullscreen", "Full screen");
      }
    });
  }

  // --- Keys and buttons -----------------------------------------------------------------------

  function typing(target) {
    if (!target || !target.closest) return false;
    return Boolean(target.closest("input, select, textarea, [contenteditable], details[open] form"));
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
    if (typing(event.target)) return;
    var onButton = event.target && event.target.closest && event.target.closest("button, a, summary");
    var key = event.key;
    if ((key === " " || key === "Spacebar" || key === "Enter") && onButton) return;
    var handled = true;
    if (key === "ArrowRight" || key === "PageDown" || ((key === " " || key === "Spacebar") && !event.shiftKey)) {
      next();
    } else if (key === "ArrowLeft" || key === "PageUp" || ((key === " " || key === "Spacebar") && event.shiftKey)) {
      previous();
    } else if (key === "Home") {
      show(0);
    } else if (key === "End") {
      show(slides.length - 1);
    } else {
      handled = false;
    }
    if (handled) event.preventDefault();
  });

  var prevButton = root.querySelector("[data-prev]");
  var nextButton = root.querySelector("[data-next]");
  if (prevButton) prevButton.addEventListener("click", previous);
  if (nextButton) nextButton.addEventListener("click", next);
  window.addEventListener("hashchange", function () { show(fromHash()); });

  root.classList.add("is-enhanced");
  timer.reset();
  current = -1;
  show(fromHash(), true);
})();
