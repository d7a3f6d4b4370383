/* Red-flag warnings on the log form, judged in the browser as the person answers.

   The rules are not written here: the server embeds them, generated from the
   insights knowledge data, as JSON in <script type="application/json"
   id="red-flag-rules">. This file only knows the small condition grammar of
   webapp.insights.client_red_flag_rules(), so the warning works offline and
   says exactly what the server-side engine would say after saving. */
(function () {
  "use strict";

  var BOOLEAN_WORDS = { yes: true, no: false };

  // Signs read from the notes as typed (static/js/note-signs.js, with the phrase
  // table the server embeds): they fill only questions the form leaves unanswered,
  // so a "No" tapped by the person is never overruled by the reading of a note.
  function phraseTable() {
    var block = document.getElementById("note-phrases");
    if (!block || !self.FossaNotes) return null;
    try { return JSON.parse(block.textContent); } catch (e) { return null; }
  }

  // The note's signs join the tapped answers exactly as the server merges them
  // (FossaNotes.withSigns: an answer wins, list values join, never a field a flag
  // reads as "could be").
  function withNoteSigns(answers, text, table) {
    if (!text || !table || !self.FossaNotes || !self.FossaNotes.withSigns) return answers;
    try { return self.FossaNotes.withSigns(answers, text, table); } catch (e) { return answers; }
  }

  // The form's current answers, in fossa-diary/1 terms: unanswered fields are absent.
  // With the signs of the notes unless ``tappedOnly``.
  function answersOf(form, tappedOnly) {
    var answers = {};
    new FormData(form).forEach(function (raw, name) {
      var value = String(raw);
      if (value === "") return;
      var input = form.elements[name];
      var multiple = input && input.length > 1 && input[0] && input[0].type === "checkbox";
      if (multiple) {
        (answers[name] = answers[name] || []).push(value);
      } else if (value in BOOLEAN_WORDS) {
        answers[name] = BOOLEAN_WORDS[value];
      } else if (/^\d+$/.test(value) && name === "pain") {
        answers[name] = parseInt(value, 10);
      } else {
        answers[name] = value;
      }
    });
    var notes = form.elements.notes;
    return tappedOnly ? answers : withNoteSigns(answers, notes && notes.value, phraseTable());
  }

  // The grammar of webapp/insights/conditions.py, with its three values: true,
  // false and null (unknown). A rule fires only on true, so an unanswered
  // question never raises, nor clears, a warning by itself.
  function judge(condition, answers) {
    if (condition.all) {
      var results = condition.all.map(function (c) { return judge(c, answers); });
      if (results.indexOf(false) !== -1) return false;
      return results.indexOf(null) !== -1 ? null : true;
    }
    if (condition.any) {
      var some = condition.any.map(function (c) { return judge(c, answers); });
      if (some.indexOf(true) !== -1) return true;
      return some.indexOf(null) !== -1 ? null : false;
    }
    if (condition.count_of) {
      var hits = 0, unknown = 0;
      condition.count_of.forEach(function (field) {
        if (answers[field] === undefined) unknown += 1;
        else if (answers[field] === condition.is) hits += 1;
      });
      if (hits >= condition.at_least) return true;
      return hits + unknown >= condition.at_least ? null : false;
    }
    var value = answers[condition.field];
    if (value === undefined) return "not_recorded_as" in condition ? true : null;
    if ("is" in condition) return value === condition.is;
    if ("in" in condition) return condition.in.indexOf(value) !== -1;
    if ("has" in condition) return Array.isArray(value) ? value.indexOf(condition.has) !== -1 : null;
    if ("has_any" in condition) {
      if (!Array.isArray(value)) return null;
      return condition.has_any.some(function (v) { return value.indexOf(v) !== -1; });
    }
    if ("at_least" in condition) return typeof value === "number" ? value >= condition.at_least : null;
    if ("not_recorded_as" in condition) return value !== condition.not_recorded_as;
    return null;
  }

  function render(box, raised) {
    box.textContent = "";
    raised.forEach(function (rule) {
      var item = document.createElement("div");
      item.className = "live-flag flag-" + rule.urgency;
      var heading = document.createElement("strong");
      heading.textContent = rule.headline;
      // Short, because it stays on screen over the form: the full advice comes with
      // the saved entry and on /insights.
      var advice = document.createElement("p");
      advice.textContent = rule.title + ".";
      item.appendChild(heading);
      item.appendChild(advice);
      box.appendChild(item);
    });
    box.hidden = raised.length === 0;
  }

  function watch(form) {
    var source = document.getElementById("red-flag-rules");
    var box = form.querySelector("[data-live-flags]");
    if (!source || !box || form.dataset.flagsWatched === "yes") return;
    form.dataset.flagsWatched = "yes";
    var rules = JSON.parse(source.textContent);
    var shown = "";
    function check() {
      var answers = answersOf(form);
      var raised = rules.filter(function (rule) { return judge(rule.when, answers) === true; });
      var codes = raised.map(function (rule) { return rule.code; }).join(" ");
      // Other scripts (the emergency interrupt, the safety questions) follow along.
      form.dispatchEvent(new CustomEvent("fossa:answers", { bubbles: true, detail: { answers: answers, raised: raised } }));
      if (codes === shown) return; // re-rendering would make screen readers repeat it
      shown = codes;
      render(box, raised);
    }
    var typing = null;
    form.addEventListener("change", check);
    // The notes are read as they are typed, a moment after the last key.
    form.addEventListener("input", function (event) {
      if (event.target.name !== "notes") return;
      clearTimeout(typing);
      typing = setTimeout(check, 250);
    });
    form.addEventListener("fossa:recheck", check);
    check();
  }

  self.FossaLive = { judge: judge, answersOf: answersOf, withNoteSigns: withNoteSigns, phraseTable: phraseTable };

  function start(root) {
    root.querySelectorAll("form[data-red-flag-form]").forEach(watch);
    if (root.matches && root.matches("form[data-red-flag-form]")) watch(root);
  }

  document.addEventListener("DOMContentLoaded", function () { start(document); });
  document.addEventListener("htmx:load", function (event) { start(event.target); });
})();
