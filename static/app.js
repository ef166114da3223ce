// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";

  // Move focus to an error summary or conflict notice so screen readers announce it.
  document.addEventListener("DOMContentLoaded", function () {
    var target = document.querySelector("[data-focus-on-load]");
    if (target) {
      target.focus();
    }
  });

  // Follow-up questions show only after a "yes" to the question they depend on (the Columbia
  // screener's skip logic); hidden answers are cleared so the server sees them as skipped.
  function applySkips(form) {
    form.querySelectorAll("[data-show-when]").forEach(function (block) {
      var source = form.querySelector('input[name="' + block.getAttribute("data-show-when") + '"]:checked');
      var show = !!source && source.value === "yes";
      block.hidden = !show;
      if (!show) {
        block.querySelectorAll("input").forEach(function (input) { input.checked = false; });
      }
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form").forEach(function (form) {
      if (form.querySelector("[data-show-when]")) {
        applySkips(form);
        form.addEventListener("change", function () { applySkips(form); });
      }
    });
  });

  // Ask before destructive buttons (removing a household member, revoking a token).
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    var message = button && button.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });

  // Stop double submission on slow connections: a second tap on the same form does nothing.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || form.getAttribute("method") !== "post") {
      return;
    }
    if (form.dataset.submitting === "1") {
      event.preventDefault();
      return;
    }
    form.dataset.submitting = "1";
    window.setTimeout(function () { form.dataset.submitting = ""; }, 8000);
  });
})();
