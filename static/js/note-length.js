/* No silent cuts: a note is never shortened behind the person's back. Near the limit a
   count shows beside the field; over it, a message says by how much, and the text
   stays exactly as typed (the server refuses an over-long note with 422, it never cuts).
   A form sent back with errors brings its first error into view. */
(function () {
  "use strict";

  var SHOW_FROM = 0.9; // the count appears at 90% of the limit

  // Characters as the server counts them (code points, not UTF-16 halves).
  function length(text) { return Array.from(text).length; }

  function format(n) { return n.toLocaleString("en-GB"); }

  function draw(area) {
    var max = parseInt(area.getAttribute("data-max-chars"), 10);
    var count = document.getElementById(area.id + "-count");
    if (!count || !max) return;
    var n = length(area.value);
    var field = area.closest(".field");
    if (n > max) {
      count.textContent = format(n) + " characters: " + format(n - max) + " over the limit of " + format(max) +
        ". Shorten the note to save this entry; nothing has been cut.";
      count.className = "char-count over";
      if (field) field.classList.add("has-error");
    } else if (n >= max * SHOW_FROM) {
      count.textContent = format(n) + " of " + format(max) + " characters";
      count.className = "char-count near";
      if (field && !field.querySelector(".field-errors")) field.classList.remove("has-error");
    } else {
      count.textContent = "";
      count.className = "char-count";
      if (field && !field.querySelector(".field-errors")) field.classList.remove("has-error");
    }
  }

  function start(root) {
    var areas = root.querySelectorAll ? root.querySelectorAll("textarea[data-max-chars]") : [];
    Array.prototype.forEach.call(areas, function (area) {
      if (area.hasAttribute("data-count-ready")) { draw(area); return; }
      area.setAttribute("data-count-ready", "");
      area.addEventListener("input", function () { draw(area); });
      draw(area);
      // Over the limit with the details folded: open them, the message must be seen.
      var details = area.closest("details");
      if (details && length(area.value) > parseInt(area.getAttribute("data-max-chars"), 10)) details.open = true;
    });
    var summary = root.querySelector ? root.querySelector("[data-error-summary]") : null;
    if (summary && !summary.hasAttribute("data-shown")) {
      summary.setAttribute("data-shown", "");
      summary.scrollIntoView({ block: "start" });
      summary.focus({ preventScroll: true });
    }
  }

  document.addEventListener("DOMContentLoaded", function () { start(document); });
  document.addEventListener("htmx:load", function (event) { start(event.target); });
  // A draft restored or a reset form: the count follows the text.
  document.addEventListener("reset", function (event) {
    window.setTimeout(function () { start(event.target); }, 0);
  }, true);
})();
