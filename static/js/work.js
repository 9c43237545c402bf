/* The report form's proof of work (incidents/intake/work.py says why). Progressive enhancement:
   without this script, or without Web Crypto, the form is sent as it is and the server applies
   its stricter limit for forms without a solution. Nothing here leaves the page but the nonce. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-work-bits]");
  if (!form || !window.crypto || !window.crypto.subtle || !window.TextEncoder) {
    return;
  }
  var bits = parseInt(form.getAttribute("data-work-bits"), 10);
  var challenge = form.querySelector("input[name=intake_token]");
  var nonceField = form.querySelector("input[name=work_nonce]");
  var status = document.getElementById("work-status");
  var encoder = new TextEncoder();
  var solving = false;

  function zeroBits(bytes) {
    var count = 0;
    for (var i = 0; i < bytes.length; i += 1) {
      if (bytes[i] === 0) {
        count += 8;
        continue;
      }
      var b = bytes[i];
      while ((b & 0x80) === 0) {
        count += 1;
        b <<= 1;
      }
      return count;
    }
    return count;
  }

  function solve(prefix, start, batch) {
    var tries = [];
    for (var n = start; n < start + batch; n += 1) {
      tries.push(window.crypto.subtle.digest("SHA-256", encoder.encode(prefix + n)));
    }
    return Promise.all(tries).then(function (digests) {
      for (var i = 0; i < digests.length; i += 1) {
        if (zeroBits(new Uint8Array(digests[i])) >= bits) {
          return String(start + i);
        }
      }
      return solve(prefix, start + batch, batch);
    });
  }

  form.addEventListener("submit", function (event) {
    if (solving) {
      event.preventDefault(); /* a second click while the puzzle is being solved waits for it */
      return;
    }
    if (nonceField.value || !challenge || !challenge.value) {
      return;
    }
    if (event.submitter && event.submitter.name === "switch_kind") {
      return; /* changing the kind of report sends nothing, so it needs no puzzle (and keeps its button's value) */
    }
    event.preventDefault();
    solving = true;
    if (status) {
      status.textContent = status.getAttribute("data-working");
    }
    solve(challenge.value + ":", 0, 512).then(function (nonce) {
      nonceField.value = nonce;
      if (status) {
        status.textContent = status.getAttribute("data-done");
      }
      HTMLFormElement.prototype.submit.call(form);
    }, function () {
      solving = false;
      HTMLFormElement.prototype.submit.call(form);
    });
  });
})();
