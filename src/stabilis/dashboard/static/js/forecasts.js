/* The forecasts page: a sortable watch list of the highest risks, by direction, space and group,
   and past forecasts scored against what happened. Says plainly when there are none yet. */
(function () {
  "use strict";
  var S = window.Stabilis;
  var list = document.getElementById("forecast-list");
  var scores = document.getElementById("forecast-scores");
  var direction = document.getElementById("fc-direction");
  var group = document.getElementById("fc-group");
  var space = document.getElementById("fc-space");
  var data = null, members = {};

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
      { key: "iso3", label: "Country", format: function (v) { return '<a href="/countries/' + S.escape(v) + '">' + S.escape(v) + "</a>"; } },
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
    return S.getJSON("/api/v1/groups?year=" + body.meta.origin).then(function (g) {
      g.data.forEach(function (x) { members[x.group] = x.members; });
      render();
      [direction, group, space].forEach(function (el) { el.addEventListener("change", render); });
    });
  }).catch(function (err) { S.message(list, "Could not load forecasts: " + err.message, "error"); });

  S.getJSON("/api/v1/forecasts/scores").then(function (body) {
    if (!body.meta.available) { S.message(scores, body.meta.message); return; }
    scores.innerHTML = '<table class="data sortable"></table>';
    var keys = Object.keys(body.data[0]);
    S.fillTable(scores.querySelector("table"), keys.map(function (k) { return { key: k, label: k.replace(/_/g, " ") }; }), body.data);
    if (S.makeSortable) S.makeSortable(scores.querySelector("table"));
  }).catch(function (err) { S.message(scores, "Could not load past forecasts: " + err.message, "error"); });
})();
