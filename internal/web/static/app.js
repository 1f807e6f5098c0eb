// Progressive enhancement only: every page works without this file.
// The markup it relies on is described in docs/design.md.
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", fn); } else { fn(); }
  }

  // The element to scroll into view for a field: the legend of a checkbox or
  // radio group, else the field's label, so the question is seen with the box.
  function questionFor(field) {
    if (field.type === "checkbox" || field.type === "radio") {
      var fs = field.closest("fieldset");
      var legend = fs && fs.querySelector("legend");
      if (legend) { return legend; }
    }
    if (field.labels && field.labels.length) { return field.labels[0]; }
    return field;
  }

  function focusField(field) {
    var q = questionFor(field);
    q.scrollIntoView({ block: "start" });
    try { field.focus({ preventScroll: true }); } catch (e) { field.focus(); }
  }

  // 更多功能 (the menu's <details>) closes on Escape and on a click outside,
  // as a menu does.
  ready(function () {
    var more = document.querySelector(".menu-more");
    if (!more) { return; }
    document.addEventListener("click", function (e) {
      if (more.open && !more.contains(e.target)) { more.open = false; }
    });
    document.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && more.open) { more.open = false; more.querySelector("summary").focus(); }
    });
  });

  ready(function () {
    // The error summary (role=alert, tabindex=-1) takes focus on load, so the
    // list of problems is read first; without one, the first invalid field.
    var summary = document.querySelector(".error-summary");
    if (summary) {
      summary.focus();
      // A summary link focuses its field and shows the field's label.
      summary.addEventListener("click", function (e) {
        var a = e.target.closest ? e.target.closest("a[href^='#']") : null;
        if (!a) { return; }
        var field = document.getElementById(decodeURIComponent(a.getAttribute("href").slice(1)));
        if (!field) { return; }
        e.preventDefault();
        focusField(field);
      });
    } else {
      var bad = document.querySelector("[aria-invalid=true]");
      if (bad) { bad.focus(); }
    }

    // Upper-case codes as they are typed (USCC and resident IDs use capitals).
    ["f-code", "f-legal_rep_id", "f-resident_id"].forEach(function (id) {
      var el = document.getElementById(id);
      if (el) { el.addEventListener("blur", function () { el.value = el.value.trim().toUpperCase(); }); }
    });

    // Prefill the district from characters 3–8 of the credit code (the
    // division code) when none is chosen yet; the server does the same when
    // a form comes back with the district empty.
    var code = document.getElementById("f-code"), district = document.getElementById("f-division_code");
    if (code && district && district.tagName === "SELECT") {
      code.addEventListener("blur", function () {
        var d = code.value.trim().toUpperCase().slice(2, 8);
        if (district.value || !/^\d{6}$/.test(d)) { return; }
        var opt = district.querySelector("option[value='" + d + "']");
        if (opt) { district.value = d; district.dispatchEvent(new Event("change", { bubbles: true })); }
      });
    }

    // Ask before a destructive action that is still a one-step form
    // (data-confirm="question"). A confirmation page (.confirm) is already the
    // question, so its forms are never asked twice. Ending an identification
    // has its confirmation page and needs no question here.
    document.querySelectorAll("form[data-confirm]").forEach(function (f) {
      if (f.closest(".confirm")) { return; }
      var question = f.getAttribute("data-confirm");
      f.addEventListener("submit", function (e) {
        if (!window.confirm(question)) { e.preventDefault(); }
      });
    });

    // An uploaded image's 插入正文 button (hidden without this file): puts
    // the image's tag (the value of data-insert) into the body textarea
    // (data-into) at the cursor; the editor then saves the article.
    document.querySelectorAll("button[data-insert]").forEach(function (b) {
      var src = document.querySelector(b.getAttribute("data-insert"));
      var into = document.querySelector(b.getAttribute("data-into"));
      if (!src || !into) { return; }
      b.hidden = false;
      b.addEventListener("click", function () {
        var at = typeof into.selectionStart === "number" ? into.selectionStart : into.value.length;
        into.value = into.value.slice(0, at) + src.value + into.value.slice(at);
        into.focus();
        into.selectionStart = into.selectionEnd = at + src.value.length;
        into.scrollIntoView({ block: "center" });
      });
    });
  });
})();
