/* Impact pages: the list of case studies, and one case's result (its estimate, inference,
   caveats and table). Says plainly when there are no results yet. */
(function () {
  "use strict";
  var S = window.Stabilis;
  var list = document.getElementById("impact-list");
  var one = document.getElementById("impact-case");

  if (list) {
    S.getJSON("/api/v1/impact/cases").then(function (body) {
      if (!body.meta.available) { S.message(list, body.meta.message); return; }
      list.innerHTML = '<table class="data sortable"></table>';
      var keys = Object.keys(body.data[0]);
      S.fillTable(list.querySelector("table"), keys.map(function (k) {
        var col = { key: k, label: k.replace(/_/g, " ") };
        if (k === "case") col.format = function (v) { return '<a href="/impact/' + encodeURIComponent(v) + '">' + S.escape(v) + "</a>"; };
        return col;
      }), body.data);
      S.makeSortable(list.querySelector("table"));
    }).catch(function (err) { S.message(list, "Could not load the cases: " + err.message, "error"); });
  }

  /* The treated country's path against its synthetic control, treatment year marked. */
  function drawPath(box, path) {
    var pts = path.points.filter(function (p) { return S.isNumber(p.treated); });
    if (!pts.length || !S.d3Ready()) return;
    var fig = d3.select(box).append("figure").attr("class", "chart");
    fig.append("h3").text(path.treated + ": " + path.outcome + " (" + path.verdict + ")");
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
      box.innerHTML = '<section class="summary"><h2>Result</h2><pre class="prose"></pre></section>' +
        '<h2>Estimates</h2><table class="data"></table>';
      box.querySelector("pre").textContent = body.meta.summary || body.meta.message;
      var keys = body.data.length ? Object.keys(body.data[0]) : [];
      S.fillTable(box.querySelector("table"), keys.map(function (k) { return { key: k, label: k.replace(/_/g, " ") }; }), body.data);
      (body.meta.paths || []).forEach(function (path) { drawPath(box, path); });
    }).catch(function (err) { S.message(box, "Could not load the result: " + err.message, "error"); });
  }
})();
