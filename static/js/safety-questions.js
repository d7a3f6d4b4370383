/* Safety questions inline on the /today form, asked as soon as the answers make
   them relevant (the calf tapped on the map, pain of 7 or more, ...).

   The screens are the engine's client_safety_screens(), embedded as JSON in
   <script id="safety-screens">; when to ask is their `when` condition (the grammar
   of live-flags.js, which also tells this file the answers through "fossa:answers",
   the notes as typed included). A question card is placed right after the answer
   that triggered it. Each tap sets the form's real fields (the ones under "More
   details"), so the answer is saved with the entry and "No" is stored as no.
   Works offline: nothing here asks the server. */
(function () {
  "use strict";

  var YES_NO = { "true": "yes", "false": "no" };

  function screensOf(form) {
    var block = document.getElementById("safety-screens");
    if (!block) return [];
    var known = {};
    try { known = JSON.parse(document.getElementById("episode-facts").textContent) || {}; } catch (e) { known = {}; }
    try {
      // A fact of the injury already known (asked once per episode) is not asked again.
      return (JSON.parse(block.textContent) || []).filter(function (screen) {
        return screen.scope !== "episode" || !screen.fields.every(function (f) { return f in known; });
      });
    } catch (e) { return []; }
  }

  // Leaf conditions of a `when` that hold now: their fields are what triggered it.
  function triggers(condition, answers, judge, out) {
    if (condition.all || condition.any) {
      (condition.all || condition.any).forEach(function (c) { triggers(c, answers, judge, out); });
    } else if (condition.count_of) {
      if (judge(condition, answers) === true) out.push.apply(out, condition.count_of);
    } else if (condition.field && judge(condition, answers) === true) {
      out.push(condition.field);
    }
    return out;
  }

  function inputsNamed(form, name) {
    return Array.prototype.filter.call(form.elements, function (el) { return el.name === name; });
  }

  function answeredInForm(form, name) {
    return inputsNamed(form, name).some(function (el) {
      return (el.type === "radio" || el.type === "checkbox") ? el.checked : el.value !== "";
    });
  }

  function setField(form, name, value) {
    var inputs = inputsNamed(form, name);
    if (!inputs.length) return;
    var wanted = value === null || value === undefined ? [] : [].concat(value).map(function (v) {
      return typeof v === "boolean" ? YES_NO[String(v)] : String(v);
    });
    inputs.forEach(function (el) {
      if (el.type === "radio" || el.type === "checkbox") el.checked = wanted.indexOf(el.value) !== -1;
      else el.value = wanted.length ? wanted[0] : "";
    });
  }

  function fieldBlock(form, name) {
    var block = form.querySelector("#field-" + name);
    if (block) return block;
    var input = inputsNamed(form, name)[0];
    return input ? input.closest("fieldset, .field") : null;
  }

  // Right after the fieldset of the answer that triggered it; when that sits inside
  // the closed "More details" (or is the notes), just before "More details".
  function anchorFor(form, fields, lastChanged) {
    var ordered = fields.indexOf(lastChanged) !== -1 ? [lastChanged].concat(fields) : fields;
    for (var i = 0; i < ordered.length; i += 1) {
      var block = fieldBlock(form, ordered[i]);
      if (!block) continue;
      var details = block.closest("details");
      return details && !details.open ? details : block;
    }
    return form.querySelector("details") || form.querySelector(".savebar");
  }

  function isNone(option) {
    var values = Object.keys(option.set || {}).map(function (k) { return option.set[k]; });
    return values.length > 0 && values.every(function (v) { return v === false; });
  }

  function store(form, screen, card) {
    var pressed = Array.prototype.filter.call(card.querySelectorAll("[data-option]"), function (b) {
      return b.getAttribute("aria-pressed") === "true";
    }).map(function (b) { return screen.options[Number(b.getAttribute("data-option"))]; });
    var values = {};
    if (pressed.length) {
      if (screen.multiple) screen.fields.forEach(function (f) { values[f] = false; });
      pressed.forEach(function (option) {
        Object.keys(option.set).forEach(function (f) { values[f] = option.set[f]; });
      });
    } else {
      // All taken back: the fields return to what they were before the card set them.
      var before = card.__before || {};
      screen.fields.forEach(function (f) { values[f] = f in before ? before[f] : null; });
    }
    Object.keys(values).forEach(function (f) { setField(form, f, values[f]); });
    card.setAttribute("data-answered", pressed.length ? "yes" : "");
    // Tell live-flags.js (and anyone else) the answers changed.
    form.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function tap(form, screen, card, button) {
    var index = Number(button.getAttribute("data-option"));
    var option = screen.options[index];
    var buttons = card.querySelectorAll("[data-option]");
    var pressedNow = button.getAttribute("aria-pressed") !== "true";
    Array.prototype.forEach.call(buttons, function (b) {
      var other = screen.options[Number(b.getAttribute("data-option"))];
      // One choice, or "None of these", stands alone; signs of a group combine.
      var alone = !screen.multiple || isNone(option) || isNone(other);
      if (b !== button && alone && pressedNow) b.setAttribute("aria-pressed", "false");
    });
    button.setAttribute("aria-pressed", pressedNow ? "true" : "false");
    store(form, screen, card);
  }

  // The form's current value of a field, as fossa-diary/1 (true/false, text), or undefined.
  function formValue(form, name) {
    var checked = inputsNamed(form, name).filter(function (el) { return el.checked; });
    if (!checked.length) return undefined;
    var value = checked[0].value;
    return value === "yes" ? true : value === "no" ? false : value;
  }

  function build(form, screen) {
    var template = document.getElementById("safety-question-template");
    if (!template) return null;
    var card = template.content.firstElementChild.cloneNode(true);
    var id = "safety-" + screen.code.replace(/[^a-z0-9_-]/gi, "-");
    card.id = id;
    card.setAttribute("data-code", screen.code);
    card.classList.add("urgency-" + (screen.urgency || "see_professional"));
    var text = card.querySelector("[data-slot=question]");
    text.id = id + "-q";
    text.textContent = screen.question;
    card.setAttribute("aria-labelledby", text.id);
    card.querySelector("[data-slot=why]").textContent = screen.why || "";
    var box = card.querySelector("[data-slot=options]");
    (screen.options || []).forEach(function (option, index) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "chip-button" + (isNone(option) ? " none-option" : "");
      button.setAttribute("data-option", String(index));
      // An answer already given under More details shows as picked.
      var given = Object.keys(option.set || {}).every(function (f) {
        return formValue(form, f) === option.set[f];
      });
      button.setAttribute("aria-pressed", given && !isNone(option) ? "true" : "false");
      button.textContent = option.label;
      button.addEventListener("click", function () { tap(form, screen, card, button); });
      box.appendChild(button);
    });
    card.__before = {};
    screen.fields.forEach(function (f) {
      var value = formValue(form, f);
      if (value !== undefined) card.__before[f] = value;
    });
    return card;
  }

  function watch(form) {
    if (form.dataset.safetyWatched === "yes") return;
    var screens = screensOf(form);
    var live = self.FossaLive;
    if (!screens.length || !live) return;
    form.dataset.safetyWatched = "yes";
    var lastChanged = null;
    var cards = {}; // code -> card shown

    form.addEventListener("change", function (event) {
      if (event.target && event.target.name) lastChanged = event.target.name;
    }, true);
    form.addEventListener("input", function (event) {
      if (event.target && event.target.name === "notes") lastChanged = "notes";
    }, true);
    form.addEventListener("reset", function () {
      Object.keys(cards).forEach(function (code) { cards[code].remove(); });
      cards = {};
    });

    form.addEventListener("fossa:answers", function (event) {
      var answers = event.detail.answers;
      screens.forEach(function (screen) {
        var card = cards[screen.code];
        var relevant = live.judge(screen.when, answers) === true;
        var answeredElsewhere = screen.fields.every(function (f) { return answeredInForm(form, f); });
        var keep = card && card.getAttribute("data-answered") === "yes";
        if (!relevant || (answeredElsewhere && !keep)) {
          // Answered under More details, or no longer relevant: the card goes, the
          // answers it set stay (they are the person's answers).
          if (card) { card.remove(); delete cards[screen.code]; }
          return;
        }
        if (card) return; // already asked: do not move it under the person's finger
        card = build(form, screen);
        if (!card) return;
        var anchor = anchorFor(form, triggers(screen.when, answers, live.judge, []), lastChanged);
        if (!anchor) return;
        if (anchor.tagName === "DETAILS") {
          anchor.parentNode.insertBefore(card, anchor);
        } else {
          // After any question already asked there, so they read in the order asked.
          while (anchor.nextElementSibling && anchor.nextElementSibling.hasAttribute("data-safety-question")) {
            anchor = anchor.nextElementSibling;
          }
          anchor.insertAdjacentElement("afterend", card);
        }
        cards[screen.code] = card;
      });
    });
    form.dispatchEvent(new CustomEvent("fossa:recheck"));
  }

  function start(root) {
    root.querySelectorAll("form[data-red-flag-form]").forEach(watch);
  }

  document.addEventListener("DOMContentLoaded", function () { start(document); });
  document.addEventListener("htmx:load", function (event) { if (event.target.querySelectorAll) start(event.target); });
})();
