/* Fossa's offline queue: diary entries kept in IndexedDB until the server has them.
   No DOM here: the same file runs in pages (<script defer>) and in the service
   worker (importScripts), and both share one database.

   self.FossaQueue:
     enqueue(entry, {owner, sending}?)  keep a fossa-diary/1 entry (its client UUID `id` makes
                               replays safe); `sending`: a form request carries it right now
     pending()                 the current person's queued entries, oldest first
     release(id)               the request that carried it ended without proof: replays may send it
     lastSent()                {date, at} of the last entry a replay sent, or null
     replay()                  POST each to /api/entries, except entries a form request is
                               carrying now; 200/201 naming the entry's id → gone,
                               422 → kept with the server's reasons, 400/401/403 → kept until
                               the person logs in again, 5xx or network trouble → kept
     discard(id)               drop one entry for good
     setOwner(tag|null)        whose entries this browser is showing and sending now
   Every change is announced on BroadcastChannel "fossa-queue" so open pages redraw. */
(function (scope) {
  "use strict";

  var DB_NAME = "fossa";
  var DB_VERSION = 1;
  var ENTRIES = "queue";
  var META = "meta";
  var SYNC_TAG = "fossa-queue";
  var API = "/api/entries";
  var TOKEN_URL = "/api/csrf-token";

  // How long an entry a form request carries is left to that request: longer than an
  // ordinary save takes, short enough that an entry whose page closed or crashed
  // mid-save is soon sent by a replay (the server's id check keeps it once).
  var SENDING_LEASE_MS = 10000;

  var dbPromise = null;
  var running = null;
  var channel = typeof BroadcastChannel === "function" ? new BroadcastChannel("fossa-queue") : null;

  function promised(request) {
    return new Promise(function (resolve, reject) {
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function openDb() {
    if (!dbPromise) {
      var request = indexedDB.open(DB_NAME, DB_VERSION);
      request.onupgradeneeded = function () {
        var db = request.result;
        if (!db.objectStoreNames.contains(ENTRIES)) db.createObjectStore(ENTRIES, { keyPath: "id" });
        if (!db.objectStoreNames.contains(META)) db.createObjectStore(META, { keyPath: "key" });
      };
      dbPromise = promised(request).then(function (db) {
        // Another context upgrading the database: let go, reopen on the next call.
        db.onversionchange = function () { db.close(); dbPromise = null; };
        return db;
      });
      dbPromise.catch(function () { dbPromise = null; });
    }
    return dbPromise;
  }

  function withStore(name, mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(name, mode);
        var result;
        Promise.resolve(work(tx.objectStore(name))).then(function (value) { result = value; }, reject);
        tx.oncomplete = function () { resolve(result); };
        tx.onerror = function () { reject(tx.error); };
        tx.onabort = function () { reject(tx.error); };
      });
    });
  }

  function announce(detail) {
    if (channel) channel.postMessage(detail || { type: "changed" });
  }

  function getOwner() {
    return withStore(META, "readonly", function (store) {
      return promised(store.get("owner"));
    }).then(function (row) { return row ? row.value : null; });
  }

  function setOwner(owner) {
    return withStore(META, "readwrite", function (store) {
      return promised(store.put({ key: "owner", value: owner || null }));
    });
  }

  function newId() {
    if (scope.crypto && scope.crypto.randomUUID) return scope.crypto.randomUUID();
    var bytes = scope.crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  function requestBackgroundSync() {
    // Where the browser has Background Sync, it replays even after the tab is closed.
    var registration = scope.registration && scope.registration.sync ? Promise.resolve(scope.registration) : null;
    if (!registration && scope.navigator && scope.navigator.serviceWorker && scope.navigator.serviceWorker.controller) {
      registration = scope.navigator.serviceWorker.ready;
    }
    if (!registration) return Promise.resolve(false);
    return registration.then(function (reg) {
      return reg.sync ? reg.sync.register(SYNC_TAG).then(function () { return true; }) : false;
    }).catch(function () { return false; });
  }

  function enqueue(entry, options) {
    var copy = JSON.parse(JSON.stringify(entry || {}));
    if (!copy.id) copy.id = newId();
    var ownerKnown = options && "owner" in options ? Promise.resolve(options.owner) : getOwner();
    return ownerKnown.then(function (owner) {
      var item = {
        id: copy.id,
        entry: copy,
        owner: owner || null,
        queuedAt: new Date().toISOString(),
        status: "waiting",
        errors: null,
        // Kept in the database, not in one page's memory: the worker's Background Sync
        // and other tabs replay too, and must not send it again while it is in flight.
        sendingUntil: options && options.sending ? Date.now() + SENDING_LEASE_MS : 0
      };
      // The same id again (a fix, or a second tap) replaces the earlier copy.
      return withStore(ENTRIES, "readwrite", function (store) { return promised(store.put(item)); })
        .then(function () { announce(); requestBackgroundSync(); return item; });
    });
  }

  function allItems() {
    return withStore(ENTRIES, "readonly", function (store) { return promised(store.getAll()); });
  }

  function mine(items, owner) {
    // Entries queued before anyone was known (owner null) go to whoever is signed in.
    return items
      .filter(function (item) { return item.owner === null || item.owner === owner; })
      .sort(function (a, b) { return a.queuedAt < b.queuedAt ? -1 : a.queuedAt > b.queuedAt ? 1 : 0; });
  }

  function pending() {
    return Promise.all([allItems(), getOwner()]).then(function (both) {
      return both[1] === null ? both[0].filter(function (i) { return i.owner === null; }) : mine(both[0], both[1]);
    });
  }

  function discard(id) {
    return withStore(ENTRIES, "readwrite", function (store) { return promised(store.delete(id)); })
      .then(function () { announce(); });
  }

  function release(id) {
    return withStore(ENTRIES, "readwrite", function (store) {
      return promised(store.get(id)).then(function (item) {
        if (!item || !item.sendingUntil) return null;
        item.sendingUntil = 0;
        return promised(store.put(item));
      });
    });
  }

  // The day of the last entry a replay sent (here or in the worker): a page shown
  // before it arrived can tell it is out of date (today's summary, static/js/app.js).
  function noteSent(entry) {
    return withStore(META, "readwrite", function (store) {
      return promised(store.put({ key: "lastSent", value: { date: entry.date || null, at: Date.now() } }));
    }).catch(function () {});
  }

  function lastSent() {
    return withStore(META, "readonly", function (store) { return promised(store.get("lastSent")); })
      .then(function (row) { return row ? row.value : null; });
  }

  function inFlight(item) { return !!item.sendingUntil && item.sendingUntil > Date.now(); }

  function markRejected(item, errors) {
    item.status = "rejected";
    item.errors = errors || { entry: ["The server could not save this entry."] };
    return withStore(ENTRIES, "readwrite", function (store) { return promised(store.put(item)); });
  }

  function fetchToken() {
    return fetch(TOKEN_URL, { credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) return { signedOut: response.status === 401 };
        return response.json();
      });
  }

  function send(item, token) {
    return fetch(API, {
      method: "POST",
      credentials: "same-origin",
      cache: "no-store",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": token },
      body: JSON.stringify(item.entry)
    });
  }

  function replayOnce() {
    var result = { synced: 0, rejected: 0, waiting: 0, inFlight: 0, offline: false, signedOut: false };
    return allItems().then(function (items) {
      // An entry a form request is carrying right now is that request's to prove: sending
      // it here too would store it once (the server checks the id) but announce it as
      // "saved on this phone … now in your diary" after an ordinary online save.
      result.inFlight = items.filter(function (item) { return item.status !== "rejected" && inFlight(item); }).length;
      var todo = items.filter(function (item) { return item.status !== "rejected" && !inFlight(item); });
      if (!todo.length) return result;
      return fetchToken().then(function (session) {
        if (!session.csrf_token) {
          result.signedOut = !!session.signedOut;
          result.waiting = todo.length;
          return result;
        }
        return setOwner(session.owner).then(function () {
          var queue = mine(todo, session.owner);
          result.waiting = queue.length;
          // One at a time, in the order they were made: stop at the first network failure.
          return queue.reduce(function (chain, item) {
            return chain.then(function (stop) {
              if (stop) return true;
              return send(item, session.csrf_token).then(function (response) {
                if (response.status === 200 || response.status === 201) {
                  // Proof, not hope: the answer must be this entry, by its id.
                  return response.json().catch(function () { return {}; }).then(function (body) {
                    if (!body || body.id !== item.id) return true;
                    result.synced += 1;
                    result.waiting -= 1;
                    return discard(item.id).then(function () { return noteSent(item.entry); })
                      .then(function () { return false; });
                  });
                }
                if (response.status === 400 || response.status === 401 || response.status === 403) {
                  result.signedOut = true; // the session or its token went stale: log in again
                  return true;
                }
                if (response.status === 422) {
                  result.rejected += 1;
                  result.waiting -= 1;
                  return response.json().catch(function () { return {}; }).then(function (body) {
                    return markRejected(item, body.errors).then(function () { return false; });
                  });
                }
                return true; // signed out, rate limited, server trouble: try again later
              });
            });
          }, Promise.resolve(false)).then(function () { return result; });
        });
      });
    }).catch(function () {
      result.offline = true;
      return allItems().then(function (items) {
        result.waiting = items.filter(function (i) { return i.status !== "rejected" && !inFlight(i); }).length;
        return result;
      });
    }).then(function (done) {
      announce({ type: "replayed", result: done });
      return done;
    });
  }

  function replay() {
    // One replay at a time per page or worker; across them the server's id check
    // keeps a racing second upload from storing the entry twice.
    if (!running) {
      running = replayOnce().then(function (result) { running = null; return result; },
        function (error) { running = null; throw error; });
    }
    return running;
  }

  scope.FossaQueue = {
    SYNC_TAG: SYNC_TAG,
    SENDING_LEASE_MS: SENDING_LEASE_MS,
    CHANNEL: "fossa-queue",
    enqueue: enqueue,
    pending: pending,
    replay: replay,
    discard: discard,
    release: release,
    lastSent: lastSent,
    setOwner: setOwner,
    getOwner: getOwner,
    requestBackgroundSync: requestBackgroundSync
  };
})(self);
