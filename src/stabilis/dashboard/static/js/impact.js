/* Impact pages: the list of case studies, and one case's result (its estimate, inference,
   caveats and table). Says plainly when there are no results yet. */
(function () {
  "use strict";
  var S = window.Stabilis;
  var list = document.getElementById("impact-list");
  var one = document.getElementById("impact-case");

  /* "not_credible" -> "NOT CREDIBLE": the verdict heads every row and every result. */
  function verdictText(v) { return String(v || "").replace(/_/g, " ").toUpperCase(); }
  function signed(v) { return S.isNumber(v) ? (v > 0 ? "+" : "") + S.fmt(v) : "–"; }

  if (list) {
    S.getJSON("/api/v1/impact/cases").then(function (body) {
      if (!body.meta.available) { S.message(list, body.meta.message); return; }
      list.innerHTML = '<p class="status">' + S.escape(body.meta.message) + "</p>" +
        '<table class="data sortable"></table>';
      var columns = [
        { key: "verdict", label: "Verdict", format: function (v) { return "<strong>" + S.escape(verdictText(v)) + "</strong>"; } },
        { key: "case", label: "Case", format: function (v, row) { return '<a href="/impact/' + encodeURIComponent(v) + '">' + S.escape(row.title || v) + "</a>"; } },
        { key: "outcome", label: "Headline outcome" },
        { key: "estimate", label: "Estimate", num: true, format: function (v) { return S.escape(signed(v)); } },
        { key: "lower", label: "Interval", format: function (v, row) { return S.isNumber(v) ? S.escape("[" + signed(v) + ", " + signed(row.upper) + "]") : "–"; } },
        { key: "p_value", label: "p", num: true, format: function (v) { return S.isNumber(v) ? S.escape(S.fmt(v)) : "–"; } },
        { key: "reason", label: "Why (when not an estimate)", format: function (v) { return S.escape(v || ""); } }
      ];
      if (!("verdict" in body.data[0])) {
        columns = Object.keys(body.data[0]).map(function (k) { return { key: k, label: k.replace(/_/g, " ") }; });
      }
      S.fillTable(list.querySelector("table"), columns, body.data);
      S.makeSortable(list.querySelector("table"));
    }).catch(function (err) { S.message(list, "Could not load the cases: " + err.message, "error"); });
  }

  /* The treated country's path against its synthetic control, treatment year marked. */
  function drawPath(box, path) {
    var pts = path.points.filter(function (p) { return S.isNumber(p.treated); });
    if (!pts.length || !S.d3Ready()) return;
    var fig = d3.select(box).append("figure").attr("class", "chart");
    fig.append("h3").text(verdictText(path.verdict) + " — " + path.treated + ": " + path.outcome);
    var W = 640, H = 240, m = { l: 44, r: 10, t: 14, b: 26 };
    var x = d3.scaleLinear().domain(d3.extent(pts, function (p) { return p.year; })).range([m.l, W - m.r]);
    var banded = pts.filter(function (p) { return S.isNumber(p.placebo_low) && S.isNumber(p.placebo_high); });
    var values = pts.map(function (p) { return p.treated; })
      .concat(pts.map(function (p) { return p.synthetic; }).filter(S.isNumber))
      .concat(banded.map(function (p) { return p.placebo_low; }))
      .concat(banded.map(function (p) { return p.placebo_high; }));
    var y = d3.scaleLinear().domain(d3.extent(values)).nice().range([H - m.b, m.t]);
    var post = pts.filter(function (p) { return p.year >= path.treatment_year; });
    var last = post.length ? post[post.length - 1] : pts[pts.length - 1];
    var text = path.treated + ", " + path.outcome + ": treated " + S.fmt(last.treated) + " against synthetic " +
      S.fmt(last.synthetic) + " in " + last.year + "; treatment in " + path.treatment_year + ".";
    var svg = fig.append("svg").attr("viewBox", "0 0 " + W + " " + H).attr("class", "trend")
      .attr("role", "img").attr("aria-label", text);
    svg.append("g").attr("class", "axis").attr("transform", "translate(0," + (H - m.b) + ")")
      .call(d3.axisBottom(x).ticks(8).tickFormat(d3.format("d")));
    svg.append("g").attr("class", "axis").attr("transform", "translate(" + m.l + ",0)").call(d3.axisLeft(y).ticks(5));
    svg.append("line").attr("class", "treatment").attr("x1", x(path.treatment_year - 0.5)).attr("x2", x(path.treatment_year - 0.5))
      .attr("y1", m.t).attr("y2", H - m.b);
    var line = function (key) {
      return d3.line().defined(function (p) { return S.isNumber(p[key]); })
        .x(function (p) { return x(p.year); }).y(function (p) { return y(p[key]); });
    };
    if (banded.length) {
      svg.append("path").datum(banded).attr("class", "band placebo-band")
        .attr("d", d3.area().x(function (p) { return x(p.year); })
          .y0(function (p) { return y(p.placebo_low); }).y1(function (p) { return y(p.placebo_high); }));
    }
    svg.append("path").datum(pts).attr("class", "line").attr("d", line("treated"));
    svg.append("path").datum(pts).attr("class", "line synthetic").attr("d", line("synthetic"));
    fig.append("figcaption").text(text + " Solid: treated; dashed: synthetic control; " +
      (banded.length ? "shaded: the synthetic control plus the middle 90% of the placebo gaps of every donor; " : "") +
      (path.higher_is_better === false ? "higher is worse." : path.higher_is_better ? "higher is better." : "no better or worse direction."));
  }

  if (one) {
    var box = document.getElementById("impact-result");
    var name = one.dataset["case"];
    S.getJSON("/api/v1/impact/cases/" + encodeURIComponent(name)).then(function (body) {
      if (!body.meta.available) { S.message(box, body.meta.message); return; }
      box.innerHTML = '<section class="notice verdicts" aria-label="Verdicts"><h2>Verdict</h2><ul></ul></section>' +
        '<section class="summary"><h2>Result</h2><pre class="prose"></pre></section>' +
        '<h2>Estimates</h2><table class="data"></table>';
      var ul = box.querySelector(".verdicts ul");
      (body.meta.verdicts || []).forEach(function (line) {
        var li = document.createElement("li");
        var cut = line.indexOf(":");
        var strong = document.createElement("strong");
        strong.textContent = cut > 0 ? line.slice(0, cut) : line;
        li.appendChild(strong);
        li.appendChild(document.createTextNode(cut > 0 ? line.slice(cut) : ""));
        ul.appendChild(li);
      });
      box.querySelector("pre").textContent = body.meta.summary || body.meta.message;
      var keys = body.data.length ? Object.keys(body.data[0]) : [];
      S.fillTable(box.querySelector("table"), keys.map(function (k) { return { key: k, label: k.replace(/_/g, " ") }; }), body.data);
      (body.meta.paths || []).forEach(function (path) { drawPath(box, path); });
    }).catch(function (err) { S.message(box, "Could not load the result: " + err.message, "error"); });
  }
})();
