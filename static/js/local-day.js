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
  var SHORT_DAY = { weekday: "short", day: "numeric", month: "short", timeZone: "UTC" };

  function dayText(iso) {
    try { return new Intl.DateTimeFormat("en-GB", SHORT_DAY).format(new Date(iso + "T12:00:00Z")); }
    catch (e) { return iso; }
  }

  // Today, Yesterday, or the day chosen shown on the third control: the chosen day is
  // always in view, and the date field opens for an earlier one.
  function drawPressed(picker, input, openField) {
    var today = input.getAttribute("max");
    var matched = false;
    picker.querySelectorAll("[data-day-offset]").forEach(function (button) {
      var day = addDays(today, parseInt(button.getAttribute("data-day-offset"), 10));
      var on = input.value === day;
      matched = matched || on;
      button.setAttribute("aria-pressed", String(on));
    });
    var other = picker.querySelector("[data-day-other]");
    var wrap = input.closest("[data-date-wrap]");
    if (!other || !wrap) return;
    var earlier = !matched && !!input.value;
    other.setAttribute("aria-pressed", String(earlier));
    other.querySelector("[data-day-other-text]").textContent = earlier ? dayText(input.value) : "Earlier";
    var open = openField === undefined ? earlier || !input.value : openField;
    if (input.getAttribute("aria-invalid") === "true") open = true;
    wrap.classList.toggle("open", open);
    other.setAttribute("aria-expanded", String(open));
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
      // A summary kept from an earlier day is not today's: the form is.
      if (rendered && rendered !== today && form && form.hidden && form.hasAttribute("data-after-done")) {
        var stale = document.getElementById("today-done");
        if (stale) stale.remove();
        form.hidden = false;
      }
      input.setAttribute("max", today);
      var field = input.closest(".date-field");
      var picker = field ? field.querySelector("[data-day-picker]") : null;
      if (!picker) return;
      picker.hidden = false;
      field.classList.add("js-day");
      picker.addEventListener("click", function (event) {
        var other = event.target.closest("[data-day-other]");
        if (other) {
          var wrap = input.closest("[data-date-wrap]");
          var opening = !wrap.classList.contains("open");
          drawPressed(picker, input, opening);
          if (opening) {
            input.focus();
            try { if (input.showPicker) input.showPicker(); } catch (e) { /* not from this gesture */ }
          }
          return;
        }
        var button = event.target.closest("[data-day-offset]");
        if (!button) return;
        input.value = addDays(input.getAttribute("max"), parseInt(button.getAttribute("data-day-offset"), 10));
        input.dispatchEvent(new Event("input", { bubbles: true }));
        input.dispatchEvent(new Event("change", { bubbles: true }));
        drawPressed(picker, input, false);
      });
      input.addEventListener("input", function () { drawPressed(picker, input, true); });
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
