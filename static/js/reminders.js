/* The reminders page. One switch: switching it on asks for permission (only after the
   tap), subscribes this browser to Web Push, registers it with the server and saves
   the settings, in one step; switching it off saves that. Each way this can fail has
   its own plain message; a browser's own error text is never shown. Without this
   script the switch is a checkbox the form's Save button stores. */
(function () {
  "use strict";

  var READY_TIMEOUT_MS = 10000;

  // What the person reads for each way turning reminders on can fail.
  var MESSAGES = {
    unsupported: "This browser can't show notifications from a website. On an iPhone or iPad, add Fossa to your Home Screen (Share, then Add to Home Screen) and open it from there. The calendar link below works everywhere.",
    denied: "Notifications are blocked for Fossa in this browser. Allow them in the site settings (the icon beside the address), then switch reminders on again.",
    dismissed: "Reminders stay off: the browser's question was closed without an answer. Switch them on again to be asked once more.",
    worker: "Fossa's offline helper isn't running in this tab yet. Reload the page, then switch reminders on again.",
    pushService: "Your browser couldn't reach its notification service. Check the connection and try again; the calendar link below works meanwhile.",
    offline: "You seem to be offline. Switch reminders on again once you're back online.",
    session: "Your session has ended. Log in again, then switch reminders on.",
    refused: "Fossa couldn't register this device. Try again in a minute, or use the calendar link below.",
    // 409: this browser's push address is registered to another Fossa account (with
    // other keys). The subscription is dropped here, so the next try gets a new address.
    taken: "This browser's notification subscription already belongs to another Fossa account, so Fossa didn't add it to yours. Fossa has cleared it here: switch reminders on again and the browser will make a new one.",
    takenStuck: "This browser's notification subscription already belongs to another Fossa account, so Fossa didn't add it to yours. Reset notifications for Fossa in the browser's site settings (the icon beside the address), then switch reminders on again.",
    settings: "This device is set up, but the reminder settings weren't saved: ",
    off: "Reminders couldn't be switched off just now. Check the connection and try again."
  };

  function Problem(kind, detail) {
    this.kind = kind;
    this.detail = detail || "";
  }

  function supported() {
    return "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
  }

  function say(text, tone) {
    var box = document.getElementById("push-message");
    if (!box) return;
    box.textContent = text;
    box.classList.toggle("is-problem", tone === "problem");
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
      setTimeout(function () { reject(new Problem("worker")); }, READY_TIMEOUT_MS);
    });
    return navigator.serviceWorker.getRegistration("/").then(function (registration) {
      if (!registration) navigator.serviceWorker.register("/sw.js", { scope: "/" });
      return Promise.race([navigator.serviceWorker.ready, timeout]);
    });
  }

  function json(url, options) {
    return fetch(url, Object.assign({ credentials: "same-origin", cache: "no-store" }, options))
      .catch(function () { throw new Problem("offline"); })
      .then(function (response) {
        if (response.status === 401 || response.status === 403 || response.redirected) {
          throw new Problem("session");
        }
        return response.json().catch(function () { return {}; }).then(function (body) {
          return { ok: response.ok, status: response.status, body: body };
        });
      });
  }

  function settingsOf(form, enabled) {
    var days = [];
    form.querySelectorAll("input[name=days]:checked").forEach(function (box) { days.push(Number(box.value)); });
    return {
      enabled: enabled,
      time: form.querySelector("[name=time]").value,
      timezone: form.querySelector("[name=timezone]").value,
      days: days,
      skip_if_logged: form.querySelector("[name=skip_if_logged]").checked
    };
  }

  function errorText(errors) {
    return Object.keys(errors || {}).map(function (field) { return errors[field].join(" "); }).join(" ");
  }

  function headersOf(form) {
    return { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": tokenOf(form) };
  }

  // Only ever called from the person's tap: browsers (and people) dislike an unasked prompt.
  function askPermission() {
    return Promise.resolve(Notification.requestPermission());
  }

  // Subscribe this browser and tell the server; resolves when the device is registered.
  function setUpThisDevice(form) {
    if (!supported()) return Promise.reject(new Problem("unsupported"));
    return askPermission().then(function (permission) {
      if (permission === "denied") throw new Problem("denied");
      if (permission !== "granted") throw new Problem("dismissed");
      return Promise.all([workerReady(), json("/api/push/vapid-public-key")]);
    }).then(function (both) {
      var registration = both[0];
      if (!both[1].ok || !both[1].body.publicKey) throw new Problem("refused");
      var key = keyBytes(both[1].body.publicKey);
      return registration.pushManager.getSubscription().then(function (existing) {
        if (existing && sameKey(existing, key)) return existing;
        var gone = existing ? existing.unsubscribe() : Promise.resolve();
        return gone.then(function () {
          return registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
        });
      }).catch(function (error) {
        if (error instanceof Problem) throw error;
        throw new Problem(error && error.name === "NotAllowedError" ? "denied" : "pushService");
      });
    }).then(function (subscription) {
      return json("/api/push/subscriptions", {
        method: "POST", headers: headersOf(form), body: JSON.stringify(subscription.toJSON())
      }).then(function (saved) {
        if (saved.status === 409) return forgetTaken(subscription);
        if (!saved.ok) throw new Problem("refused");
      });
    });
  }

  // Another account owns this push address: unsubscribe it here, so the next tap
  // subscribes afresh with an address of this account's own.
  function forgetTaken(subscription) {
    return Promise.resolve(subscription.unsubscribe()).then(function (gone) {
      throw new Problem(gone === false ? "takenStuck" : "taken");
    }, function () {
      throw new Problem("takenStuck");
    });
  }

  function saveSettings(form, enabled) {
    return json("/api/reminder", {
      method: "PUT", headers: headersOf(form), body: JSON.stringify(settingsOf(form, enabled))
    }).then(function (answer) {
      if (!answer.ok) throw new Problem(enabled ? "settings" : "off", errorText(answer.body.errors));
    });
  }

  function explain(problem) {
    var kind = problem instanceof Problem ? problem.kind : "pushService";
    say(MESSAGES[kind] + (problem && problem.detail ? problem.detail : ""), "problem");
  }

  function switchedOn(box) {
    var form = box.form;
    say("Asking your browser for permission\u2026");
    box.disabled = true;
    setUpThisDevice(form).then(function () {
      return saveSettings(form, true);
    }).then(function () {
      say("Reminders are on for this device.");
      window.location.reload();
    }).catch(function (problem) {
      box.checked = false;
      box.disabled = false;
      explain(problem);
    });
  }

  function switchedOff(box) {
    box.disabled = true;
    saveSettings(box.form, false).then(function () {
      window.location.reload();
    }).catch(function (problem) {
      box.checked = true;
      box.disabled = false;
      explain(problem);
    });
  }

  // Reminders on, but this browser is not among the devices: offer to add it.
  function offerThisDevice() {
    var box = document.querySelector("[data-push-switch]");
    var offer = document.querySelector("[data-this-device]");
    if (!box || !offer || !box.checked || !supported()) return;
    var known = Array.prototype.map.call(document.querySelectorAll("[data-endpoint]"), function (item) {
      return item.getAttribute("data-endpoint");
    });
    navigator.serviceWorker.getRegistration("/").then(function (registration) {
      return registration ? registration.pushManager.getSubscription() : null;
    }).then(function (subscription) {
      offer.hidden = Boolean(subscription && known.indexOf(subscription.endpoint) !== -1);
    }).catch(function () { offer.hidden = false; });
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

  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!box.matches || !box.matches("[data-push-switch]")) return;
    if (box.checked) switchedOn(box); else switchedOff(box);
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-add-device]");
    if (!button) return;
    var box = document.querySelector("[data-push-switch]");
    if (!box) return;
    button.disabled = true;
    say("Asking your browser for permission\u2026");
    setUpThisDevice(box.form).then(function () {
      window.location.reload();
    }).catch(function (problem) {
      button.disabled = false;
      explain(problem);
    });
  });

  // Capture phase: runs before htmx handles the same submit.
  document.addEventListener("submit", function (event) {
    if (event.target.matches("[data-remove-device]")) forgetHere(event.target);
  }, true);

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", offerThisDevice);
  } else {
    offerThisDevice();
  }
  document.addEventListener("htmx:afterSettle", offerThisDevice);
})();
