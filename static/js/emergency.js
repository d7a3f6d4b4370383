/* The emergency interrupt before saving: when the answers being filled in (or the
   notes as typed, or an entry still waiting offline) match an emergency red flag,
   a full-width card with the call button comes up over the form.

   The words and the number come from the page: the card is the <template
   id="emergency-template"> of templates/_emergency.html, the rules are the engine's
   client_red_flag_rules() judged by static/js/live-flags.js, which tells this file
   through the "fossa:answers" event. Nothing here needs the network. */
(function () {
  "use strict";

  var backedFrom = {}; // codes the person went back to their entry from, this form

  function card() { return document.querySelector("[data-live-emergency]"); }

  function lowerFirst(text) { return text ? text.charAt(0).toLowerCase() + text.slice(1) : ""; }

  function show(rule, anchor, note, fromNotes) {
    var open = card();
    if (open && open.getAttribute("data-code") === rule.code && !note === !open.hasAttribute("data-waiting")) return;
    if (open) open.remove();
    var template = document.getElementById("emergency-template");
    if (!template) return;
    var node = template.content.firstElementChild.cloneNode(true);
    node.setAttribute("data-code", rule.code);
    node.querySelector("[data-slot=headline]").textContent = rule.headline;
    node.querySelector("[data-slot=title]").textContent = lowerFirst(rule.title);
    // Raised by what the note says rather than by the taps: say so.
    if (fromNotes) node.querySelector("[data-slot=lead]").textContent = "What you wrote describes";
    if (note) {
      node.setAttribute("data-waiting", "");
      var line = document.createElement("p");
      line.className = "emergency-when";
      line.textContent = note;
      node.querySelector(".emergency-card").appendChild(line);
    }
    // Inside the log section: saving swaps the section, and the server's own
    // interrupt takes over at the top of the page.
    (anchor || document.body).appendChild(node);
  }

  // A card about an entry waiting offline stays until that entry is sent; the form's
  // own card follows the form's answers.
  function hide() {
    var open = card();
    if (open && !open.hasAttribute("data-waiting")) open.remove();
  }

  function emergencies(raised) {
    return (raised || []).filter(function (rule) { return rule.urgency === "emergency"; });
  }

  document.addEventListener("fossa:answers", function (event) {
    var form = event.target;
    var found = emergencies(event.detail.raised);
    if (!found.length) { backedFrom = {}; hide(); return; }
    var rule = found[0];
    if (backedFrom[rule.code]) return; // the compact warning above Save stays
    var live = self.FossaLive;
    var fromNotes = !!live && live.judge(rule.when, live.answersOf(form, true)) !== true;
    var open = card();
    if (open && open.getAttribute("data-code") === rule.code && open.hasAttribute("data-from-notes") !== fromNotes) open.remove();
    show(rule, form.closest("#log") || form.parentNode, null, fromNotes);
    if (fromNotes && card()) card().setAttribute("data-from-notes", "");
  });

  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target.closest("[data-emergency-back], [data-emergency-save], .live-flag.flag-emergency") : null;
    if (!target) return;
    var open = card();
    if (target.hasAttribute("data-emergency-save")) {
      // Saved as it is: the server's own interrupt then stays at the top of /today.
      var entryForm = document.getElementById("entry-form");
      if (open) backedFrom[open.getAttribute("data-code")] = true;
      if (open) open.remove();
      if (entryForm && entryForm.requestSubmit) {
        var submit = entryForm.querySelector("button[type=submit]");
        entryForm.requestSubmit(submit || undefined);
      }
      return;
    }
    if (target.hasAttribute("data-emergency-back")) {
      if (open) backedFrom[open.getAttribute("data-code")] = true;
      if (open) open.remove();
      return;
    }
    // The compact warning above Save brings the interrupt back.
    var form = target.closest("form");
    backedFrom = {};
    if (form) form.dispatchEvent(new CustomEvent("fossa:recheck"));
  });

  document.addEventListener("keydown", function (event) {
    var open = card();
    if (event.key === "Escape" && open) {
      backedFrom[open.getAttribute("data-code")] = true;
      open.remove();
    }
  });

  // An entry kept on this phone (no connection) that raised an emergency: the
  // server has not seen it yet, so the page says it until it is sent.
  function checkWaitingEntries() {
    var queue = self.FossaQueue;
    var rulesBlock = document.getElementById("red-flag-rules");
    var live = self.FossaLive;
    if (!queue || !rulesBlock || !live || card()) return;
    var rules;
    try { rules = JSON.parse(rulesBlock.textContent); } catch (e) { return; }
    queue.pending().then(function (items) {
      var table = live.phraseTable();
      for (var i = 0; i < items.length; i += 1) {
        var entry = items[i].entry || {};
        var answers = live.withNoteSigns(JSON.parse(JSON.stringify(entry)), entry.notes, table);
        var found = rules.filter(function (rule) {
          return rule.urgency === "emergency" && live.judge(rule.when, answers) === true;
        });
        if (found.length) {
          var log = document.getElementById("log");
          show(found[0], log, "From an entry kept on this phone" + (entry.date ? " for " + entry.date : "") +
            ", waiting for the connection to be sent.");
          return;
        }
      }
    }).catch(function () {});
  }

  document.addEventListener("DOMContentLoaded", checkWaitingEntries);
  document.addEventListener("htmx:afterSettle", function (event) {
    if (event.target === document.body) checkWaitingEntries();
  });
})();
