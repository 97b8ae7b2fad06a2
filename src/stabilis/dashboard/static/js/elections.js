/* The Elections page: PEI and V-Dem scores per election, cyber incidents and disinformation around
   each election with their coverage, the parties, and the inferred next election. */
(function () {
  "use strict";
  var S = window.Stabilis;
  var root = document.getElementById("elections");
  if (!root) return;
  var iso3 = root.dataset.iso3, name = root.dataset.name;

  function statusCell(value, status) {
    if (status === "not covered") return '<span class="not-covered-text">not covered</span>';
    return S.escape(S.fmt(value)) + (status === "partial" ? " (partial)" : "");
  }

  function peiChart(box, rows) {
    var pts = rows.filter(function (r) { return S.isNumber(r.pei_index); });
    if (!pts.length || !S.d3Ready()) return;
    var fig = d3.select(box).append("figure").attr("class", "chart");
    fig.append("h3").text("PEI index per election (0-100, with 95% interval)");
    var W = 640, H = 220, m = { l: 40, r: 10, t: 12, b: 40 };
    var x = d3.scaleBand().domain(pts.map(function (p) { return p.date; })).range([m.l, W - m.r]).padding(0.4);
    var y = d3.scaleLinear().domain([0, 100]).range([H - m.b, m.t]);
    var text = name + ": PEI index " + pts.map(function (p) { return p.date + " " + p.office + " " + S.fmt(p.pei_index); }).join("; ");
    var svg = fig.append("svg").attr("viewBox", "0 0 " + W + " " + H).attr("class", "trend").attr("role", "img").attr("aria-label", text);
    svg.append("g").attr("class", "axis").attr("transform", "translate(0," + (H - m.b) + ")").call(d3.axisBottom(x));
    svg.append("g").attr("class", "axis").attr("transform", "translate(" + m.l + ",0)").call(d3.axisLeft(y).ticks(5));
    pts.forEach(function (p) {
      var cx = x(p.date) + x.bandwidth() / 2;
      if (S.isNumber(p.pei_index_lci) && S.isNumber(p.pei_index_hci)) {
        svg.append("line").attr("class", "ci").attr("x1", cx).attr("x2", cx).attr("y1", y(p.pei_index_lci)).attr("y2", y(p.pei_index_hci));
      }
      svg.append("circle").attr("class", "pei-point " + p.office).attr("cx", cx).attr("cy", y(p.pei_index)).attr("r", 5)
        .on("mousemove", function (ev) { S.tooltip.show("<strong>" + p.date + "</strong> " + p.office + "<br>PEI " + S.fmt(p.pei_index), ev.pageX, ev.pageY); })
        .on("mouseleave", S.tooltip.hide);
      svg.append("text").attr("class", "office-label").attr("x", cx).attr("y", H - m.b + 30).attr("text-anchor", "middle").text(p.office);
    });
    fig.append("figcaption").text(text + ". PEI: expert survey of the Electoral Integrity Project; higher = more integrity. No interval where PEI gives none.");
  }

  S.getJSON("/api/v1/elections/" + encodeURIComponent(iso3)).then(function (body) {
    var m = body.meta, rows = body.data.filter(function (r) { return r.year >= 2000; });
    var html = "<p>" + S.escape(name) + ": " + m.elections + " national elections in the staged data (" + m.first_year + "-" + m.last_year +
      "), " + m.pei_elections + " assessed by PEI; " + m.cyber_incidents_against_elections +
      " cyber incidents against election bodies or parties within " + m.windows.before_days + " days before to " +
      m.windows.after_days + " days after an election (EuRepoC 1.1 receiver categories: " + m.receiver_categories.map(S.escape).join(", ") + ").</p>";
    var next = (m.next_expected || []).map(function (n) {
      return '<p class="' + (n.upcoming ? "notice upcoming" : "note") + '">' + (n.upcoming ? "<strong>Upcoming:</strong> " : "Next ") +
        S.escape(n.office) + " election expected " + n.expected_year + " — " + S.escape(n.basis) + ".</p>";
    }).join("");
    html += next || '<p class="note">Upcoming election: not known (no staged file lists scheduled elections, and the past elections follow no regular cycle).</p>';
    (m.notes || []).forEach(function (n) { html += '<p class="note">' + S.escape(n) + "</p>"; });
    html += '<div id="pei-chart" class="charts"></div><h2>Elections since 2000</h2><div class="table-scroll"><table class="data" id="election-table"></table></div>' +
      '<h2>Cyber incidents against election bodies and parties</h2><div id="election-cyber"></div>' +
      '<h2>Parties (V-Party, latest legislative election)</h2><div id="election-parties"></div>';
    root.innerHTML = html;
    peiChart(document.getElementById("pei-chart"), rows);
    S.fillTable(document.getElementById("election-table"), [
      { key: "date", label: "date", format: function (v, r) { return S.escape(v || String(r.year) + " (year only)"); } },
      { key: "office", label: "office" }, { key: "round", label: "round", num: true },
      { key: "known_from", label: "known from" },
      { key: "pei_index", label: "PEI", num: true },
      { key: "intimidation", label: "V-Dem intimidation", num: true },
      { key: "irregularities", label: "irregularities", num: true },
      { key: "vote_buying", label: "vote buying", num: true },
      { key: "free_fair", label: "free and fair", num: true },
      { key: "clean_elections", label: "clean elections (0-1)", num: true },
      { key: "cyber_incidents", label: "cyber incidents", num: true, format: function (v, r) { return statusCell(v, r.cyber_status); } },
      { key: "disinfo_cases", label: "disinfo cases before", num: true, format: function (v, r) { return statusCell(v, r.disinfo_status); } }
    ], rows.slice().reverse());
    var cyber = document.getElementById("election-cyber");
    if (!m.cyber_incidents_against_elections) S.message(cyber, "None recorded in the covered windows.");
    else {
      cyber.innerHTML = '<table class="data"></table>';
      S.fillTable(cyber.querySelector("table"), [
        { key: "election_date", label: "election" }, { key: "start_date", label: "incident start" },
        { key: "name", label: "incident" }, { key: "receiver_category_subcode", label: "receiver" },
        { key: "receiver_name", label: "receiver name" }
      ], m.cyber_incidents);
    }
    var parties = document.getElementById("election-parties");
    var last = m.parties.length ? m.parties[m.parties.length - 1].election_date : null;
    var latest = m.parties.filter(function (p) { return p.election_date === last; });
    if (!latest.length) S.message(parties, "V-Party has no legislative election for " + name + ".");
    else {
      parties.innerHTML = "<p class=\"note\">Election of " + S.escape(last) + ". Anti-pluralism and populism: V-Party indices, 0-1, higher = more.</p><table class=\"data\"></table>";
      S.fillTable(parties.querySelector("table"), [
        { key: "party", label: "party" }, { key: "v2pavote", label: "vote %", num: true },
        { key: "v2paseatshare", label: "seat %", num: true },
        { key: "v2xpa_antiplural", label: "anti-pluralism", num: true }, { key: "v2xpa_popul", label: "populism", num: true }
      ], latest);
    }
  }).catch(function (err) { S.message(root, "Could not load the elections: " + err.message, "error"); });
})();
