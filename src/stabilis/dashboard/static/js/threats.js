/* The Threats page: a country's cyber operations per source with coverage, the breakdowns by
   initiator, type and severity, disinformation and event signals, the incident list. */
(function () {
  "use strict";
  var S = window.Stabilis;
  var root = document.getElementById("threats");
  if (!root) return;
  var iso3 = root.dataset.iso3, name = root.dataset.name;
  var SOURCES = [
    { key: "dcid", label: "DCID 2.0 operations" },
    { key: "eurepoc", label: "EuRepoC incidents" },
    { key: "cfr", label: "CFR Cyber Operations Tracker" }
  ];

  function series(rows, key, status) {
    return rows.map(function (r) { return { year: r.year, value: r[key], status: r[status] }; });
  }

  Promise.all([
    S.getJSON("/api/v1/threats/" + encodeURIComponent(iso3)),
    S.getJSON("/api/v1/cyber-incidents?iso3=" + encodeURIComponent(iso3))
  ]).then(function (res) {
    var profile = res[0], incidents = res[1].data, meta = profile.meta, rows = profile.data;
    var summary = "<p>" + S.escape(name) + ": <strong>" + S.fmt(meta.cyber_incidents || 0) +
      "</strong> cyber incidents in the covered years (" + S.fmt(meta.cyber_incidents_multi_source || 0) +
      " recorded by more than one source), <strong>" + (meta.disinfo_cases === null ? "not covered" : S.fmt(meta.disinfo_cases)) +
      "</strong> EUvsDisinfo cases naming it, " + S.fmt(meta.alerts) + ' alerts (<a href="/alerts?since=2000">all alerts</a>, ' +
      '<a href="/elections?iso3=' + encodeURIComponent(iso3) + '">elections</a>).</p>';
    (meta.notes || []).forEach(function (n) { summary += '<p class="note">' + S.escape(n) + "</p>"; });
    root.innerHTML = summary;

    var charts = document.getElementById("cyber-charts");
    var reconciled = rows.map(function (r) {
      return { year: r.year, value: r.cyber_incidents, status: r.covered_by ? (r.fully_covered_by ? "covered" : "partial") : "not covered" };
    });
    S.coverageBars(charts, "Reconciled cyber incidents (all sources, duplicates merged)", reconciled, { unit: "incidents" });
    SOURCES.forEach(function (s) {
      S.coverageBars(charts, s.label, series(rows, s.key, s.key + "_status"), { unit: "records" });
    });

    var breakdown = document.getElementById("cyber-breakdown");
    S.hbars(breakdown, "By initiator country (" + incidents.length + " incidents)", S.countBy(incidents, "initiators", ";").slice(0, 12),
      "Initiators as attributed by each source (DCID initiator, EuRepoC attributions, CFR sponsor); one incident may have several.");
    S.hbars(breakdown, "By objective (DCID) or type (EuRepoC, CFR)", S.countBy(incidents.map(function (r) {
      return { k: r.objective ? r.objective + " (DCID objective)" : r.type };
    }), "k", ";").slice(0, 12), "DCID codes an objective; EuRepoC and CFR give an incident type.");
    var sev = incidents.filter(function (r) { return S.isNumber(r.dcid_severity); })
      .map(function (r) { return { k: "DCID severity " + r.dcid_severity }; });
    var inten = incidents.filter(function (r) { return S.isNumber(r.eurepoc_intensity); })
      .map(function (r) { return { k: "EuRepoC intensity " + r.eurepoc_intensity }; });
    S.hbars(breakdown, "By severity", S.countBy(sev.concat(inten), "k").sort(function (a, b) { return a.label < b.label ? -1 : 1; }),
      "DCID severity (1-10) and EuRepoC weighted intensity (0-10) are different scales, shown apart; CFR has none.");

    var other = document.getElementById("other-charts");
    S.coverageBars(other, "EUvsDisinfo cases naming " + name, series(rows, "disinfo_cases", "disinfo_status"),
      { unit: "cases", note: "Pro-Kremlin media cases only; the database as staged runs 2015-01 to 2021-02-18." });
    var events = rows.filter(function (r) { return S.isNumber(r.hostile_events); });
    if (events.length) {
      var eventRows = rows.map(function (r) {
        return { year: r.year, value: r.hostile_events, status: S.isNumber(r.hostile_events) ? "covered" : "not covered" };
      });
      S.coverageBars(other, "Hostile events (GDELT, CAMEO roots 13-20)", eventRows, { unit: "events" });
    } else {
      d3.select(other).append("figure").attr("class", "chart").append("p").attr("class", "notice")
        .text("Event stream: not covered. No GDELT event files have been aggregated for this warehouse " +
              "(stabilis threats events FILE.export.CSV ...); the mirror stages only short real excerpts.");
    }

    var list = document.getElementById("incident-list");
    if (!incidents.length) { S.message(list, "No source records a cyber incident against " + name + "."); }
    else {
      list.innerHTML = '<table class="data sortable"><caption class="visually-hidden">Cyber incidents against ' + S.escape(name) + "</caption></table>";
      S.fillTable(list.querySelector("table"), [
        { key: "start_date", label: "start" },
        { key: "name", label: "incident" },
        { key: "initiators", label: "initiators" },
        { key: "type", label: "type" },
        { key: "sources", label: "sources", format: function (v) {
          return String(v).split(";").map(function (s) { return '<span class="chip">' + S.escape(s) + "</span>"; }).join("");
        } },
        { key: "attribution", label: "attribution" }
      ], incidents.slice().reverse());
      S.makeSortable(list.querySelector("table"));
    }

    var cov = document.getElementById("threat-coverage");
    cov.innerHTML = "<ul>" + (meta.coverage || []).map(function (c) { return "<li>" + S.escape(c) + "</li>"; }).join("") +
      "</ul><p class=\"note\">Snapshots: " + (meta.snapshots || []).map(S.escape).join(", ") + "</p>";
  }).catch(function (err) { S.message(root, "Could not load the threat profile: " + err.message, "error"); });
})();
