/* Sharing with a doctor: the Web Share API where the phone has it, copying the
   link where it does not, the PDF itself as a file where files can be shared,
   and a print button on the doctor's view. Pages work without this script. */
(function () {
  "use strict";
  // A boosted navigation may run this file again; one set of listeners is enough.
  if (window.fossaShareReady) return;
  window.fossaShareReady = true;

  function statusNear(element) {
    var box = element.closest("section, form, .card") || document;
    return box.querySelector(".share-status");
  }

  function say(element, message) {
    var status = statusNear(element);
    if (status) status.textContent = message;
  }

  function copyText(text) {
    if (navigator.clipboard && navigator.clipboard.writeText) {
      return navigator.clipboard.writeText(text);
    }
    // Older browsers: select the text in a field and copy the selection.
    return new Promise(function (resolve, reject) {
      var field = document.createElement("textarea");
      field.value = text;
      field.setAttribute("readonly", "");
      field.className = "visually-hidden";
      document.body.appendChild(field);
      field.select();
      var copied = false;
      try { copied = document.execCommand("copy"); } catch (e) { copied = false; }
      document.body.removeChild(field);
      if (copied) resolve(); else reject(new Error("copy failed"));
    });
  }

  function copyWithMessage(button, url) {
    copyText(url).then(
      function () { say(button, "Link copied. Paste it into a message to your doctor."); },
      function () { say(button, "Could not copy: select the link above and copy it by hand."); }
    );
  }

  function shareLink(button) {
    var url = button.getAttribute("data-share-url");
    var data = { title: button.getAttribute("data-share-title") || "Fossa", url: url };
    if (navigator.share && (!navigator.canShare || navigator.canShare(data))) {
      navigator.share(data).catch(function (error) {
        // Closing the share sheet is a choice, not a failure.
        if (error && error.name !== "AbortError") copyWithMessage(button, url);
      });
    } else {
      copyWithMessage(button, url);
    }
  }

  function pdfAddress(button) {
    var form = button.closest("form");
    var url = new URL(button.getAttribute("data-share-pdf"), window.location.href);
    if (form) {
      ["from", "to", "paper"].forEach(function (name) {
        var field = form.elements.namedItem(name);
        if (field && field.value) url.searchParams.set(name, field.value);
      });
    }
    return url;
  }

  function sharePdf(button) {
    say(button, "Preparing the PDF…");
    fetch(pdfAddress(button), { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error("status " + response.status);
        var disposition = response.headers.get("Content-Disposition") || "";
        var match = /filename="([^"]+)"/.exec(disposition);
        var name = match ? match[1] : "fossa-report.pdf";
        return response.blob().then(function (blob) {
          return new File([blob], name, { type: "application/pdf" });
        });
      })
      .then(function (file) {
        var data = { files: [file], title: "Knee pain diary report" };
        if (!navigator.canShare || !navigator.canShare(data)) {
          say(button, "This browser cannot share files: use the PDF report button to download it.");
          return;
        }
        say(button, "");
        return navigator.share(data);
      })
      .catch(function (error) {
        if (error && error.name === "AbortError") { say(button, ""); return; }
        say(button, "The PDF could not be made: check the dates above and try again.");
      });
  }

  function canShareFiles() {
    try {
      var probe = new File(["%PDF"], "probe.pdf", { type: "application/pdf" });
      return !!(navigator.canShare && navigator.canShare({ files: [probe] }));
    } catch (e) {
      return false;
    }
  }

  function enhance(root) {
    if (canShareFiles()) {
      root.querySelectorAll(".share-file").forEach(function (p) { p.hidden = false; });
    }
    root.querySelectorAll("[data-print]").forEach(function (button) { button.hidden = false; });
  }

  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-share-url], [data-copy-url], [data-share-pdf], [data-print]");
    if (!target) return;
    if (target.hasAttribute("data-share-url")) shareLink(target);
    else if (target.hasAttribute("data-copy-url")) copyWithMessage(target, target.getAttribute("data-copy-url"));
    else if (target.hasAttribute("data-share-pdf")) sharePdf(target);
    else if (target.hasAttribute("data-print")) window.print();
  });
  // Loaded by a boosted navigation the document is already parsed: enhance at once.
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  } else {
    enhance(document);
  }
  document.addEventListener("htmx:load", function (event) { enhance(event.target); });
})();
