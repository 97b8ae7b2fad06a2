/* Tables: sort by any column (click or Enter on its heading), filter with a search box, and fill
   a table from an API address given in data-source (the registry pages). */
(function () {
  "use strict";
  var S = window.Stabilis;

  function cellValue(tr, i) {
    var text = (tr.cells[i] ? tr.cells[i].textContent : "").trim();
    var n = parseFloat(text.replace(/,/g, ""));
    return text !== "" && /^[-–]?[\d.,]+/.test(text) && isFinite(n) ? n : text.toLowerCase();
  }

  S.makeSortable = function (table) {
    var heads = table.querySelectorAll("thead th");
    heads.forEach(function (th, i) {
      if (th.querySelector("button")) return;
      var label = th.textContent;
      th.innerHTML = '<button type="button" class="sort">' + S.escape(label) + "</button>";
      th.setAttribute("aria-sort", "none");
      th.querySelector("button").addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        heads.forEach(function (h) { h.setAttribute("aria-sort", "none"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.from(body.rows);
        rows.sort(function (a, b) {
          var x = cellValue(a, i), y = cellValue(b, i);
          var c = typeof x === typeof y ? (x < y ? -1 : x > y ? 1 : 0) : (typeof x === "number" ? -1 : 1);
          return ascending ? c : -c;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  };

  S.makeFilter = function (input, table) {
    input.addEventListener("input", function () {
      var q = input.value.trim().toLowerCase();
      Array.from(table.tBodies[0].rows).forEach(function (tr) {
        tr.hidden = q !== "" && tr.textContent.toLowerCase().indexOf(q) < 0;
      });
    });
  };

  function loadSource(table) {
    S.getJSON(table.dataset.source).then(function (body) {
      var rows = body.data;
      var hidden = { unverified: 1, second_tier_only: 1, as_of: 1 };
      var keys = (rows.length ? Object.keys(rows[0]) : []).filter(function (k) { return !hidden[k]; });
      S.fillTable(table, keys.map(function (k) {
        var col = { key: k, label: k === "status_as_of" && rows.length ? "status in " + String(rows[0].as_of).slice(0, 4) : k.replace(/_/g, " ") };
        if (k === "evidence") col.format = function (v) {
          var cls = v === "UNVERIFIED" ? "unverified" : (v === "second-tier only" || v === "no source") ? "second" : "ok";
          return '<span class="evidence ' + cls + '">' + S.escape(v) + "</span>";
        };
        if (k === "iso3") col.format = function (v) { return '<a href="/countries/' + S.escape(v) + '">' + S.escape(v) + "</a>"; };
        if (k === "source") col.format = function (v) {
          return String(v || "").split(" | ").map(function (u) {
            return /^https?:\/\//.test(u) ? '<a href="' + S.escape(u) + '" rel="noreferrer">' + S.escape(u.replace(/^https?:\/\//, "").slice(0, 40)) + "…</a>" : S.escape(u);
          }).join("<br>");
        };
        return col;
      }), rows);
      S.makeSortable(table);
    }).catch(function (err) {
      table.outerHTML = '<p class="error">Could not load the table: ' + S.escape(err.message) + "</p>";
    });
  }

  document.querySelectorAll("table[data-source]").forEach(loadSource);
  document.querySelectorAll("table.sortable:not([data-source])").forEach(S.makeSortable);
  document.querySelectorAll("input[type=search][aria-controls]").forEach(function (input) {
    var table = document.getElementById(input.getAttribute("aria-controls"));
    if (table) S.makeFilter(input, table);
  });
})();
