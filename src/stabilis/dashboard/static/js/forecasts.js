/* The forecasts page: a sortable watch list of the highest risks, by direction, space and group,
   past forecasts scored against what happened, and their calibration curves. Says plainly when
   there are none yet. */
(function () {
  "use strict";
  var S = window.Stabilis;
  var list = document.getElementById("forecast-list");
  var scores = document.getElementById("forecast-scores");
  var direction = document.getElementById("fc-direction");
  var group = document.getElementById("fc-group");
  var space = document.getElementById("fc-space");
  var calibration = document.getElementById("forecast-calibration");
  var data = null, members = {}, names = {};
  var namesReady = S.getJSON("/api/v1/countries?limit=1000").then(function (body) {
    body.data.forEach(function (c) { names[c.iso3] = c.name; });
  }).catch(function () { /* codes stay readable as links when names cannot load */ });
  var DIRECTIONS = { down: "Closing", up: "Opening", event: "Stability events" };

  function render() {
    var keep = group.value === "all" ? null : new Set(members[group.value] || []);
    var rows = data.filter(function (r) {
      return (!keep || keep.has(r.iso3)) && (!space.value || r.space === space.value) &&
        r.direction === direction.value && S.isNumber(r.p);
    }).sort(function (a, b) { return b.p - a.p; }).slice(0, 100);
    var what = { down: "risk of closing", up: "chance of opening", event: "risk of the event" }[direction.value];
    list.innerHTML = '<p class="note">Top ' + rows.length + " by " + what + " in the two years after the data end" +
      (direction.value === "up" ? " (higher is better)" : " (higher is worse)") +
      ". Interval in brackets; drivers are the largest contributions to the forecast.</p>" +
      '<table class="data sortable"></table>';
    var table = list.querySelector("table");
    S.fillTable(table, [
      { key: "iso3", label: "Country", format: function (v) { return '<a href="/countries/' + S.escape(v) + '">' + S.escape(names[v] || v) + "</a>"; } },
      { key: "space", label: "Space or event" }, { key: "from_year", label: "Data up to" },
      { key: "p", label: "Probability", num: true, format: function (v, r) {
        return S.fmt(v) + (S.isNumber(r.lower) && S.isNumber(r.upper) ? " (" + S.fmt(r.lower) + "–" + S.fmt(r.upper) + ")" : ""); } },
      { key: "drivers", label: "Top drivers", format: function (v) { return S.escape(Array.isArray(v) ? v.join(", ") : v || ""); } }
    ], rows);
    S.makeSortable(table);
  }

  S.getJSON("/api/v1/forecasts").then(function (body) {
    if (!body.meta.available) { S.message(list, body.meta.message); return; }
    data = body.data;
    Array.from(new Set(data.map(function (r) { return r.space; }))).sort().forEach(function (o) {
      var opt = document.createElement("option"); opt.value = o; opt.textContent = o; space.appendChild(opt);
    });
    return Promise.all([S.getJSON("/api/v1/groups?year=" + body.meta.origin), namesReady]).then(function (both) {
      var g = both[0];
      g.data.forEach(function (x) { members[x.group] = x.members; });
      render();
      [direction, group, space].forEach(function (el) { el.addEventListener("change", render); });
    });
  }).catch(function (err) { S.message(list, "Could not load forecasts: " + err.message, "error"); });

  S.getJSON("/api/v1/forecasts/scores").then(function (body) {
    if (!body.meta.available) { S.message(scores, body.meta.message); return; }
    scores.innerHTML = '<table class="data sortable"></table>';
    var keys = Object.keys(body.data[0]);
    var LABELS = { archive_id: "archive entry", as_of: "data up to", n: "forecasts", roc_auc: "ROC AUC", pr_auc: "PR AUC", ece: "calibration error (ECE)" };
    S.fillTable(scores.querySelector("table"), keys.map(function (k) {
      var col = { key: k, label: LABELS[k] || k.replace(/_/g, " ") };
      if (k === "direction") col.format = function (v) { return S.escape(DIRECTIONS[v] || v || ""); };
      return col;
    }), body.data);
    if (S.makeSortable) S.makeSortable(scores.querySelector("table"));
  }).catch(function (err) { S.message(scores, "Could not load past forecasts: " + err.message, "error"); });
  /* A reliability diagram: one line per direction, point area by count, the diagonal as the
     reference. A table under the chart gives the same numbers for screen readers and print. */
  function drawCalibration(rows) {
    var shown = rows.filter(function (r) { return S.isNumber(r.mean_predicted) && S.isNumber(r.observed_rate) && r.count > 0; });
    calibration.innerHTML = "";
    if (!S.d3Ready() || !shown.length) { S.message(calibration, "No bin holds a forecast with a known outcome yet."); return; }
    var fig = d3.select(calibration).append("figure").attr("class", "chart calibration");
    var W = 420, H = 360, m = { l: 48, r: 12, t: 12, b: 40 };
    var x = d3.scaleLinear().domain([0, 1]).range([m.l, W - m.r]);
    var y = d3.scaleLinear().domain([0, 1]).range([H - m.b, m.t]);
    var area = d3.scaleSqrt().domain([0, d3.max(shown, function (r) { return r.count; })]).range([0, 12]);
    var byDirection = d3.group(shown, function (r) { return r.direction; });
    var text = "Calibration of " + S.fmt(d3.sum(shown, function (r) { return r.count; })) + " archived forecasts: " +
      Array.from(byDirection, function (e) {
        var gap = d3.sum(e[1], function (r) { return r.count * Math.abs(r.observed_rate - r.mean_predicted); }) /
          d3.sum(e[1], function (r) { return r.count; });
        return (DIRECTIONS[e[0]] || e[0]) + " off the diagonal by " + S.fmt(gap) + " on average";
      }).join("; ") + ".";
    var svg = fig.append("svg").attr("viewBox", "0 0 " + W + " " + H).attr("class", "trend")
      .attr("role", "img").attr("aria-label", text);
    svg.append("g").attr("class", "axis").attr("transform", "translate(0," + (H - m.b) + ")").call(d3.axisBottom(x).ticks(5));
    svg.append("g").attr("class", "axis").attr("transform", "translate(" + m.l + ",0)").call(d3.axisLeft(y).ticks(5));
    svg.append("text").attr("class", "direction").attr("x", (m.l + W - m.r) / 2).attr("y", H - 6)
      .attr("text-anchor", "middle").text("forecast probability");
    svg.append("text").attr("class", "direction").attr("transform", "rotate(-90)").attr("x", -(m.t + H - m.b) / 2)
      .attr("y", 12).attr("text-anchor", "middle").text("share that happened");
    svg.append("line").attr("class", "treatment").attr("x1", x(0)).attr("y1", y(0)).attr("x2", x(1)).attr("y2", y(1));
    byDirection.forEach(function (points, direction) {
      svg.append("path").datum(points).attr("class", "line calibration-" + direction)
        .attr("d", d3.line().x(function (r) { return x(r.mean_predicted); }).y(function (r) { return y(r.observed_rate); }));
      svg.selectAll(null).data(points).enter().append("circle")
        .attr("class", "calibration-point calibration-" + direction)
        .attr("cx", function (r) { return x(r.mean_predicted); }).attr("cy", function (r) { return y(r.observed_rate); })
        .attr("r", function (r) { return Math.max(2, area(r.count)); })
        .append("title").text(function (r) {
          return (DIRECTIONS[direction] || direction) + ": forecasts of " + S.fmt(r.mean_predicted) + " on average; " +
            S.fmt(r.observed_rate) + " happened (" + r.count + " forecasts)";
        });
    });
    fig.append("figcaption").text(text + " " + Array.from(byDirection.keys(), function (d) {
      return (DIRECTIONS[d] || d) + ": " + ({ down: "dark blue", up: "orange", event: "red" }[d] || "line");
    }).join(", ") + "; dotted: perfect calibration.");
    var table = document.createElement("table");
    table.className = "data sortable";
    calibration.appendChild(table);
    S.fillTable(table, [
      { key: "direction", label: "Direction", format: function (v) { return S.escape(DIRECTIONS[v] || v); } },
      { key: "lower", label: "Bin from", num: true }, { key: "upper", label: "to", num: true },
      { key: "mean_predicted", label: "Mean forecast", num: true },
      { key: "observed_rate", label: "Share that happened", num: true },
      { key: "count", label: "Forecasts", num: true, format: function (v) { return String(Math.round(v)); } }
    ], shown);
  }

  S.getJSON("/api/v1/forecasts/calibration").then(function (body) {
    if (!body.meta.available) { S.message(calibration, body.meta.message); return; }
    drawCalibration(body.data);
    var note = document.createElement("p");
    note.className = "note";
    note.textContent = body.meta.message;
    calibration.insertBefore(note, calibration.firstChild);
  }).catch(function (err) { S.message(calibration, "Could not load the calibration curves: " + err.message, "error"); });
})();
