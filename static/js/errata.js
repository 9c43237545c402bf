/* A transparency report's errata, listed on the report page (reporting/notes.py says why they are not in it).
   Progressive enhancement: without this script the page links to its errata page. Only text is inserted. */
(function () {
  "use strict";
  var section = document.querySelector("section[data-errata]");
  if (!section || !window.fetch) {
    return;
  }
  function line(label, text) {
    var p = document.createElement("p");
    var strong = document.createElement("strong");
    strong.textContent = label;
    p.appendChild(strong);
    p.appendChild(document.createTextNode(" " + text));
    return p;
  }
  fetch(section.getAttribute("data-errata"), { credentials: "omit" })
    .then(function (response) {
      return response.ok ? response.json() : null;
    })
    .then(function (document_) {
      if (!document_ || !document_.errata || !document_.errata.length) {
        return;
      }
      var list = document.createElement("ol");
      list.className = "errata-list";
      document_.errata.forEach(function (erratum) {
        var item = document.createElement("li");
        item.appendChild(line(section.getAttribute("data-wrong"), erratum.wrong));
        item.appendChild(line(section.getAttribute("data-correct"), erratum.corrected + " (" + erratum.at + ")"));
        list.appendChild(item);
      });
      section.appendChild(list);
    })
    .catch(function () {
      /* the link above still leads to the errata */
    });
})();
