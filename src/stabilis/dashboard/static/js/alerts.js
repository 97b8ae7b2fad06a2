/* The Alerts page: the feed with rule and evidence, filters, and the backtest of the rule. */
(function () {
  "use strict";
  var S = window.Stabilis;
  var root = document.getElementById("alerts");
  if (!root) return;
  var since = root.dataset.since;
  var signalBox = document.getElementById("alerts-signal");
  var countryBox = document.getElementById("alerts-country");
  var all = [];

  function evidenceHtml(a) {
    var items = (a.evidence || []).map(function (e) {
      var label = e.title || e.name || (e.events !== undefined ? e.events + " events" : JSON.stringify(e));
      var link = e.url ? ' <a href="' + S.escape(e.url) + '" rel="noreferrer">source</a>' : "";
      var src = e.sources ? ' <span class="chip">' + S.escape(e.sources) + "</span>" : "";
      var when = e.start_date || e.date || "";
      return "<li>" + S.escape(when ? String(when).slice(0, 10) + " " : "") + S.escape(label) + src + link + "</li>";
    }).join("");
    return "<details><summary>" + a.evidence_total + " items</summary><ul>" + items + "</ul></details>";
  }

  function draw() {
    var sig = signalBox.value, c = countryBox.value.trim().toUpperCase();
    var rows = all.filter(function (a) { return (!sig || a.signal === sig) && (!c || a.iso3 === c); });
    root.innerHTML = '<p class="status" role="status">' + rows.length + " alerts shown of " + all.length + " since " + S.escape(since) +
      '.</p><div class="table-scroll tall"><table class="data sortable"></table></div>';
    S.fillTable(root.querySelector("table"), [
      { key: "period", label: "period" },
      { key: "signal", label: "signal" },
      { key: "iso3", label: "country", format: function (v) { return '<a href="/threats?iso3=' + encodeURIComponent(v) + '">' + S.escape(v) + "</a>"; } },
      { key: "role", label: "role" },
      { key: "value", label: "value", num: true },
      { key: "baseline_median", label: "baseline median", num: true },
      { key: "z", label: "robust z", num: true },
      { key: "evidence", label: "evidence", format: function (v, row) { return evidenceHtml(row); } }
    ], rows);
    S.makeSortable(root.querySelector("table"));
  }

  S.getJSON("/api/v1/alerts?since=" + encodeURIComponent(since)).then(function (body) {
    all = body.data;
    var signals = {};
    all.forEach(function (a) { signals[a.signal] = true; });
    Object.keys(signals).sort().forEach(function (s) {
      var o = document.createElement("option"); o.value = s; o.textContent = s; signalBox.appendChild(o);
    });
    signalBox.addEventListener("change", draw);
    countryBox.addEventListener("input", draw);
    draw();
  }).catch(function (err) { S.message(root, "Could not load the alerts: " + err.message, "error"); });

  var bt = document.getElementById("alert-backtest");
  S.getJSON("/api/v1/alert-backtests").then(function (body) {
    bt.innerHTML = '<table class="data" id="backtest-episodes"><caption class="visually-hidden">Known episodes</caption></table>' +
      '<div id="backtest-years"></div>';
    S.fillTable(bt.querySelector("#backtest-episodes"), [
      { key: "iso3", label: "country" }, { key: "year", label: "year" }, { key: "episode", label: "episode" },
      { key: "flagged", label: "flagged", format: function (v) { return v ? "yes" : "<strong>no</strong>"; } },
      { key: "when", label: "when (signal, period, value, z)" }
    ], body.meta.episodes);
    var years = body.data.map(function (r) { return { year: r.year, value: r.total, status: "covered" }; });
    S.coverageBars(bt.querySelector("#backtest-years"), "Alerts per year, all countries", years, { unit: "alerts" });
  }).catch(function (err) { S.message(bt, "Could not load the backtest: " + err.message, "error"); });
})();
