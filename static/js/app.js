/* Fossa's page script: small enhancements on top of pages that work without it. */
(function () {
  "use strict";

  // Fill a timezone field from the browser when it still says UTC.
  function detectTimezone(root) {
    root.querySelectorAll("[data-detect-timezone]").forEach(function (input) {
      try {
        var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
        if (zone && (!input.value || input.value === "UTC")) input.value = zone;
      } catch (e) { /* keep what the server gave */ }
    });
  }

  document.addEventListener("DOMContentLoaded", function () { detectTimezone(document); });
  document.addEventListener("htmx:load", function (event) { detectTimezone(event.target); });
})();
