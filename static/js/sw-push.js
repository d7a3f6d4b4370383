/* Fossa's daily reminder, inside the service worker (imported by /sw.js).
   push: show the reminder ("How is your knee today?") with two actions.
   notificationclick: "No pain today" records a pain-0 entry through the offline
   queue (self.FossaQueue, from offline-queue.js), the same path the form takes
   offline; anything else focuses an open Fossa window or opens /today. */
"use strict";

(function () {
  var DEFAULTS = {
    title: "Fossa",
    body: "How is your knee today?",
    tag: "fossa-daily-reminder",
    url: "/today",
    icon: "/static/icons/icon-192.png",
    badge: "/static/icons/icon-96.png"
  };

  function readMessage(event) {
    var message = {};
    if (event.data) {
      try {
        message = event.data.json() || {};
      } catch (error) {
        message = { body: event.data.text() };
      }
    }
    var merged = {};
    Object.keys(DEFAULTS).forEach(function (key) {
      merged[key] = typeof message[key] === "string" && message[key] ? message[key] : DEFAULTS[key];
    });
    merged.day = typeof message.day === "string" ? message.day : null;
    return merged;
  }

  function localToday() {
    var now = new Date();
    function two(n) { return (n < 10 ? "0" : "") + n; }
    return now.getFullYear() + "-" + two(now.getMonth() + 1) + "-" + two(now.getDate());
  }

  function sameOriginPath(url) {
    // Only paths of this site: a message must not send the person elsewhere.
    try {
      var parsed = new URL(url, self.location.origin);
      if (parsed.origin === self.location.origin) return parsed.pathname + parsed.search;
    } catch (error) { /* fall through */ }
    return DEFAULTS.url;
  }

  self.addEventListener("push", function (event) {
    var message = readMessage(event);
    event.waitUntil(
      self.registration.showNotification(message.title, {
        body: message.body,
        icon: message.icon,
        badge: message.badge,
        // The same tag replaces an earlier reminder instead of stacking up.
        tag: message.tag,
        renotify: true,
        data: { url: sameOriginPath(message.url), day: message.day },
        actions: [
          { action: "log", title: "Log now" },
          { action: "no-pain", title: "No pain today" }
        ]
      })
    );
  });

  function openOrFocus(path) {
    var target = new URL(path, self.location.origin).href;
    return self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (windows) {
      var same = windows.filter(function (client) { return client.url === target; })[0];
      var any = windows.filter(function (client) {
        return new URL(client.url).origin === self.location.origin;
      })[0];
      if (same) return focusIfAllowed(same);
      if (any && any.navigate) {
        // Navigate first: focusing can be refused, and the page must change anyway.
        return any.navigate(target).then(function (client) { return focusIfAllowed(client || any); });
      }
      return self.clients.openWindow(target);
    });
  }

  function focusIfAllowed(client) {
    return client && client.focus ? client.focus().catch(function () { return client; }) : client;
  }

  function keepAlive(event, promise) {
    // An event made by script (not by the browser) cannot be extended; the work
    // still runs, and errors are not lost silently.
    try {
      event.waitUntil(promise);
    } catch (error) {
      promise.catch(function (reason) { console.error(reason); });
    }
  }

  function newId() {
    if (self.crypto && self.crypto.randomUUID) return self.crypto.randomUUID();
    var bytes = self.crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  function recordNoPain(day) {
    if (!self.FossaQueue) return openOrFocus("/today");
    // The day the reminder asked about (the person's own day, from the server).
    var date = /^\d{4}-\d{2}-\d{2}$/.test(day || "") ? day : localToday();
    return self.FossaQueue.enqueue({ id: newId(), date: date, pain: 0 })
      .then(function () { return self.FossaQueue.replay(); })
      .then(function (result) {
        var body = "Saved on this device; it is sent when you are online.";
        if (result && result.synced > 0) body = "Saved: no pain today.";
        else if (result && result.rejected > 0) body = "Fossa could not save that. Open Fossa to see why.";
        return self.registration.showNotification("Fossa", {
          body: body,
          tag: DEFAULTS.tag,
          icon: DEFAULTS.icon,
          badge: DEFAULTS.badge,
          data: { url: "/today" }
        });
      });
  }

  self.addEventListener("notificationclick", function (event) {
    var data = event.notification.data || {};
    event.notification.close();
    if (event.action === "no-pain") {
      keepAlive(event, recordNoPain(data.day));
      return;
    }
    keepAlive(event, openOrFocus(sameOriginPath(data.url || DEFAULTS.url)));
  });
})();
