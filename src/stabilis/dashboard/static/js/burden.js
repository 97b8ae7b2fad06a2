/* The burden-sharing page: members' defence expenditure (% of GDP) against 2 %, equipment share
   against 20 %, NATO's figures with SIPRI's beside. Reads /api/v1/burden-shares?year=. */
(function () {
  "use strict";
  var S = window.Stabilis;
  var year = document.getElementById("bs-year");
  var summary = document.getElementById("bs-summary");
  function num(v) { return S.isNumber(v) ? v.toFixed(2) : ""; }

  function chart(rows, meta) {
    var box = document.getElementById("bs-chart");
    box.innerHTML = "";
    var shown = rows.filter(function (r) { return S.isNumber(r.defexp_share_gdp); });
    if (!S.d3Ready() || !shown.length) return;
    var W = 900, bar = 16, m = { l: 56, r: 20, t: 24, b: 30 }, H = m.t + m.b + bar * shown.length;
    var top = Math.max(d3.max(shown, function (r) { return Math.max(r.defexp_share_gdp, r.sipri_share_gdp || 0); }), 2.5);
    var x = d3.scaleLinear().domain([0, top]).nice().range([m.l, W - m.r]);
    var y = d3.scaleBand().domain(shown.map(function (r) { return r.iso3; })).range([m.t, H - m.b]).padding(0.2);
    var met = shown.filter(function (r) { return r.meets_2_percent; }).length;
    var text = "Defence expenditure as a share of GDP, " + meta.year + ": " + met + " of " + shown.length +
      " members at or above the 2 % guideline (NATO" + (meta.nato_figures_are_estimates ? " estimates" : "") + "); ticks show SIPRI.";
    var fig = d3.select(box).append("figure").attr("class", "chart");
    var svg = fig.append("svg").attr("viewBox", "0 0 " + W + " " + H).attr("class", "trend").attr("role", "img").attr("aria-label", text);
    svg.append("g").attr("class", "axis").attr("transform", "translate(0," + (H - m.b) + ")").call(d3.axisBottom(x).ticks(8).tickFormat(function (d) { return d + "%"; }));
    svg.append("g").attr("class", "axis").attr("transform", "translate(" + m.l + ",0)").call(d3.axisLeft(y));
    svg.selectAll("rect.bar").data(shown).enter().append("rect")
      .attr("class", function (r) { return "bar " + (r.meets_2_percent ? "meets" : "below"); })
      .attr("x", x(0)).attr("y", function (r) { return y(r.iso3); }).attr("height", y.bandwidth())
      .attr("width", function (r) { return x(r.defexp_share_gdp) - x(0); })
      .append("title").text(function (r) { return r.country + ": " + num(r.defexp_share_gdp) + "% (SIPRI " + num(r.sipri_share_gdp) + "%)"; });
    svg.selectAll("line.sipri").data(shown.filter(function (r) { return S.isNumber(r.sipri_share_gdp); })).enter().append("line")
      .attr("class", "sipri").attr("x1", function (r) { return x(r.sipri_share_gdp); }).attr("x2", function (r) { return x(r.sipri_share_gdp); })
      .attr("y1", function (r) { return y(r.iso3) - 1; }).attr("y2", function (r) { return y(r.iso3) + y.bandwidth() + 1; });
    svg.append("line").attr("class", "guideline").attr("x1", x(2)).attr("x2", x(2)).attr("y1", m.t - 8).attr("y2", H - m.b);
    svg.append("text").attr("class", "direction").attr("x", x(2) + 4).attr("y", m.t - 10).text("2 % guideline");
    fig.append("figcaption").text(text);
  }

  function render(body) {
    var meta = body.meta, rows = body.data;
    document.getElementById("bs-title-year").textContent = meta.year + (meta.nato_figures_are_estimates ? " (NATO estimates)" : "");
    summary.innerHTML = '<p class="notice"><strong>' + meta.meeting_2_percent + " of " + meta.members_with_nato_figures +
      "</strong> members with NATO figures meet 2 % of GDP; <strong>" + meta.meeting_20_percent_equipment +
      "</strong> spend at least 20 % of defence expenditure on equipment. SIPRI's share differs by more than " +
      meta.difference_threshold_pp + " percentage points for " + S.escape(meta.sipri_differs.join(", ") || "no member") +
      ". Sources: " + S.escape(meta.sources) + ".</p>";
    chart(rows, meta);
    var yes = function (v) { return v === true ? "yes" : v === false ? "no" : ""; };
    var table = document.getElementById("bs-table");
    S.fillTable(table, [
      { key: "iso3", label: "Country", format: function (v, r) { return '<a href="/countries/' + S.escape(v) + '">' + S.escape(r.country || v) + "</a>"; } },
      { key: "defexp_share_gdp", label: "% of GDP (NATO)", num: true, format: num },
      { key: "status", label: "Against 2 %" },
      { key: "gap_to_2_percent_pp", label: "Gap (pp)", num: true, format: num },
      { key: "equipment_share", label: "Equipment %", num: true, format: num },
      { key: "meets_20_percent_equipment", label: "≥ 20 %", format: yes },
      { key: "sipri_share_gdp", label: "% of GDP (SIPRI)", num: true, format: function (v, r) {
        return num(v) + (r.sipri_estimate ? " (est.)" : "") + (r.sipri_uncertain ? " (uncertain)" : ""); } },
      { key: "nato_minus_sipri_pp", label: "NATO − SIPRI (pp)", num: true, format: num },
      { key: "estimate", label: "NATO estimate", format: yes }
    ], rows);
    S.makeSortable(table);
  }

  function load() {
    S.getJSON("/api/v1/burden-shares?year=" + year.value).then(render).catch(function (err) {
      S.message(summary, "Could not load burden-sharing: " + err.message, "error");
    });
  }
  year.addEventListener("change", load);
  load();
})();
