/* The person's own day: the date field's Today / Yesterday taps and its bounds, and
   the offer to use the timezone the browser reports when it is not the stored one.

   The diary's day is the stored timezone's (data-zone on the date field, data-stored-zone
   on the offer); a cached /today may be from yesterday, so "today" is worked out here,
   now, in that zone, never taken from the page. */
(function () {
  "use strict";

  function browserZone() {
    try { return Intl.DateTimeFormat().resolvedOptions().timeZone || null; } catch (e) { return null; }
  }

  // "YYYY-MM-DD" of today in the zone (the browser's own when the zone is unknown).
  function todayIn(zone) {
    var options = { year: "numeric", month: "2-digit", day: "2-digit" };
    var parts;
    try { parts = new Intl.DateTimeFormat("en-CA", Object.assign({ timeZone: zone || undefined }, options)).formatToParts(new Date()); }
    catch (e) { parts = new Intl.DateTimeFormat("en-CA", options).formatToParts(new Date()); }
    var pick = {};
    parts.forEach(function (p) { pick[p.type] = p.value; });
    return pick.year + "-" + pick.month + "-" + pick.day;
  }

  function addDays(iso, days) {
    var d = new Date(iso + "T12:00:00Z");
    d.setUTCDate(d.getUTCDate() + days);
    return d.toISOString().slice(0, 10);
  }

  // ---- the date field --------------------------------------------------------
  function drawPressed(picker, input) {
    var today = input.getAttribute("max");
    picker.querySelectorAll("[data-day-offset]").forEach(function (button) {
      var day = addDays(today, parseInt(button.getAttribute("data-day-offset"), 10));
      button.setAttribute("aria-pressed", String(input.value === day));
    });
  }

  function setUpDayPicker(root) {
    var inputs = root.querySelectorAll ? root.querySelectorAll("input[type=date][data-zone]") : [];
    Array.prototype.forEach.call(inputs, function (input) {
      if (input.hasAttribute("data-day-ready")) return;
      input.setAttribute("data-day-ready", "");
      var today = todayIn(input.getAttribute("data-zone"));
      var rendered = input.getAttribute("data-rendered-today");
      // A page kept from an earlier day still says that day's "today": a new entry
      // starts on today's date, and may go no later than today.
      var form = input.form;
      if (rendered && rendered !== today && form && form.hasAttribute("data-new-entry") && input.value === rendered) {
        input.value = today;
        input.defaultValue = today;
      }
      input.setAttribute("max", today);
      var picker = input.parentNode.querySelector("[data-day-picker]");
      if (!picker) return;
      picker.hidden = false;
      picker.addEventListener("click", function (event) {
        var button = event.target.closest("[data-day-offset]");
        if (!button) return;
        input.value = addDays(input.getAttribute("max"), parseInt(button.getAttribute("data-day-offset"), 10));
        input.dispatchEvent(new Event("input", { bubbles: true }));
        input.dispatchEvent(new Event("change", { bubbles: true }));
        drawPressed(picker, input);
      });
      input.addEventListener("input", function () { drawPressed(picker, input); });
      input.addEventListener("change", function () { drawPressed(picker, input); });
      if (form) form.addEventListener("reset", function () { window.setTimeout(function () { drawPressed(picker, input); }, 0); });
      drawPressed(picker, input);
    });
  }

  // ---- the timezone offer ----------------------------------------------------
  function keptKey(stored, seen) { return "fossa-zone-kept:" + stored + "|" + seen; }

  function drawZoneOffer() {
    var offer = document.getElementById("zone-offer");
    if (!offer) return;
    var stored = offer.getAttribute("data-stored-zone");
    var seen = browserZone();
    var kept = false;
    try { kept = window.localStorage.getItem(keptKey(stored, seen)) === "1"; } catch (e) { /* private mode */ }
    if (!seen || seen === stored || kept) { offer.hidden = true; return; }
    offer.querySelector("input[name=timezone]").value = seen;
    var chosen = offer.getAttribute("data-zone-chosen") === "1";
    offer.querySelector(".zone-offer-text").textContent = chosen
      ? "This phone is on " + seen + " time; your diary's days start at midnight in " + stored + "."
      : "Your diary's days start at midnight UTC. This phone is on " + seen + " time.";
    offer.querySelector("[data-use-zone]").textContent = "Use " + seen;
    offer.querySelector("[data-keep-zone]").textContent = "Keep " + stored;
    offer.hidden = false;
  }

  document.addEventListener("click", function (event) {
    var keep = event.target.closest ? event.target.closest("[data-keep-zone]") : null;
    if (!keep) return;
    var offer = document.getElementById("zone-offer");
    try { window.localStorage.setItem(keptKey(offer.getAttribute("data-stored-zone"), browserZone()), "1"); } catch (e) { /* private mode */ }
    offer.hidden = true;
  });

  function start(root) { setUpDayPicker(root); drawZoneOffer(); }
  document.addEventListener("DOMContentLoaded", function () { start(document); });
  document.addEventListener("htmx:load", function (event) { start(event.target); });
})();
