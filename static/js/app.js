/* Fossa's page script: small enhancements on top of pages that work without it. */
(function () {
  "use strict";

  // Registering and logging in send the browser's timezone along (hidden fields).
  // A visible timezone field shows what is stored and is never filled in here: a
  // different zone is offered, not assumed (static/js/local-day.js).
  function detectTimezone(root) {
    root.querySelectorAll("input[type=hidden][data-detect-timezone]").forEach(function (input) {
      try {
        var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
        if (zone) input.value = zone;
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
      // An entry this page is sending right now is not "waiting" (yet).
      var waiting = items.filter(function (i) { return i.status !== "rejected" && !sending[i.id]; });
      var rejected = items.filter(function (i) { return i.status === "rejected"; });
      var count = status.querySelector(".sync-count");
      count.textContent = waiting.length
        ? plural(waiting.length, "entry", "entries") + " waiting to sync. " +
          (signedOut ? "Log in again to send them." : "Kept on this phone until the connection is back.")
        : "";
      if (waiting.length && signedOut) {
        var login = document.createElement("a");
        login.href = "/login?next=/today";
        login.textContent = "Log in";
        count.append(" ", login);
      }
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
      status.hidden = !(waiting.length || rejected.length);
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
    if (!window.crypto) return "";
    if (window.crypto.randomUUID) return window.crypto.randomUUID();
    // randomUUID needs a secure context; getRandomValues does not (RFC 4122 version 4).
    var bytes = window.crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  // getAttribute, not el.id: the form's own field named "id" shadows that property.
  function isEntryForm(el) { return !!el && el.getAttribute && el.getAttribute("id") === "entry-form"; }

  // Every new entry gets its id here, in the browser, when the form is shown: a page
  // from the worker's cache carries the id it had when it was stored, and handing that
  // out twice would make the second entry look like a replay of the first. A form the
  // server sent back with errors (no data-new-entry) keeps its id: it is the same entry.
  function freshenEntryIds(root) {
    var forms = root.querySelectorAll ? root.querySelectorAll("#entry-form[data-new-entry]") : [];
    Array.prototype.forEach.call(forms, function (form) {
      if (form.hasAttribute("data-id-given")) return; // once per form shown
      form.setAttribute("data-id-given", "");
      var id = form.querySelector("input[name=id]");
      var fresh = newEntryId();
      if (id && fresh) id.value = fresh;
    });
  }

  function pageOwner() {
    var root = bar();
    return root ? root.getAttribute("data-queue-owner") : null;
  }

  var sending = {}; // ids this page has sent and not heard back about (not "waiting" yet)
  var LOGIN_TO_SEND = "fossa-login-to-send";

  // On the log-in page after a save was refused for an ended session.
  function sayLoginSends() {
    var login = byId("login");
    var flagged = false;
    try { flagged = window.sessionStorage.getItem(LOGIN_TO_SEND) === "1"; } catch (e) { /* private mode */ }
    if (!login || !flagged || byId("login-to-send")) return;
    var note = document.createElement("p");
    note.id = "login-to-send";
    note.className = "saved-note";
    note.setAttribute("role", "status");
    note.textContent = "Your entry is kept on this phone. Log in again and it will be sent.";
    login.insertBefore(note, login.firstChild);
  }

  function sayAboveForm(form, id, text, role) {
    var note = byId(id);
    if (!note) {
      note = document.createElement("p");
      note.id = id;
      note.className = "saved-note";
      if (form.parentNode) form.parentNode.insertBefore(note, form);
    }
    note.setAttribute("role", role || "status");
    note.textContent = text;
    return note;
  }

  // The entry is safe in the queue: empty the form for the next one, with a new id,
  // and say where the entry is and what happens to it.
  function keptOnPhone(form, entry, why) {
    var summary = window.FossaToday ? window.FossaToday.summarise(form, entry) : null;
    // Catching up on several days: the next entry starts on the day just kept.
    var day = form.querySelector("input[name=date]");
    var chosenDay = day ? day.value : "";
    form.reset();
    if (day && chosenDay) day.value = chosenDay;
    var id = form.querySelector("input[name=id]");
    var fresh = newEntryId();
    if (id && fresh) id.value = fresh;
    var text = {
      offline: "No connection: saved on this phone for " + describe(entry) + ". It will be sent when you are back online.",
      session: "You were logged out, so " + describe(entry) + " is kept on this phone. Log in again to send it.",
      server: "The server could not save " + describe(entry) + " just now. It is kept on this phone and will be sent again."
    }[why];
    var note = sayAboveForm(form, "offline-note", text, why === "offline" ? "status" : "alert");
    // Today's entry kept on the phone: the page shows it as today's summary, as it
    // would once the server has it, and says it is still to be sent.
    if (summary && window.FossaToday) window.FossaToday.showQueued(form, summary, why);
    if (why === "session") {
      // htmx may follow the server to the log-in page (HX-Redirect): say it there too.
      try { window.sessionStorage.setItem(LOGIN_TO_SEND, "1"); } catch (e) { /* private mode */ }
      var link = document.createElement("a");
      link.href = "/login?next=/today";
      link.textContent = "Log in";
      note.appendChild(document.createTextNode(" "));
      note.appendChild(link);
      signedOut = true;
    }
    return drawQueue();
  }

  // What the server said to the request that carried this entry. Only an answer that
  // names the entry's id proves it was stored (or read and refused, 422): a page
  // swapped in from the cache, a login page after a redirect, an error page never do.
  function heardBack(form, entry, xhr, queued) {
    var id = entry.id;
    var status = xhr.status;
    var named = xhr.getResponseHeader("X-Fossa-Entry-Id") === id;
    return queued.then(function () {
      delete sending[id];
      if ((status === 200 || status === 201) && named) {
        return Queue.discard(id).then(drawQueue);
      }
      // Refused for what it says: the form is back with everything typed and the
      // reasons beside the fields, so the form (and its draft) hold it now.
      if (status === 422 && named) return Queue.discard(id).then(drawQueue);
      // No proof: the entry waits in the queue like any other, for the next replay.
      return Queue.release(id).catch(function () {}).then(function () { return keptOrWaiting(form, entry, status); });
    }).catch(function () {});
  }

  function keptOrWaiting(form, entry, status) {
    if (status === 0) return keptOnPhone(form, entry, "offline");
    if (status === 400 || status === 401 || status === 403 || status === 419) {
      return keptOnPhone(form, entry, "session");
    }
    if (status >= 200 && status < 400) return drawQueue(); // not proof: it stays queued
    retrySoon();
    return keptOnPhone(form, entry, "server");
  }

  // Before a save leaves the page, the entry is in the queue (IndexedDB): whatever
  // happens to the request or the page from here on, the entry is not lost.
  document.addEventListener("htmx:confirm", function (event) {
    var form = event.detail.elt;
    var format = entryFormat();
    if (!isEntryForm(form) || event.detail.verb !== "post" || !Queue || !format) return;
    event.preventDefault();
    var entry = entryFromForm(form, format);
    if (!entry.id) entry.id = newEntryId();
    var idField = form.querySelector("input[name=id]");
    if (idField) idField.value = entry.id;
    var online = navigator.onLine !== false;
    var queued = Queue.enqueue(entry, { owner: pageOwner(), sending: online }).then(function (item) {
      // Safe on the phone now: the draft of it (static/js/drafts.js) has done its job.
      document.dispatchEvent(new CustomEvent("fossa:entry-queued", { detail: { id: entry.id, owner: pageOwner() } }));
      return item;
    });
    if (!online) {
      // Known to be offline: no point waiting for the request to fail.
      queued.then(function () { keptOnPhone(form, entry, "offline"); }, function () {
        event.detail.issueRequest(true); // no IndexedDB: let the request try its luck
      });
      return;
    }
    sending[entry.id] = true;
    queued.then(function () { form.__fossaSave = { entry: entry, queued: queued }; event.detail.issueRequest(true); },
      function () { delete sending[entry.id]; event.detail.issueRequest(true); });
  });

  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.detail.elt;
    if (!isEntryForm(form) || !form.__fossaSave) return;
    var save = form.__fossaSave;
    form.__fossaSave = null;
    // On the request itself, not on the form: a form swapped away or a page navigated
    // elsewhere no longer hears htmx's events, the request still ends.
    event.detail.xhr.addEventListener("loadend", function () {
      heardBack(form, save.entry, event.detail.xhr, save.queued);
    });
  });

  document.addEventListener("htmx:sendError", function (event) {
    var elt = event.detail.elt;
    if (isEntryForm(elt)) return; // the entry is in the queue; heardBack says so
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

  function hasOwnSending() { return Object.keys(sending).length > 0; }

  var leaseTimer = null;
  function retryAfterLease() {
    if (leaseTimer) return;
    leaseTimer = window.setTimeout(function () { leaseTimer = null; replayAndDraw(); }, Queue.SENDING_LEASE_MS + 500);
  }

  var retryTimer = null;
  function retrySoon() {
    if (retryTimer) return;
    retryTimer = window.setTimeout(function () { retryTimer = null; replayAndDraw(); }, 15000);
  }

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
      if (form.hidden && window.FossaToday) window.FossaToday.showForm(false);
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
    document.dispatchEvent(new CustomEvent("fossa:synced", { detail: result }));
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
    Queue.replay().then(function (result) {
      noteSynced(result);
      // Server trouble (not the network, not the session): try again in a while.
      if (result && result.waiting && !result.offline && !result.signedOut) retrySoon();
      // Carried by a request of a page that went away mid-save: its lease runs out, then send it.
      else if (result && result.inFlight && !hasOwnSending()) retryAfterLease();
      return drawQueue();
    }, drawQueue);
  }

  function startPage() {
    var root = bar();
    if (Queue && root) {
      var owner = root.getAttribute("data-queue-owner");
      var ready;
      if (owner) {
        ready = Queue.setOwner(owner);
        try { window.sessionStorage.removeItem(LOGIN_TO_SEND); } catch (e) { /* private mode */ }
      } else if (root.hasAttribute("data-signed-out")) {
        sayLoginSends();
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
  document.addEventListener("DOMContentLoaded", function () { freshenEntryIds(document); registerWorker(); startPage(); });
  document.addEventListener("htmx:load", function (event) { freshenEntryIds(event.target); });
  // A boosted navigation swaps the whole body: draw the new one.
  document.addEventListener("htmx:afterSettle", function (event) {
    if (event.target === document.body) startPage();
  });
})();

/* /today: the quick log's small behaviours. The knee map keeps its keyboard order to
   the drawing, a chosen answer can be tapped off again ("not recorded"), "Add another"
   shows the form kept under today's summary, focus goes to the summary after a save,
   and an entry kept offline for today is shown as today's summary. */
(function () {
  "use strict";

  var DRAWN = { right: ["thigh", "inner", "center", "outer", "calf"], left: ["thigh", "outer", "center", "inner", "calf"] };

  // Seen from behind, a left knee's inner side is on the right of the drawing: the
  // labels follow it there (CSS), and so does the tab order (the DOM order).
  function orderRegions(form) {
    var map = form.querySelector("[data-knee-map]");
    if (!map) return;
    var side = form.querySelector("input[name=side]:checked");
    var order = DRAWN[side && side.value === "left" ? "left" : "right"];
    order.forEach(function (value) {
      var label = map.querySelector("[data-region=" + value + "]");
      if (label) map.appendChild(label);
    });
  }

  function start(root) {
    var forms = root.querySelectorAll ? root.querySelectorAll("form") : [];
    Array.prototype.forEach.call(forms, function (form) {
      if (!form.querySelector("[data-knee-map]") || form.hasAttribute("data-today-ready")) return;
      form.setAttribute("data-today-ready", "");
      orderRegions(form);
      form.addEventListener("change", function (event) {
        if (event.target && event.target.name === "side") orderRegions(form);
      });
      form.addEventListener("reset", function () { window.setTimeout(function () { orderRegions(form); }, 0); });
    });
  }

  // Tapping the chosen answer again takes it back to "not recorded".
  function clearable(input) {
    return input && input.type === "radio" && input.value !== "" && input.closest && input.closest("[data-clearable]");
  }
  function remember(event) {
    var input = event.target;
    if (event.type === "keydown" && event.key !== " ") return;
    if (clearable(input)) input.__wasChecked = input.checked;
  }
  document.addEventListener("pointerdown", remember, true);
  document.addEventListener("keydown", remember, true);
  document.addEventListener("click", function (event) {
    var input = event.target;
    if (!clearable(input) || !input.__wasChecked) return;
    input.__wasChecked = false;
    input.checked = false;
    input.dispatchEvent(new Event("input", { bubbles: true }));
    input.dispatchEvent(new Event("change", { bubbles: true }));
  });

  function showForm(focus) {
    var form = document.getElementById("entry-form");
    var done = document.getElementById("today-done");
    if (!form) return false;
    form.hidden = false;
    if (done) done.hidden = true;
    if (focus) {
      var title = form.querySelector(".form-title");
      if (title) { title.setAttribute("tabindex", "-1"); title.focus(); }
    }
    return true;
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("[data-add-another]") : null;
    if (!link) return;
    if (showForm(true)) { event.preventDefault(); event.stopPropagation(); }
  }, true);

  // What a person would read on the summary card, from the form as it was saved.
  function labelOf(form, name, value) {
    var input = form.querySelector("input[name=" + name + "][value='" + String(value).replace(/'/g, "") + "']");
    if (!input) return String(value);
    if (input.getAttribute("aria-label")) return input.getAttribute("aria-label");
    var label = input.closest("label");
    return label ? label.textContent.trim() : String(value);
  }

  function summarise(form, entry) {
    var day = form.querySelector("input[name=date]");
    var knee = [];
    if (entry.side) knee.push(labelOf(form, "side", entry.side) + (entry.side === "both" ? " knees" : " knee"));
    if (entry.locations && entry.locations.length) {
      knee.push(entry.locations.map(function (v) { return labelOf(form, "locations", v); }).join(", "));
    }
    var activity = entry.activity ? labelOf(form, "activity", entry.activity) : "No activity recorded";
    if (entry.swelling) activity += " · " + labelOf(form, "swelling", entry.swelling) + " swelling";
    return { today: !!day && entry.date === day.getAttribute("max"), pain: entry.pain, knee: knee.join(" · ") || "Knee not recorded", activity: activity };
  }

  var WAITING = {
    offline: "Not sent yet: it goes into your diary when you are back online.",
    session: "Not sent yet: log in again and it goes into your diary.",
    server: "Not sent yet: the server could not take it just now. It will be sent again."
  };

  function band(pain) { return pain === 0 ? "none" : pain <= 3 ? "mild" : pain <= 6 ? "moderate" : "severe"; }

  function showQueued(form, summary, why) {
    var template = document.getElementById("queued-done-template");
    if (!summary.today || !template) return;
    var card = template.content.firstElementChild.cloneNode(true);
    var pain = typeof summary.pain === "number" ? summary.pain : null;
    card.querySelector("[data-slot=pain]").textContent = pain === null ? "–" : String(pain);
    if (pain !== null) card.querySelector("[data-slot=badge]").classList.add("pain-" + band(pain));
    card.querySelector("[data-slot=knee]").textContent = summary.knee;
    card.querySelector("[data-slot=activity]").textContent = summary.activity;
    card.querySelector("[data-slot=waiting]").textContent = WAITING[why] || WAITING.offline;
    var old = document.getElementById("today-done");
    if (old) old.remove();
    form.parentNode.insertBefore(card, form);
    form.hidden = true;
    form.setAttribute("data-after-done", "");
    if (why) card.focus();
  }

  // Back on /today the same day with an entry for today still on the phone: that is
  // today's summary, unless the server's own summary or an error is on the page.
  function showWaitingToday() {
    var form = document.getElementById("entry-form");
    var Queue = window.FossaQueue;
    // Online, the page's replay sends it at once and says so; offline it waits here.
    if (navigator.onLine !== false) return;
    if (!form || !Queue || form.hidden || document.getElementById("today-done") || !form.hasAttribute("data-new-entry")) return;
    var day = form.querySelector("input[name=date]");
    var today = day && day.getAttribute("max");
    if (!today) return;
    Queue.pending().then(function (items) {
      var mineToday = items.filter(function (i) { return i.status !== "rejected" && i.entry && i.entry.date === today; });
      // Read after drafts.js restored any draft (the promise settles after every
      // DOMContentLoaded handler); a form already tapped into stays.
      if (!mineToday.length || document.getElementById("today-done") || form.hidden || form.__touched) return;
      if (document.getElementById("draft-note")) return; // a draft is being finished: keep the form
      var last = mineToday[mineToday.length - 1].entry;
      var card = summarise(form, last);
      var template = document.getElementById("queued-done-template");
      if (!template) return;
      showQueued(form, card, "offline");
    }).catch(function () {});
  }

  // After a save the summary (or, for another day, the saved note) has the focus, so
  // the keyboard and screen reader start from what just happened.
  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.target;
    if (!target || target.id !== "log") return;
    var saved = target.querySelector("[data-just-saved]");
    // Without scrolling: the swap showed the top of the log, where an emergency
    // interrupt (if any) comes before the summary and must stay in view.
    if (saved) saved.focus({ preventScroll: true });
  });

  // The entries kept on the phone reached the diary: a /today still showing the blank
  // form (nothing typed into it) asks for the page again, which now opens on today's
  // summary. A form being filled in is left alone.
  document.addEventListener("input", function (event) {
    if (event.isTrusted && event.target.form) event.target.form.__touched = true;
  }, true);
  document.addEventListener("change", function (event) {
    if (event.isTrusted && event.target.form) event.target.form.__touched = true;
  }, true);
  // Once per page: ask for /today again when a replay (this page's, another tab's or
  // the worker's) has sent an entry of today since this page was made.
  var refreshed = false;
  function refreshIfSentToday() {
    var form = document.getElementById("entry-form");
    var log = document.getElementById("log");
    var Queue = window.FossaQueue;
    if (refreshed || !form || !log || !Queue || !Queue.lastSent || form.hidden) return;
    if (!form.hasAttribute("data-new-entry") || navigator.onLine === false) return;
    var day = form.querySelector("input[name=date]");
    var today = day && day.getAttribute("max");
    Queue.lastSent().then(function (sent) {
      if (!sent || sent.date !== today || refreshed || untouchable(form)) return;
      refreshed = true;
      return fetch("/today", { credentials: "same-origin", headers: { "HX-Request": "true" } }).then(function (response) {
        return response.ok ? response.text() : null;
      }).then(function (html) {
        // Typed into meanwhile: what is being typed wins over a fresher summary.
        if (!html || document.getElementById("log") !== log || untouchable(form)) return;
        var box = document.createElement("div");
        box.innerHTML = html;
        var fresh = box.querySelector("#log");
        if (!fresh || !fresh.querySelector("#today-done")) return;
        log.replaceWith(fresh);
        window.htmx.process(fresh);
        // As after an htmx swap: the page's scripts set up the new part (ids, day, drafts).
        fresh.dispatchEvent(new CustomEvent("htmx:load", { bubbles: true, detail: { elt: fresh } }));
      });
    }).catch(function () {});
  }

  function untouchable(form) {
    return form.__touched || !window.htmx || !!document.getElementById("draft-note") ||
      !!document.querySelector("[data-live-emergency]");
  }

  document.addEventListener("fossa:synced", refreshIfSentToday);
  document.addEventListener("DOMContentLoaded", function () { window.setTimeout(refreshIfSentToday, 1200); });
  document.addEventListener("htmx:afterSettle", function (event) {
    if (event.target === document.body) { refreshed = false; window.setTimeout(refreshIfSentToday, 1200); }
  });

  window.FossaToday = { summarise: summarise, showQueued: showQueued, showForm: showForm };
  document.addEventListener("DOMContentLoaded", function () { start(document); showWaitingToday(); });
  document.addEventListener("htmx:load", function (event) { start(event.target); });
})();
