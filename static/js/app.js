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

/* Offline and installable: the service worker, the offline queue's face on the
   page, the install offer and the update notice. See static/js/offline-queue.js. */
(function () {
  "use strict";

  var PAGES_CACHE = "fossa-pages"; // the service worker's cache of visited pages (templates/pwa/sw.js)
  var Queue = window.FossaQueue;
  var installEvent = null;
  var signedOut = false; // the last replay found no session: say so next to the count
  var waitingWorker = null;

  function byId(id) { return document.getElementById(id); }
  function show(id, visible) { var el = byId(id); if (el) el.hidden = !visible; }
  function bar() { return byId("pwa-bar"); }

  function entryFormat() {
    var block = byId("entry-format");
    try { return block ? JSON.parse(block.textContent) : null; } catch (e) { return null; }
  }

  // ---- the service worker and its updates ----------------------------------
  function watchForUpdate(registration) {
    function offer(worker) {
      waitingWorker = worker;
      show("update-ready", true);
    }
    if (registration.waiting && navigator.serviceWorker.controller) offer(registration.waiting);
    registration.addEventListener("updatefound", function () {
      var worker = registration.installing;
      if (!worker) return;
      worker.addEventListener("statechange", function () {
        // A first install is not an update: only offer a reload when a worker already runs.
        if (worker.state === "installed" && navigator.serviceWorker.controller) offer(worker);
      });
    });
  }

  function registerWorker() {
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).then(watchForUpdate).catch(function () {});
    var reloading = false;
    navigator.serviceWorker.addEventListener("controllerchange", function () {
      if (waitingWorker && !reloading) { reloading = true; window.location.reload(); return; }
      keepThisPage(); // it loaded before any worker ran
    });
  }

  // A page that came as the answer to a form post (log in, register) or before the
  // worker ran has no copy in the cache yet: the worker fetches one if it lacks it.
  function keepThisPage() {
    var worker = navigator.serviceWorker && navigator.serviceWorker.controller;
    if (worker && bar() && bar().hasAttribute("data-queue-owner")) {
      worker.postMessage({ type: "keep-page", url: window.location.href });
    }
  }

  // ---- install -------------------------------------------------------------
  function standalone() {
    return (window.matchMedia && window.matchMedia("(display-mode: standalone)").matches) || navigator.standalone === true;
  }

  function iosSafari() {
    var ua = navigator.userAgent;
    var ios = /iPhone|iPad|iPod/.test(ua) || (navigator.platform === "MacIntel" && navigator.maxTouchPoints > 1);
    return ios && /Safari/.test(ua) && !/CriOS|FxiOS|EdgiOS/.test(ua);
  }

  function dismissed(id) {
    try { return window.localStorage.getItem("fossa-dismissed-" + id) === "1"; } catch (e) { return false; }
  }

  function drawInstallUi() {
    // Offered to people using their diary, not on the log-in page (where it would
    // also be the last thing painted, the page's "largest contentful paint").
    var signedIn = !!(bar() && bar().hasAttribute("data-queue-owner"));
    if (standalone() || !signedIn) { show("install-offer", false); show("ios-install-hint", false); return; }
    show("install-offer", !!installEvent && !dismissed("install-offer"));
    show("ios-install-hint", !installEvent && iosSafari() && !dismissed("ios-install-hint"));
  }

  window.addEventListener("beforeinstallprompt", function (event) {
    event.preventDefault(); // offer it in our own words, in the page, when the person wants it
    installEvent = event;
    drawInstallUi();
  });
  window.addEventListener("appinstalled", function () { installEvent = null; drawInstallUi(); });

  // ---- the offline queue on the page ---------------------------------------
  function plural(n, one, many) { return n + " " + (n === 1 ? one : many); }

  function describe(entry) {
    var parts = [];
    if (entry.date) parts.push(entry.date);
    if (entry.pain !== undefined) parts.push("pain " + entry.pain);
    return parts.join(", ") || "An entry";
  }

  function reasons(errors) {
    var list = [];
    Object.keys(errors || {}).forEach(function (field) {
      (errors[field] || []).forEach(function (message) { list.push(message); });
    });
    return list.join(" ");
  }

  function drawQueue() {
    if (!Queue || !byId("sync-status")) return Promise.resolve();
    return Queue.pending().then(function (items) {
      var status = byId("sync-status");
      if (!status) return;
      var waiting = items.filter(function (i) { return i.status !== "rejected"; });
      var rejected = items.filter(function (i) { return i.status === "rejected"; });
      status.querySelector(".sync-count").textContent = waiting.length
        ? plural(waiting.length, "entry", "entries") + " waiting to sync. " +
          (signedOut ? "Log in to send them." : "Kept on this phone until the connection is back.")
        : "";
      var list = status.querySelector(".sync-rejected");
      list.textContent = "";
      rejected.forEach(function (item) {
        var li = document.createElement("li");
        li.className = "sync-problem";
        var text = document.createElement("p");
        text.textContent = describe(item.entry) + " was not saved: " + reasons(item.errors);
        var fix = document.createElement("button");
        fix.type = "button";
        fix.className = "button";
        fix.textContent = "Fix";
        fix.setAttribute("data-fix", item.id);
        fix.setAttribute("aria-label", "Fix " + describe(item.entry));
        var drop = document.createElement("button");
        drop.type = "button";
        drop.className = "link-button";
        drop.textContent = "Discard";
        drop.setAttribute("data-discard", item.id);
        drop.setAttribute("aria-label", "Discard " + describe(item.entry));
        li.append(text, fix, drop);
        list.appendChild(li);
      });
      status.hidden = !items.length;
    }).catch(function () {});
  }

  function entryFromForm(form, format) {
    var entry = {};
    new FormData(form).forEach(function (value, name) {
      if (format.fields.indexOf(name) < 0 || typeof value !== "string" || value === "") return;
      if (format.lists.indexOf(name) >= 0) (entry[name] = entry[name] || []).push(value);
      else if (format.booleans.indexOf(name) >= 0) { if (value === "yes" || value === "no") entry[name] = value === "yes"; }
      else if (format.integers.indexOf(name) >= 0) entry[name] = /^-?\d+$/.test(value) ? parseInt(value, 10) : value;
      else if (name === "notes") { if (value.trim()) entry[name] = value; }
      else entry[name] = value;
    });
    return entry;
  }

  function fillForm(form, entry, format) {
    form.reset();
    Array.prototype.forEach.call(form.elements, function (input) {
      var name = input.name;
      if (!name || !(name in entry)) return;
      var value = entry[name];
      if (format.booleans.indexOf(name) >= 0) value = value ? "yes" : "no";
      if (input.type === "radio") input.checked = String(value) === input.value;
      else if (input.type === "checkbox") input.checked = [].concat(value).indexOf(input.value) >= 0;
      else input.value = value;
    });
    var details = form.querySelector("details");
    if (details) details.open = true;
  }

  function newEntryId() {
    return window.crypto && window.crypto.randomUUID ? window.crypto.randomUUID() : "";
  }

  function keepOffline(form) {
    var format = entryFormat();
    if (!Queue || !format) return false;
    var entry = entryFromForm(form, format);
    Queue.enqueue(entry).then(function () {
      form.reset();
      var id = form.querySelector("input[name=id]");
      var fresh = newEntryId();
      if (id && fresh) id.value = fresh;
      var note = byId("offline-note");
      if (!note) {
        note = document.createElement("p");
        note.id = "offline-note";
        note.className = "saved-note";
        note.setAttribute("role", "status");
        form.parentNode.insertBefore(note, form);
      }
      note.textContent = "No connection: saved on this phone for " + describe(entry) + ". It will be sent when you are back online.";
      return drawQueue();
    });
    return true;
  }

  // getAttribute, not el.id: the form's own field named "id" shadows that property.
  function isEntryForm(el) { return !!el && el.getAttribute && el.getAttribute("id") === "entry-form"; }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.detail.elt;
    if (!isEntryForm(form)) return;
    var idField = form.querySelector("input[name=id]");
    form.setAttribute("data-sending-id", idField ? idField.value : "");
    // Known to be offline: no point waiting for the request to fail.
    if (navigator.onLine === false && keepOffline(form)) event.preventDefault();
  });

  document.addEventListener("htmx:sendError", function (event) {
    var elt = event.detail.elt;
    if (isEntryForm(elt)) { keepOffline(elt); return; }
    var config = event.detail.requestConfig || {};
    if (config.verb && config.verb !== "get") {
      // Only new entries can wait in the queue; any other change needs the server.
      var note = byId("offline-error");
      if (note) {
        note.textContent = "No connection: that was not saved. Try again when you are back online.";
        note.hidden = false;
      }
      return;
    }
    // A boosted link that cannot reach the server: let the browser navigate, so
    // the service worker can answer from its cache or with the offline page.
    if (config.verb === "get" && config.boosted && config.path) window.location.assign(config.path);
  });

  document.addEventListener("htmx:beforeSwap", function (event) {
    // beforeSwap, not afterRequest: the swap replaces the form, and events of a
    // detached form no longer reach the document. Here detail.elt is the target.
    var config = event.detail.requestConfig || {};
    var target = event.detail.elt;
    var form = isEntryForm(config.elt) ? config.elt
      : target && target.querySelector ? target.querySelector("#entry-form[data-sending-id]") : null;
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    if (!Queue || !isEntryForm(form) || status < 200 || status >= 300) return;
    var id = form.getAttribute("data-sending-id");
    // A fixed entry saved through the form is no longer waiting in the queue.
    if (id) Queue.discard(id).then(drawQueue);
  });

  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target.closest("button") : null;
    if (!target) return;
    if (target.id === "install-button" && installEvent) {
      installEvent.prompt();
      installEvent.userChoice.finally(function () { installEvent = null; drawInstallUi(); });
    } else if (target.id === "update-reload" && waitingWorker) {
      waitingWorker.postMessage({ type: "skip-waiting" });
    } else if (target.hasAttribute("data-dismiss")) {
      var id = target.getAttribute("data-dismiss");
      try { window.localStorage.setItem("fossa-dismissed-" + id, "1"); } catch (e) { /* private mode */ }
      show(id, false);
    } else if (target.hasAttribute("data-discard")) {
      Queue.discard(target.getAttribute("data-discard")).then(drawQueue);
    } else if (target.hasAttribute("data-fix")) {
      fixEntry(target.getAttribute("data-fix"));
    }
  });

  function fixEntry(id) {
    var form = byId("entry-form");
    var format = entryFormat();
    if (!form || !format) { window.location.assign("/today?fix=" + encodeURIComponent(id)); return; }
    Queue.pending().then(function (items) {
      var item = items.filter(function (i) { return i.id === id; })[0];
      if (!item) return;
      fillForm(form, item.entry, format);
      form.scrollIntoView();
      var first = form.querySelector("input:not([type=hidden])");
      if (first) first.focus();
    });
  }

  function noteSynced(result) {
    if (!result) return;
    signedOut = !!result.signedOut;
    if (!result.synced) return;
    var note = byId("offline-note") || document.createElement("p");
    note.id = "offline-note";
    note.className = "saved-note";
    note.setAttribute("role", "status");
    note.textContent = plural(result.synced, "entry", "entries") + " saved on this phone " +
      (result.synced === 1 ? "is" : "are") + " now in your diary.";
    var status = byId("sync-status");
    if (!note.parentNode && status) status.parentNode.insertBefore(note, status);
  }

  function replayAndDraw() {
    if (!Queue) return;
    Queue.replay().then(function (result) { noteSynced(result); return drawQueue(); }, drawQueue);
  }

  function startPage() {
    var root = bar();
    if (Queue && root) {
      var owner = root.getAttribute("data-queue-owner");
      var ready;
      if (owner) ready = Queue.setOwner(owner);
      else if (root.hasAttribute("data-signed-out")) {
        // Nobody is signed in: no diary page may stay readable offline.
        ready = Queue.setOwner(null);
        if (window.caches) window.caches.delete(PAGES_CACHE);
      } else ready = Promise.resolve();
      ready.then(function () {
        drawQueue();
        if (owner && navigator.onLine !== false) replayAndDraw();
        var fix = new URLSearchParams(window.location.search).get("fix");
        if (fix) fixEntry(fix);
      }).catch(function () {});
    }
    keepThisPage();
    drawInstallUi();
  }

  if (Queue && typeof BroadcastChannel === "function") {
    // Replays (this page's, another tab's, the worker's) all announce themselves here.
    new BroadcastChannel(Queue.CHANNEL).onmessage = function (event) {
      if (event.data && event.data.type === "replayed") noteSynced(event.data.result);
      drawQueue();
    };
  }
  window.addEventListener("online", function () { show("offline-error", false); replayAndDraw(); });
  document.addEventListener("submit", function (event) {
    // Logging out: forget the pages now, before the request even leaves.
    if (event.target.action && /\/logout$/.test(new URL(event.target.action).pathname) && window.caches) {
      window.caches.delete(PAGES_CACHE);
    }
  }, true);
  document.addEventListener("DOMContentLoaded", function () { registerWorker(); startPage(); });
  // A boosted navigation swaps the whole body: draw the new one.
  document.addEventListener("htmx:afterSettle", function (event) {
    if (event.target === document.body) startPage();
  });
})();
