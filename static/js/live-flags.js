/* Red-flag warnings on the log form, judged in the browser as the person answers.

   The rules are not written here: the server embeds them, generated from the
   insights knowledge data, as JSON in <script type="application/json"
   id="red-flag-rules">. This file only knows the small condition grammar of
   webapp.insights.client_red_flag_rules(), so the warning works offline and
   says exactly what the server-side engine would say after saving. */
(function () {
  "use strict";

  var BOOLEAN_WORDS = { yes: true, no: false };

  // The form's current answers, in fossa-diary/1 terms: unanswered fields are absent.
  function answersOf(form) {
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
    return answers;
  }

  function holds(condition, answers) {
    if (condition.all) return condition.all.every(function (c) { return holds(c, answers); });
    if (condition.any) return condition.any.some(function (c) { return holds(c, answers); });
    if (condition.count_of) {
      var count = condition.count_of.filter(function (field) {
        return answers[field] === condition.is;
      }).length;
      return count >= condition.at_least;
    }
    var value = answers[condition.field];
    if (value === undefined) return false; // unknown is never evidence
    if ("is" in condition) return value === condition.is;
    if ("in" in condition) return condition.in.indexOf(value) !== -1;
    if ("at_least" in condition) return typeof value === "number" && value >= condition.at_least;
    return false;
  }

  function render(box, raised) {
    box.textContent = "";
    raised.forEach(function (rule) {
      var item = document.createElement("div");
      item.className = "live-flag flag-" + rule.urgency;
      var heading = document.createElement("strong");
      heading.textContent = rule.headline;
      var advice = document.createElement("p");
      advice.textContent = rule.title + ": " + rule.advice;
      item.appendChild(heading);
      item.appendChild(advice);
      box.appendChild(item);
    });
    box.hidden = raised.length === 0;
  }

  function watch(form) {
    var source = document.getElementById("red-flag-rules");
    var box = form.querySelector("[data-live-flags]");
    if (!source || !box || form.dataset.liveFlags === "on") return;
    form.dataset.liveFlags = "on";
    var rules = JSON.parse(source.textContent);
    var shown = "";
    function check() {
      var answers = answersOf(form);
      var raised = rules.filter(function (rule) { return holds(rule.when, answers); });
      var codes = raised.map(function (rule) { return rule.code; }).join(" ");
      if (codes === shown) return; // re-rendering would make screen readers repeat it
      shown = codes;
      render(box, raised);
    }
    form.addEventListener("change", check);
    check();
  }

  function start(root) {
    root.querySelectorAll("form[data-red-flag-form]").forEach(watch);
    if (root.matches && root.matches("form[data-red-flag-form]")) watch(root);
  }

  document.addEventListener("DOMContentLoaded", function () { start(document); });
  document.addEventListener("htmx:load", function (event) { start(event.target); });
})();
