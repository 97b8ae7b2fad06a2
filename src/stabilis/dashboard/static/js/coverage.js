/* Charts that draw a source's coverage: yearly bars where years outside the source's coverage are
   hatched and labelled "not covered" (never a zero bar), partial years are drawn lighter, and
   covered years with no record show an explicit 0. Also a horizontal bar chart for breakdowns. */
(function () {
  "use strict";
  var S = window.Stabilis;

  function hatch(svg, id) {
    var p = svg.append("defs").append("pattern").attr("id", id).attr("patternUnits", "userSpaceOnUse")
      .attr("width", 6).attr("height", 6).attr("patternTransform", "rotate(45)");
    p.append("rect").attr("width", 6).attr("height", 6).attr("fill", "#f1f1f1");
    p.append("line").attr("x1", 0).attr("y1", 0).attr("x2", 0).attr("y2", 6).attr("stroke", "#b9b9b9").attr("stroke-width", 2);
  }

  /* rows: [{year, value (number|null), status: covered|partial|not covered}] */
  S.coverageBars = function (box, title, rows, opts) {
    opts = opts || {};
    if (!S.d3Ready() || !rows.length) return null;
    var fig = d3.select(box).append("figure").attr("class", "chart coverage-chart");
    fig.append("h3").text(title);
    var W = 640, H = 210, m = { l: 40, r: 10, t: 12, b: 26 };
    var years = rows.map(function (r) { return r.year; });
    var x = d3.scaleBand().domain(years).range([m.l, W - m.r]).padding(0.15);
    var max = d3.max(rows, function (r) { return S.isNumber(r.value) ? r.value : 0; }) || 1;
    var y = d3.scaleLinear().domain([0, max]).nice().range([H - m.b, m.t]);
    var covered = rows.filter(function (r) { return r.status !== "not covered"; });
    var outside = rows.filter(function (r) { return r.status === "not covered"; });
    var total = d3.sum(covered, function (r) { return S.isNumber(r.value) ? r.value : 0; });
    var spanText = covered.length
      ? "covered " + covered[0].year + "-" + covered[covered.length - 1].year
      : "not covered in any year shown";
    var label = covered.length
      ? title + ": " + S.fmt(total) + " in the covered years (" + spanText + "); " + outside.length + " years not covered."
      : title + ": not covered in any year shown (" + outside.length + " years).";
    var svg = fig.append("svg").attr("viewBox", "0 0 " + W + " " + H).attr("class", "trend")
      .attr("role", "img").attr("aria-label", label);
    var id = "hatch-" + Math.random().toString(36).slice(2);
    hatch(svg, id);
    svg.selectAll("rect.not-covered").data(outside).enter().append("rect")
      .attr("class", "not-covered").attr("x", function (r) { return x(r.year); })
      .attr("width", x.bandwidth()).attr("y", m.t).attr("height", H - m.b - m.t)
      .attr("fill", "url(#" + id + ")")
      .on("mousemove", function (ev, r) { S.tooltip.show("<strong>" + r.year + "</strong><br>not covered by this source", ev.pageX, ev.pageY); })
      .on("mouseleave", S.tooltip.hide);
    // Runs of not-covered years get one label.
    var runs = [], run = null;
    rows.forEach(function (r) {
      if (r.status === "not covered") { if (!run) { run = [r.year, r.year]; runs.push(run); } else run[1] = r.year; }
      else run = null;
    });
    runs.forEach(function (span) {
      var x0 = x(span[0]), x1 = x(span[1]) + x.bandwidth();
      if (x1 - x0 < 40) return;
      svg.append("text").attr("class", "not-covered-label").attr("x", (x0 + x1) / 2).attr("y", m.t + 14)
        .attr("text-anchor", "middle").text("not covered");
    });
    svg.selectAll("rect.bar").data(covered).enter().append("rect")
      .attr("class", function (r) { return "bar" + (r.status === "partial" ? " partial" : ""); })
      .attr("x", function (r) { return x(r.year); }).attr("width", x.bandwidth())
      .attr("y", function (r) { return y(S.isNumber(r.value) ? r.value : 0); })
      .attr("height", function (r) { return Math.max(0, y(0) - y(S.isNumber(r.value) ? r.value : 0)); })
      .on("mousemove", function (ev, r) {
        S.tooltip.show("<strong>" + r.year + "</strong><br>" + S.fmt(r.value) + " " + (opts.unit || "") +
          (r.status === "partial" ? "<br>partial year (source starts or ends within it)" : ""), ev.pageX, ev.pageY);
      })
      .on("mouseleave", S.tooltip.hide);
    // An explicit zero where the source covers the year and recorded nothing.
    svg.selectAll("text.zero").data(covered.filter(function (r) { return r.value === 0; })).enter()
      .append("text").attr("class", "zero").attr("x", function (r) { return x(r.year) + x.bandwidth() / 2; })
      .attr("y", y(0) - 2).attr("text-anchor", "middle").text("0");
    var every = Math.ceil(years.length / 12);
    svg.append("g").attr("class", "axis").attr("transform", "translate(0," + (H - m.b) + ")")
      .call(d3.axisBottom(x).tickValues(years.filter(function (yv, i) { return i % every === 0; })).tickFormat(d3.format("d")));
    svg.append("g").attr("class", "axis").attr("transform", "translate(" + m.l + ",0)")
      .call(d3.axisLeft(y).ticks(4).tickFormat(d3.format("d")));
    fig.append("figcaption").text(label + (opts.note ? " " + opts.note : "") +
      " Hatched: not covered; light bars: partial years; 0: covered and nothing recorded.");
    return fig;
  };

  /* items: [{label, value}] largest first */
  S.hbars = function (box, title, items, note) {
    if (!S.d3Ready()) return;
    var fig = d3.select(box).append("figure").attr("class", "chart");
    fig.append("h3").text(title);
    if (!items.length) { fig.append("p").attr("class", "note").text("Nothing recorded."); return; }
    var W = 640, row = 20, m = { l: 170, r: 40, t: 4, b: 4 };
    var H = m.t + m.b + row * items.length;
    var x = d3.scaleLinear().domain([0, d3.max(items, function (d) { return d.value; }) || 1]).range([m.l, W - m.r]);
    var svg = fig.append("svg").attr("viewBox", "0 0 " + W + " " + H).attr("class", "trend hbars")
      .attr("role", "img").attr("aria-label", title + ": " + items.map(function (d) { return d.label + " " + d.value; }).join(", "));
    var g = svg.selectAll("g").data(items).enter().append("g")
      .attr("transform", function (d, i) { return "translate(0," + (m.t + i * row) + ")"; });
    g.append("text").attr("class", "hbar-label").attr("x", m.l - 6).attr("y", row * 0.7).attr("text-anchor", "end")
      .text(function (d) { return d.label.length > 26 ? d.label.slice(0, 25) + "…" : d.label; });
    g.append("rect").attr("class", "bar").attr("x", m.l).attr("y", 3).attr("height", row - 6)
      .attr("width", function (d) { return x(d.value) - m.l; });
    g.append("text").attr("class", "hbar-value").attr("x", function (d) { return x(d.value) + 4; })
      .attr("y", row * 0.7).text(function (d) { return d.value; });
    if (note) fig.append("figcaption").text(note);
  };

  S.countBy = function (rows, key, split) {
    var counts = {};
    rows.forEach(function (r) {
      var v = r[key];
      var parts = split ? String(v || "").split(split) : [v];
      parts.forEach(function (p) {
        var t = p === null || p === undefined ? "" : String(p).trim();
        var k = t === "" ? "not attributed" : t;
        counts[k] = (counts[k] || 0) + 1;
      });
    });
    return Object.keys(counts).map(function (k) { return { label: k, value: counts[k] }; })
      .sort(function (a, b) { return b.value - a.value || (a.label < b.label ? -1 : 1); });
  };
})();
