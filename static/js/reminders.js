/* The reminders page: "Turn on" asks for permission (only after the tap), subscribes
   this browser to Web Push and tells the server; removing this device also
   unsubscribes it here. Without this script the same buttons post plain forms. */
(function () {
  "use strict";

  var READY_TIMEOUT_MS = 10000;

  function supported() {
    return "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
  }

  function say(text) {
    var box = document.getElementById("push-message");
    if (box) box.textContent = text;
  }

  function tokenOf(form) {
    var input = form.querySelector("input[name=csrf_token]");
    return input ? input.value : "";
  }

  function keyBytes(base64url) {
    var padded = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(padded);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }

  function sameKey(subscription, bytes) {
    var current = subscription.options && subscription.options.applicationServerKey;
    if (!current) return true;
    var view = new Uint8Array(current);
    if (view.length !== bytes.length) return false;
    for (var i = 0; i < view.length; i++) if (view[i] !== bytes[i]) return false;
    return true;
  }

  function workerReady() {
    var timeout = new Promise(function (_resolve, reject) {
      setTimeout(function () { reject(new Error("no service worker")); }, READY_TIMEOUT_MS);
    });
    return navigator.serviceWorker.getRegistration("/").then(function (registration) {
      if (!registration) navigator.serviceWorker.register("/sw.js", { scope: "/" });
      return Promise.race([navigator.serviceWorker.ready, timeout]);
    });
  }

  function json(url, options) {
    return fetch(url, Object.assign({ credentials: "same-origin", cache: "no-store" }, options))
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (body) {
          return { ok: response.ok, status: response.status, body: body };
        });
      });
  }

  function currentSettings() {
    var form = document.querySelector("#reminder-settings form");
    var days = [];
    form.querySelectorAll("input[name=days]:checked").forEach(function (box) { days.push(Number(box.value)); });
    return {
      enabled: true,
      time: form.querySelector("[name=time]").value,
      timezone: form.querySelector("[name=timezone]").value,
      days: days,
      skip_if_logged: form.querySelector("[name=skip_if_logged]").checked
    };
  }

  function errorText(errors) {
    return Object.keys(errors || {}).map(function (field) { return errors[field].join(" "); }).join(" ");
  }

  function turnOn(form) {
    var token = tokenOf(form);
    var headers = { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": token };
    if (!supported()) {
      say("This browser cannot show notifications from a website. Use the calendar link below instead.");
      return Promise.resolve();
    }
    say("Asking your browser for permission\u2026");
    return Notification.requestPermission().then(function (permission) {
      if (permission !== "granted") {
        say("Notifications are blocked for Fossa. Allow them in your browser's site settings, then tap \u201cTurn on\u201d again.");
        return null;
      }
      return Promise.all([workerReady(), json("/api/push/vapid-public-key")]).then(function (both) {
        var registration = both[0];
        var key = keyBytes(both[1].body.publicKey);
        return registration.pushManager.getSubscription().then(function (existing) {
          if (existing && sameKey(existing, key)) return existing;
          var gone = existing ? existing.unsubscribe() : Promise.resolve();
          return gone.then(function () {
            return registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
          });
        });
      }).then(function (subscription) {
        return json("/api/push/subscriptions", {
          method: "POST", headers: headers, body: JSON.stringify(subscription.toJSON())
        });
      }).then(function (saved) {
        if (!saved.ok) throw new Error(errorText(saved.body.errors) || "The server did not take this device.");
        return json("/api/reminder", { method: "PUT", headers: headers, body: JSON.stringify(currentSettings()) });
      }).then(function (settings) {
        if (!settings.ok) {
          say("This device is set up, but the settings need a look: " + errorText(settings.body.errors));
          return;
        }
        say("Reminders are on for this device.");
        window.location.reload();
      });
    }).catch(function (error) {
      say("Could not turn on reminders here: " + (error && error.message ? error.message : "unknown error") +
        ". The calendar link below works everywhere.");
    });
  }

  function forgetHere(form) {
    var item = form.closest("[data-endpoint]");
    if (!item || !supported()) return;
    navigator.serviceWorker.getRegistration("/").then(function (registration) {
      return registration && registration.pushManager.getSubscription();
    }).then(function (subscription) {
      if (subscription && subscription.endpoint === item.getAttribute("data-endpoint")) {
        return subscription.unsubscribe();
      }
    }).catch(function () { /* the server forgets it either way */ });
  }

  // Capture phase: runs before htmx handles the same submit.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.matches("[data-push-subscribe]")) {
      event.preventDefault();
      event.stopPropagation();
      turnOn(form);
    } else if (form.matches("[data-remove-device]")) {
      forgetHere(form);
    }
  }, true);
})();
