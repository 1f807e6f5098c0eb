// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // Move focus to the first field with an error, so keyboard and screen
  // reader users land where the fix is needed.
  document.addEventListener("DOMContentLoaded", function () {
    var bad = document.querySelector("[aria-invalid=true]");
    if (bad) { bad.focus(); }
    // Upper-case codes as they are typed (USCC and resident IDs use capitals).
    ["f-code", "f-legal_rep_id", "f-resident_id"].forEach(function (id) {
      var el = document.getElementById(id);
      if (el) { el.addEventListener("blur", function () { el.value = el.value.trim().toUpperCase(); }); }
    });
    // Ask before ending a tax identification.
    document.querySelectorAll("form[action$='/end']").forEach(function (f) {
      f.addEventListener("submit", function (e) {
        if (!window.confirm("确认终止该税（费）种认定？")) { e.preventDefault(); }
      });
    });
  });
})();
