/* The support audit page: ranking against need with every component, the Lorenz curve and its
   Gini, sensitivity to weights and to leaving out each component, the sanity cases, and the
   index definitions one click away. Reads /api/v1/support-audits/{year}. */
(function () {
  "use strict";
  var S = window.Stabilis;
  var year = document.getElementById("sa-year");
  var summary = document.getElementById("sa-summary");
  var SHORT = { operation_personnel: "Operation personnel", allied_troops: "US troops (one ally)", exercises: "Exercises",
    programme_amounts: "Programme amounts", us_assistance: "US assistance (all sectors)", programme_participation: "Programme participation" };

  function pct(v) { return S.isNumber(v) ? (100 * v).toFixed(1) + "%" : ""; }
  function num(v, d) { return S.isNumber(v) ? v.toFixed(d === undefined ? 2 : d) : ""; }

  function lorenz(rows, gini) {
    var box = document.getElementById("sa-lorenz");
    box.innerHTML = "";
    if (!S.d3Ready()) { S.message(box, "The chart library is not installed; the numbers are in the table."); return; }
    var W = 420, H = 380, m = { l: 48, r: 12, t: 12, b: 44 };
    var x = d3.scaleLinear().domain([0, 1]).range([m.l, W - m.r]);
    var y = d3.scaleLinear().domain([0, 1]).range([H - m.b, m.t]);
    var text = "Lorenz curve of support against need; Gini " + gini.toFixed(3) +
      " (0 = support proportional to need, 1 = all support to recipients with little need).";
    var fig = d3.select(box).append("figure").attr("class", "chart");
    var svg = fig.append("svg").attr("viewBox", "0 0 " + W + " " + H).attr("class", "trend").attr("role", "img").attr("aria-label", text);
    svg.append("g").attr("class", "axis").attr("transform", "translate(0," + (H - m.b) + ")").call(d3.axisBottom(x).ticks(5, "%"));
    svg.append("g").attr("class", "axis").attr("transform", "translate(" + m.l + ",0)").call(d3.axisLeft(y).ticks(5, "%"));
    svg.append("line").attr("class", "treatment").attr("x1", x(0)).attr("y1", y(0)).attr("x2", x(1)).attr("y2", y(1));
    svg.append("path").datum(rows).attr("class", "line").attr("d", d3.line()
      .x(function (r) { return x(r.need_share); }).y(function (r) { return y(r.support_share); }));
    svg.append("text").attr("class", "direction").attr("x", (m.l + W - m.r) / 2).attr("y", H - 6)
      .attr("text-anchor", "middle").text("cumulative share of need (least supported relative to need first)");
    svg.append("text").attr("class", "direction").attr("transform", "rotate(-90)").attr("x", -(H - m.b) / 2).attr("y", 12)
      .attr("text-anchor", "middle").text("cumulative share of support");
    fig.append("figcaption").text(text);
  }

  function render(body) {
    var meta = body.meta, rows = body.data, used = meta.components_used;
    document.getElementById("sa-title-year").textContent = meta.year;
    summary.innerHTML = '<p class="notice">Gini of support against need: <strong>' + meta.gini_support_vs_need.toFixed(3) +
      "</strong> (range " + meta.gini_range[0].toFixed(3) + "–" + meta.gini_range[1].toFixed(3) +
      " over every weight setting and left-out component). Most support relative to need: <strong>" +
      S.escape(meta.most_support_relative_to_need.join(", ")) + "</strong>; least: <strong>" +
      S.escape(meta.least_support_relative_to_need.join(", ")) + "</strong>. Composite unit: " + S.escape(meta.unit) +
      "; weights " + used.map(function (k) { return S.escape(k) + " " + meta.weights.support[k]; }).join(", ") + ".</p>";
    var defs = document.getElementById("sa-definitions");
    defs.innerHTML = '<table class="data"></table><p class="note">Need: mean of the present components ' +
      Object.keys(meta.weights.need).map(function (k) { return S.escape(k) + " (weight " + meta.weights.need[k] + ")"; }).join(", ") +
      ". Threat exposure: " + S.escape(meta.threat_exposure) + "</p>";
    S.fillTable(defs.querySelector("table"), [
      { key: "label", label: "Component" }, { key: "unit", label: "Unit" }, { key: "source", label: "Source" },
      { key: "coverage", label: "Coverage in " + meta.year }
    ], meta.definitions);
    var columns = [
      { key: "iso3", label: "Country", format: function (v, r) { return '<a href="/countries/' + S.escape(v) + '" title="' + S.escape(r.why) + '">' + S.escape(v) + "</a>"; } },
      { key: "rank", label: "Rank", num: true, format: function (v) { return num(v, 0); } },
      { key: "support_per_need", label: "S/need", num: true },
      { key: "support", label: "S", num: true, format: pct },
      { key: "need_share", label: "Need", num: true, format: pct }
    ].concat(used.map(function (k) {
      return { key: k + "_share", label: SHORT[k] || k, num: true, format: function (v, r) {
        var raw = r[k];
        return '<span title="' + S.escape(S.isNumber(raw) ? S.fmt(raw) : "") + '">' + pct(v) + "</span>"; } };
    })).concat([
      { key: "rank_best", label: "Best", num: true, format: function (v) { return num(v, 0); } },
      { key: "rank_worst", label: "Worst", num: true, format: function (v) { return num(v, 0); } }
    ]);
    var table = document.getElementById("sa-ranking");
    S.fillTable(table, columns, rows);
    S.makeSortable(table);
    lorenz(meta.lorenz, meta.gini_support_vs_need);
    var sanity = document.getElementById("sa-sanity");
    if (!meta.sanity.length) { S.message(sanity, "None of the cases is active in " + meta.year + "."); }
    else {
      sanity.innerHTML = '<table class="data"></table>';
      S.fillTable(sanity.querySelector("table"), [
        { key: "case", label: "Case" }, { key: "verdict", label: "Verdict" }, { key: "why", label: "Why (from the components)" }
      ], meta.sanity);
    }
    var groups = {};
    meta.sensitivity.forEach(function (r) { (groups[r.varied] = groups[r.varied] || []).push(r); });
    var sens = document.getElementById("sa-sensitivity");
    sens.innerHTML = '<table class="data"></table>';
    S.fillTable(sens.querySelector("table"), [
      { key: "varied", label: "Varied" }, { key: "n", label: "Settings", num: true },
      { key: "min", label: "Spearman min", num: true }, { key: "median", label: "Spearman median", num: true },
      { key: "gmin", label: "Gini min", num: true }, { key: "gmax", label: "Gini max", num: true }
    ], Object.keys(groups).map(function (k) {
      var s = groups[k].map(function (r) { return r.spearman; }).filter(S.isNumber).sort(d3.ascending);
      var g = groups[k].map(function (r) { return r.gini; }).filter(S.isNumber);
      return { varied: k === "need weights" || k === "support weights" ? k + " × {0.5, 1, 2}" : "one component left out",
        n: groups[k].length, min: s[0], median: d3.quantile(s, 0.5), gmin: d3.min(g), gmax: d3.max(g) };
    }));
    var loo = document.getElementById("sa-loo");
    var keys = Object.keys(meta.leave_one_out[0] || {}).filter(function (k) { return k !== "iso3"; });
    S.fillTable(loo, [{ key: "iso3", label: "Country" }].concat(keys.map(function (k) {
      return { key: k, label: k === "rank" ? "Rank (all)" : k.replace(/_/g, " "), num: true, format: function (v) { return num(v, 0); } };
    })), meta.leave_one_out);
    S.makeSortable(loo);
  }

  function load() {
    summary.innerHTML = '<p class="status" role="status">Loading…</p>';
    S.getJSON("/api/v1/support-audits/" + year.value).then(render).catch(function (err) {
      S.message(summary, "Could not load the audit: " + err.message, "error");
    });
  }
  function history() {
    var box = document.getElementById("sa-history");
    box.innerHTML = '<p class="status" role="status">Computing 30 audits…</p>';
    S.getJSON("/api/v1/support-audits?first=1995&last=2024").then(function (body) {
      var years = {};
      body.data.forEach(function (r) { years[r.year] = r.gini; });
      var rows = Object.keys(years).map(function (y) { return { year: +y, gini: years[y] }; });
      box.innerHTML = "";
      if (S.d3Ready() && rows.length) {
        var W = 640, H = 220, m = { l: 44, r: 12, t: 10, b: 30 };
        var x = d3.scaleLinear().domain(d3.extent(rows, function (r) { return r.year; })).range([m.l, W - m.r]);
        var y = d3.scaleLinear().domain([0, 1]).range([H - m.b, m.t]);
        var text = "Gini of support against need per year, " + rows[0].year + "-" + rows[rows.length - 1].year +
          ": from " + d3.min(rows, function (r) { return r.gini; }).toFixed(2) + " to " + d3.max(rows, function (r) { return r.gini; }).toFixed(2) + ".";
        var fig = d3.select(box).append("figure").attr("class", "chart");
        var svg = fig.append("svg").attr("viewBox", "0 0 " + W + " " + H).attr("class", "trend").attr("role", "img").attr("aria-label", text);
        svg.append("g").attr("class", "axis").attr("transform", "translate(0," + (H - m.b) + ")").call(d3.axisBottom(x).tickFormat(d3.format("d")));
        svg.append("g").attr("class", "axis").attr("transform", "translate(" + m.l + ",0)").call(d3.axisLeft(y).ticks(5));
        svg.append("text").attr("class", "direction").attr("x", m.l + 4).attr("y", m.t + 8).text("Gini of support against need");
        svg.append("path").datum(rows).attr("class", "line gini").attr("d", d3.line()
          .x(function (r) { return x(r.year); }).y(function (r) { return y(r.gini); }));
        fig.append("figcaption").text(text);
      }
      var wrap = document.createElement("div");
      wrap.className = "table-scroll";
      wrap.innerHTML = '<table class="data sortable" id="sa-history-table"></table>';
      box.appendChild(wrap);
      var table = wrap.querySelector("table");
      S.fillTable(table, [
        { key: "iso3", label: "Country", format: function (v) { return '<a href="/countries/' + S.escape(v) + '">' + S.escape(v) + "</a>"; } },
        { key: "years", label: "Years audited", num: true },
        { key: "median_support_per_need", label: "Median S/need", num: true },
        { key: "median_rank", label: "Median rank", num: true },
        { key: "years_top5", label: "Years in top 5", num: true },
        { key: "years_bottom5", label: "Years in bottom 5", num: true }
      ], body.meta.recipients);
      S.makeSortable(table);
    }).catch(function (err) { S.message(box, "Could not compute the history: " + err.message, "error"); });
  }
  document.getElementById("sa-history-load").addEventListener("click", history);
  document.getElementById("definitions-link").addEventListener("click", function () {
    document.getElementById("definitions").open = true;
  });
  year.addEventListener("change", load);
  load();
})();
