/* The receipt page's copy and print buttons. Progressive enhancement: the buttons stay hidden
   without this script, and the page (the receipt, the saved step) works the same without them.
   The receipt never leaves the page: it goes to the clipboard or to the printer only. */
(function () {
  "use strict";
  var actions = document.querySelector("[data-receipt-actions]");
  var code = document.getElementById("receipt");
  if (!actions || !code) {
    return;
  }
  var copyButton = actions.querySelector("[data-copy-receipt]");
  var printButton = actions.querySelector("[data-print-receipt]");
  var status = actions.querySelector("[data-receipt-status]");

  function say(message) {
    if (status) {
      status.textContent = message;
    }
  }

  function copyBySelection(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "visually-hidden";
    document.body.appendChild(area);
    area.select();
    var done = false;
    try {
      done = document.execCommand("copy");
    } catch (err) {
      done = false;
    }
    document.body.removeChild(area);
    return done;
  }

  copyButton.addEventListener("click", function () {
    var text = code.textContent.replace(/\s+/g, "");
    var copied = copyButton.getAttribute("data-copied");
    var failed = copyButton.getAttribute("data-failed");
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(
        function () { say(copied); },
        function () { say(copyBySelection(text) ? copied : failed); }
      );
    } else {
      say(copyBySelection(text) ? copied : failed);
    }
  });
  if (typeof window.print === "function") {
    printButton.addEventListener("click", function () { window.print(); });
  } else {
    printButton.hidden = true;
  }
  actions.hidden = false;
})();
