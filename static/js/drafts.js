/* Drafts: an entry being typed on /today is kept on this device as it is typed, so a
   closed tab, a crash or a dead battery loses nothing (the form has 30 questions).

   - Kept in localStorage under "fossa-draft:<owner>" (the page's queue owner tag, an
     HMAC of the person's id), so one person's draft is never shown to another.
   - Restored when a new-entry form is shown (data-new-entry) and a draft is there.
   - Cleared once the entry is in the offline queue ("fossa:entry-queued", sent by
     app.js before the save leaves the page), by "Start over", and on logout
     (every draft of this device). A form the server sent back with errors is kept
     as a draft at once: its answers exist nowhere else. */
(function () {
  "use strict";

  var PREFIX = "fossa-draft:";
  var timer = null;

  function owner() {
    var bar = document.getElementById("pwa-bar");
    return bar ? bar.getAttribute("data-queue-owner") : null;
  }

  function key() { var o = owner(); return o ? PREFIX + o : null; }

  function entryForm(root) {
    if (root && root.getAttribute && root.getAttribute("id") === "entry-form") return root;
    return root && root.querySelector ? root.querySelector("#entry-form") : null;
  }

  function read() {
    var k = key();
    if (!k) return null;
    try { return JSON.parse(window.localStorage.getItem(k) || "null"); } catch (e) { return null; }
  }

  function forget() {
    if (timer) { window.clearTimeout(timer); timer = null; }
    var k = key();
    try { if (k) window.localStorage.removeItem(k); } catch (e) { /* private mode */ }
  }

  function forgetAll() {
    if (timer) { window.clearTimeout(timer); timer = null; }
    try {
      for (var i = window.localStorage.length - 1; i >= 0; i--) {
        var name = window.localStorage.key(i);
        if (name && name.indexOf(PREFIX) === 0) window.localStorage.removeItem(name);
      }
    } catch (e) { /* private mode */ }
  }

  function answers(form) {
    var list = [];
    new FormData(form).forEach(function (value, name) {
      if (name === "csrf_token" || name === "id" || typeof value !== "string") return;
      list.push([name, value]);
    });
    return list;
  }

  function typedSomething(list, form) {
    var day = form.querySelector("input[name=date]");
    return list.some(function (pair) {
      if (pair[0] === "date") return day && pair[1] !== day.defaultValue;
      return pair[1] !== "";
    });
  }

  function keep(form) {
    var k = key();
    if (!k) return;
    var list = answers(form);
    try {
      if (!typedSomething(list, form)) window.localStorage.removeItem(k);
      else window.localStorage.setItem(k, JSON.stringify({ answers: list, keptAt: new Date().toISOString() }));
    } catch (e) { /* storage full or private mode: the form still holds it */ }
  }

  function keepSoon(form) {
    if (timer) window.clearTimeout(timer);
    timer = window.setTimeout(function () { timer = null; keep(form); }, 250);
  }

  function restore(form, draft) {
    // Today's summary was showing: the unfinished entry is the thing to finish.
    if (form.hidden && window.FossaToday) window.FossaToday.showForm(false);
    var values = {};
    draft.answers.forEach(function (pair) { (values[pair[0]] = values[pair[0]] || []).push(pair[1]); });
    Array.prototype.forEach.call(form.elements, function (input) {
      var name = input.name;
      if (!name || name === "csrf_token" || name === "id" || !(name in values)) return;
      if (input.type === "radio" || input.type === "checkbox") input.checked = values[name].indexOf(input.value) >= 0;
      else input.value = values[name][0];
    });
    // Answers behind "more details" are shown, not left folded away.
    var details = form.querySelector("#more-details");
    if (details && Array.prototype.some.call(details.querySelectorAll("[name]"), function (el) {
      return el.name in values && values[el.name].some(function (v) { return v !== ""; });
    })) details.open = true;
    ["input", "change"].forEach(function (type) {
      form.querySelectorAll("input, textarea").forEach(function (el) {
        if (el.type !== "hidden") el.dispatchEvent(new Event(type, { bubbles: true }));
      });
    });
    var note = document.createElement("p");
    note.id = "draft-note";
    note.className = "saved-note";
    note.setAttribute("role", "status");
    note.textContent = "Your unsaved entry is back, as you left it. ";
    var again = document.createElement("button");
    again.type = "button";
    again.className = "link-button";
    again.textContent = "Start over";
    again.setAttribute("data-draft-start-over", "");
    note.appendChild(again);
    var old = document.getElementById("draft-note");
    if (old) old.remove();
    form.parentNode.insertBefore(note, form);
  }

  function start(root) {
    var form = entryForm(root);
    if (!form || form.hasAttribute("data-draft-ready")) return;
    form.setAttribute("data-draft-ready", "");
    if (!key()) return;
    if (form.hasAttribute("data-new-entry")) {
      var draft = read();
      if (draft && draft.answers && draft.answers.length) restore(form, draft);
    } else {
      keep(form); // sent back with errors: what was typed lives only in this form now
    }
    form.addEventListener("input", function () { keepSoon(form); });
    form.addEventListener("change", function () { keepSoon(form); });
  }

  document.addEventListener("fossa:entry-queued", forget);
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-draft-start-over]") : null;
    if (!button) return;
    forget();
    var form = document.getElementById("entry-form");
    if (form) {
      var day = form.querySelector("input[name=date]");
      form.reset();
      if (day) day.value = day.defaultValue;
      form.querySelectorAll("input, textarea").forEach(function (el) {
        if (el.type !== "hidden") el.dispatchEvent(new Event("input", { bubbles: true }));
      });
      forget();
    }
    var note = document.getElementById("draft-note");
    if (note) note.remove();
  });
  // Logging out or deleting the account: this device keeps no draft of anyone.
  document.addEventListener("submit", function (event) {
    var action = event.target.action ? new URL(event.target.action).pathname : "";
    if (/\/logout$|\/account\/delete$/.test(action)) forgetAll();
  }, true);
  document.addEventListener("DOMContentLoaded", function () { start(document); });
  document.addEventListener("htmx:load", function (event) { start(event.target); });
})();
