/* The resilience page: seven baseline requirements per country, "not measured" where nothing
   measures one, the data years in the title, coverage per requirement, trends where series
   exist, and an overall score only under the stated coverage rule. Reads /api/v1/resilience. */
(function () {
  "use strict";
  var S = window.Stabilis;
  var group = document.getElementById("rs-group");
  var year = document.getElementById("rs-year");
  var coverage = document.getElementById("rs-coverage");
  var ARROW = { improving: " ▲", declining: " ▼", stable: " ▶" };

  function render(body) {
    var meta = body.meta, rows = body.data;
    var years = rows.map(function (r) { return r.latest_year; }).concat(rows.map(function (r) { return r.first_year; })).filter(S.isNumber);
    var span = years.length ? d3.min(years) + "–" + d3.max(years) : "no data";
    document.getElementById("rs-title").textContent = "Resilience, " + (group.value === "nato" ? "NATO members" : "partners") +
      " " + meta.year + " (data " + span + ")";
    coverage.innerHTML = '<table class="data"></table>';
    S.fillTable(coverage.querySelector("table"), [
      { key: "requirement", label: "R" }, { key: "title", label: "Requirement" },
      { key: "countries_scored", label: "Countries scored", num: true, format: function (v, r) { return v + " of " + r.countries; } },
      { key: "fully_measured", label: "All indicators", num: true },
      { key: "data_years", label: "Data years" }, { key: "indicators", label: "Indicators" },
      { key: "not_measured", label: "Not measured by any indicator" }
    ], meta.coverage);
    document.getElementById("rs-rule").textContent = "Overall score: " + meta.overall_rule + ". ▲ improving, ▼ declining, ▶ stable over " +
      meta.trend_window_years + " years (only where a yearly series exists; INFORM is one edition).";
    var byCountry = {};
    rows.forEach(function (r) { (byCountry[r.iso3] = byCountry[r.iso3] || {})[r.requirement] = r; });
    var overall = {};
    (meta.overall || body.meta.overall || []).forEach(function (o) { overall[o.iso3] = o; });
    var table = Object.keys(byCountry).sort().map(function (iso3) {
      var out = { iso3: iso3 };
      for (var i = 1; i <= 7; i++) out["r" + i] = byCountry[iso3][i];
      out.overall = overall[iso3] ? overall[iso3].overall : null;
      out.note = overall[iso3] ? overall[iso3].overall_note : "";
      return out;
    });
    var columns = [{ key: "iso3", label: "Country", format: function (v) { return '<a href="/countries/' + S.escape(v) + '">' + S.escape(v) + "</a>"; } }];
    meta.coverage.forEach(function (c) {
      columns.push({ key: "r" + c.requirement, label: "R" + c.requirement + " " + c.key.replace(/_/g, " "), num: true, format: function (r) {
        if (!r || !S.isNumber(r.score)) return '<span class="muted" title="' + S.escape(r ? r.status : "") + '">not measured</span>';
        return '<span title="' + S.escape(r.indicators + " (" + r.data_years + ")") + '">' + r.score.toFixed(0) + (ARROW[r.trend] || "") + "</span>";
      } });
    });
    columns.push({ key: "overall", label: "Overall", num: true, format: function (v, r) {
      return S.isNumber(v) ? v.toFixed(0) : '<span class="muted">' + S.escape(r.note) + "</span>"; } });
    var el = document.getElementById("rs-table");
    S.fillTable(el, columns, table);
    S.makeSortable(el);
  }

  function load() {
    coverage.innerHTML = '<p class="status" role="status">Loading…</p>';
    S.getJSON("/api/v1/resilience?group=" + group.value + "&year=" + year.value).then(render).catch(function (err) {
      S.message(coverage, "Could not load the scorecard: " + err.message, "error");
    });
  }
  [group, year].forEach(function (el) { el.addEventListener("change", load); });
  load();
})();
