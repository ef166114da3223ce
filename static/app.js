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

  // Contact notes survive a dropped connection: the form is copied to this device's storage as it
  // is typed and offered back on the next visit; a successful save (?saved=<key>) clears the copy.
  function draftFields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.name !== "csrf_token" && el.name !== "version" && el.type !== "submit";
    });
  }
  function saveDraft(form, key) {
    var data = {};
    draftFields(form).forEach(function (el) {
      if (el.type === "checkbox" || el.type === "radio") {
        if (el.checked) { (data[el.name] = data[el.name] || []).push(el.value); }
      } else {
        data[el.name] = [el.value];
      }
    });
    try { localStorage.setItem("draft:" + key, JSON.stringify(data)); } catch (e) { /* storage full or off */ }
  }
  function restoreDraft(form, key) {
    var raw = null;
    try { raw = localStorage.getItem("draft:" + key); } catch (e) { return; }
    if (!raw) { return; }
    var data;
    try { data = JSON.parse(raw); } catch (e) { return; }
    var note = form.querySelector('[name="note"]');
    // Only offer the copy when the form was not just returned with the server's own values.
    if (!note || note.value.trim() !== "" || !data.note || data.note[0].trim() === "") { return; }
    draftFields(form).forEach(function (el) {
      var values = data[el.name];
      if (!values) {
        if (el.type === "checkbox" || el.type === "radio") { el.checked = false; }
        return;
      }
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = values.indexOf(el.value) !== -1;
      } else {
        el.value = values[0];
      }
    });
    var notice = form.querySelector("[data-draft-notice]");
    if (notice) { notice.hidden = false; }
  }
  document.addEventListener("DOMContentLoaded", function () {
    var saved = new URLSearchParams(window.location.search).get("saved");
    if (saved) {
      try { localStorage.removeItem("draft:" + saved); } catch (e) { /* nothing to clear */ }
      // Drop ?saved= from this history entry: coming back to it later (the back button) must not
      // clear a newer draft typed since.
      var url = new URL(window.location.href);
      url.searchParams.delete("saved");
      try { window.history.replaceState(window.history.state, "", url.pathname + url.search + url.hash); } catch (e) { /* keep the URL */ }
    }
    // Drafts are personal notes: signing out on a shared device removes them all.
    document.querySelectorAll('form[action="/logout"]').forEach(function (form) {
      form.addEventListener("submit", function () {
        try {
          Object.keys(localStorage).forEach(function (k) {
            if (k.indexOf("draft:") === 0) { localStorage.removeItem(k); }
          });
        } catch (e) { /* storage off */ }
      });
    });
    document.querySelectorAll("form[data-draft-key]").forEach(function (form) {
      var key = form.getAttribute("data-draft-key");
      restoreDraft(form, key);
      var timer = null;
      form.addEventListener("input", function () {
        clearTimeout(timer);
        timer = setTimeout(function () { saveDraft(form, key); }, 300);
      });
      form.addEventListener("change", function () { saveDraft(form, key); });
    });
  });
})();
