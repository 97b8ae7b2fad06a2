/* The overview map: a choropleth of one indicator (or forecast risk) for one year and group,
   with a ranked table beside it. State lives in the address (?indicator=&year=&group=). */
(function () {
  "use strict";
  var S = window.Stabilis;
  var status = document.getElementById("map-status");
  if (!S.d3Ready()) { status.textContent = "The map cannot be drawn: d3 is not installed."; return; }

  var svg = d3.select("#map");
  var select = document.getElementById("indicator");
  var groupSelect = document.getElementById("group");
  var slider = document.getElementById("year");
  var yearLabel = document.getElementById("year-label");
  var tbody = document.querySelector("#ranked tbody");
  var params = new URLSearchParams(window.location.search);
  if (params.get("indicator")) select.value = params.get("indicator");
  if (params.get("group")) groupSelect.value = params.get("group");
  var wantedYear = params.get("year") ? +params.get("year") : null;

  var projection = d3.geoNaturalEarth1();
  var path = d3.geoPath(projection);
  var features = [], byIso3 = {}, forecasts = null, groupsCache = {};
  var current = null, request = 0;
  var NAMES_WITHOUT_ID = { "Kosovo": "XKX" };

  function featureKey(f) { return f.id || NAMES_WITHOUT_ID[f.properties.name] || null; }

  function drawBase(topology) {
    var all = topojson.feature(topology, topology.objects.countries).features
      .filter(function (f) { return f.id !== "010"; }); // Antarctica takes space and has no data
    projection.fitExtent([[4, 4], [956, 496]], { type: "FeatureCollection", features: all });
    features = all;
    svg.append("g").attr("class", "countries").selectAll("path").data(all).enter().append("path")
      .attr("d", path)
      .attr("class", "country")
      .attr("data-key", featureKey)
      .on("mousemove", function (event, f) { hover(f, event.pageX, event.pageY); })
      .on("click", function (event, f) {  // a click opens the country's profile
        var iso3 = iso3ByKey[featureKey(f)];
        if (iso3) window.location.href = "/countries/" + iso3;
      })
      .on("mouseleave", function () { S.tooltip.hide(); highlight(null); });
  }

  function rowFor(f) {
    if (!current) return null;
    var key = featureKey(f);
    return current.byKey[key] || null;
  }

  function hover(f, x, y) {
    var row = rowFor(f);
    var meta = current ? current.meta : null;
    var html = "<strong>" + S.escape(row ? row.name : f.properties.name) + "</strong><br>";
    if (row) {
      html += S.escape(meta.label) + ", " + current.year + ": <strong>" + S.fmt(row.value) + "</strong>";
      if (S.isNumber(row.lower) && S.isNumber(row.upper)) {
        html += " (" + S.fmt(row.lower) + " to " + S.fmt(row.upper) + ")";
      }
      html += "<br>Rank " + row.rank + " of " + current.rows.length + " (" + S.directionText(meta) + ")";
    } else if (current && current.outside[featureKey(f)]) {
      html += "not in the group shown";
    } else {
      html += "no value for " + (current ? current.year : "this year");
    }
    S.tooltip.show(html, x, y);
    highlight(featureKey(f));
  }

  function highlight(key) {
    svg.selectAll("path.country").classed("active", function (f) { return key && featureKey(f) === key; });
    d3.selectAll("#ranked tbody tr").classed("active", function () { return key && this.dataset.key === key; });
  }

  function paint() {
    var scale = S.colourScale(current.meta, current.rows.map(function (r) { return r.value; }));
    svg.selectAll("path.country")
      .attr("fill", function (f) {
        var row = rowFor(f);
        if (row) return scale.colour(row.value);
        return current.outside[featureKey(f)] ? "#f4f4f4" : "#c8c8c8";
      })
      .classed("has-value", function (f) { return !!rowFor(f); });
    S.legend("#legend", current.meta, scale, current.legendExtra || "");
    drawTable();
    var rows = current.rows;
    var caption = "Map of " + current.meta.label + " in " + current.year + " for " +
      groupSelect.options[groupSelect.selectedIndex].text + ": " + rows.length +
      " countries with a value (" + S.directionText(current.meta) + ").";
    if (rows.length) {
      caption += " Ranked first: " + rows[0].name + " (" + S.fmt(rows[0].value) + "); last: " +
        rows[rows.length - 1].name + " (" + S.fmt(rows[rows.length - 1].value) + ").";
    }
    if (current.missing && current.missing.length) {
      caption += " No value for: " + current.missing.join(", ") + ".";
    }
    document.getElementById("map-caption").textContent = caption;
    status.textContent = rows.length ? "" : "No country in this group has a value for this year.";
  }

  function drawTable() {
    var hasInterval = current.rows.some(function (r) { return S.isNumber(r.lower); });
    tbody.innerHTML = current.rows.map(function (r) {
      var interval = S.isNumber(r.lower) && S.isNumber(r.upper) ? S.fmt(r.lower) + " – " + S.fmt(r.upper) : "";
      return '<tr data-key="' + S.escape(r.iso3n || r.iso3) + '" data-iso3="' + S.escape(r.iso3) + '">' +
        "<td>" + r.rank + '</td><td><a href="/countries/' + S.escape(r.iso3) + '">' + S.escape(r.name || r.iso3) +
        '</a></td><td class="num" data-value="' + r.value + '">' + S.fmt(r.value) + '</td><td class="num">' + interval + "</td></tr>";
    }).join("");
    document.querySelector("#ranked thead th:nth-child(3)").textContent = "Value";
    document.querySelector("#ranked thead th:nth-child(4)").textContent = hasInterval ? "Interval" : "";
    document.getElementById("ranked-note").textContent = current.meta.label + ", " + current.year +
      " (" + current.meta.indicator + "). " + (current.meta.scale || "") + ". " +
      "Direction: " + S.directionText(current.meta) + "; " +
      (current.meta.ranked ? current.meta.ranked + "." : current.meta.higher_is_better === null ? "highest first." : "best first.");
    tbody.querySelectorAll("tr").forEach(function (tr) {
      var show = function () {
        highlight(tr.dataset.key);
        var box = tr.getBoundingClientRect();
        var f = features.find(function (x) { return featureKey(x) === tr.dataset.key; });
        if (f) {
          var c = path.centroid(f), m = document.getElementById("map").getScreenCTM();
          if (m) { hover(f, m.a * c[0] + m.e + window.scrollX, m.d * c[1] + m.f + window.scrollY); return; }
        }
        S.tooltip.show(S.escape(tr.cells[1].textContent) + ": not drawn on this map", box.left + window.scrollX, box.top + window.scrollY);
      };
      tr.addEventListener("mouseenter", show);
      tr.addEventListener("focusin", show);
      tr.addEventListener("mouseleave", function () { S.tooltip.hide(); highlight(null); });
    });
  }

  function setDownloads(url) {
    ["csv", "parquet", "datapackage"].forEach(function (fmt) {
      var a = document.getElementById("download-" + fmt);
      if (!a) return;
      if (url) { a.href = url + "&format=" + fmt; a.removeAttribute("aria-disabled"); }
      else { a.removeAttribute("href"); a.setAttribute("aria-disabled", "true"); }
    });
  }

  function index(rows) {
    var byKey = {};
    rows.forEach(function (r) { byKey[r.iso3n || r.iso3] = r; if (r.iso3 === "XKX") byKey.XKX = r; });
    return byKey;
  }

  function groupMembers(group, year) {
    var k = group + ":" + year;
    if (!groupsCache[k]) {
      groupsCache[k] = S.getJSON("/api/v1/groups?year=" + year).then(function (body) {
        var out = {};
        body.data.forEach(function (g) { out[g.group] = g.members; });
        return out;
      });
    }
    return groupsCache[k].then(function (all) { return group === "all" ? null : all[group]; });
  }

  function outsideKeys(members) {
    var outside = {};
    if (!members) return outside;
    var inGroup = {};
    members.forEach(function (m) { inGroup[m] = true; });
    Object.keys(byIso3).forEach(function (iso3) {
      if (!inGroup[iso3]) outside[byIso3[iso3]] = true;
    });
    return outside;
  }

  function loadIndicator() {
    var code = select.value, group = groupSelect.value, mine = ++request;
    if (code.indexOf("forecast:") === 0) return loadForecast(code, group, mine);
    var year = wantedYear;
    var signal = code.indexOf("threat:") === 0 ? code.slice("threat:".length) : null;
    var url = signal ? "/api/v1/signals/" + encodeURIComponent(signal) + "/values?group=" + group
                     : "/api/v1/indicators/" + encodeURIComponent(code) + "/values?group=" + group;
    status.textContent = "Loading…";
    S.getJSON(url + (year ? "&year=" + year : "")).catch(function (err) {
      if (year) { wantedYear = null; return S.getJSON(url); }  // that year has no data: latest
      throw err;
    }).then(function (body) {
      if (mine !== request) return;
      var m = body.meta;
      slider.disabled = false;
      slider.min = m.years[0]; slider.max = m.years[m.years.length - 1]; slider.value = m.year;
      yearLabel.textContent = m.year;
      if (m.years.indexOf(m.year) < 0) wantedYear = null;
      return groupMembers(group, m.year).then(function (members) {
        var rows = body.data;
        if (signal && members) {  // threat signals are not filtered by the server: rank within the group
          var keep = new Set(members);
          rows = rows.filter(function (r) { return keep.has(r.iso3); });
          rows.forEach(function (r, i) { r.rank = i + 1; });
        }
        current = { meta: m.indicator, year: m.year, rows: rows, byKey: index(rows),
                    outside: outsideKeys(members), missing: m.members_without_value,
                    legendExtra: signal ? " Coverage: " + m.coverage + "; other countries have no value (not zero)." +
                      (m.note ? " " + m.note : "") : "" };
        paint();
        setDownloads(signal ? "/api/v1/signals/" + encodeURIComponent(signal) + "/values?year=" + m.year
                            : "/api/v1/indicators/" + encodeURIComponent(code) + "/values?year=" + m.year + "&group=" + group);
        history.replaceState(null, "", "?indicator=" + encodeURIComponent(code) + "&year=" + m.year + "&group=" + group);
      });
    }).catch(function (err) { status.textContent = "Could not load the map data: " + err.message; });
  }

  var WORDS = { down: "Risk of closing", up: "Chance of opening", event: "Risk of" };

  function loadForecast(code, group, mine) {
    var outcome = code.slice("forecast:".length);
    var rows = forecasts.data.filter(function (r) { return r.outcome === outcome; });
    var origin = d3.max(rows, function (r) { return r.from_year; });
    var first = rows[0] || { direction: "down", space: outcome };
    groupMembers(group, origin).then(function (members) {
      if (mine !== request) return;
      var keep = members ? new Set(members) : null;
      var better = first.direction === "up";
      var shown = rows.filter(function (r) { return (!keep || keep.has(r.iso3)) && S.isNumber(r.p); })
        .map(function (r) {
          return { iso3: r.iso3, name: countryNames[r.iso3] || r.iso3, value: r.p, lower: r.lower,
                   upper: r.upper, iso3n: isoNumeric[r.iso3] };
        })
        .sort(function (a, b) { return better ? b.value - a.value : a.value - b.value; });
      shown.forEach(function (r, i) { r.rank = i + 1; });
      var label = WORDS[first.direction] + " " + first.space + " (forecast)";
      current = { meta: { indicator: outcome, label: label, higher_is_better: better, minimum: 0, maximum: 1,
                          scale: "probability within the two years after " + origin },
                  year: origin, rows: shown, byKey: index(shown), outside: outsideKeys(members), missing: [],
                  legendExtra: " Forecasts issued from data up to " + origin + "." };
      slider.disabled = true;
      yearLabel.textContent = origin;
      setDownloads(null);
      paint();
    });
  }

  var isoNumeric = {}, countryNames = {}, iso3ByKey = { XKX: "XKX" };
  function addForecastChoices() {
    return S.getJSON("/api/v1/forecasts").then(function (body) {
      if (!body.meta.available) return;
      forecasts = body;
      var seen = {};
      var group = document.createElement("optgroup");
      group.label = "Forecast risk (Stabilis, latest run)";
      body.data.forEach(function (r) {
        if (seen[r.outcome]) return;
        seen[r.outcome] = true;
        var opt = document.createElement("option");
        opt.value = "forecast:" + r.outcome;
        opt.textContent = WORDS[r.direction] + " " + r.space;
        group.appendChild(opt);
      });
      select.insertBefore(group, select.firstChild);
    }).catch(function () { /* forecasts are optional: the indicator layers still work */ });
  }

  var debounce = null;
  slider.addEventListener("input", function () { yearLabel.textContent = slider.value; });
  slider.addEventListener("change", function () {
    wantedYear = +slider.value;
    clearTimeout(debounce);
    debounce = setTimeout(loadIndicator, 60);
  });
  select.addEventListener("change", loadIndicator);
  var finder = document.getElementById("indicator-find");
  if (finder) {  // type part of a name or code; picking a suggestion selects that layer
    finder.addEventListener("change", function () {
      var wanted = finder.value.trim().toLowerCase();
      var match = Array.from(select.options).find(function (o) {
        return o.textContent.toLowerCase() === wanted || o.value.toLowerCase() === wanted;
      }) || Array.from(select.options).find(function (o) { return o.textContent.toLowerCase().indexOf(wanted) >= 0; });
      if (match) { select.value = match.value; finder.value = ""; loadIndicator(); }
    });
  }
  groupSelect.addEventListener("change", loadIndicator);

  Promise.all([
    d3.json("/vendor/countries-50m.json"),
    S.getJSON("/api/v1/countries?limit=1000"),
    addForecastChoices()
  ]).then(function (loaded) {
    loaded[1].data.forEach(function (c) {
      countryNames[c.iso3] = c.name;
      if (c.iso3n !== null && c.iso3n !== undefined) {
        var n = String(c.iso3n).padStart(3, "0");
        byIso3[c.iso3] = n; isoNumeric[c.iso3] = n;
        if (!c.historical) iso3ByKey[n] = c.iso3;
      }
    });
    byIso3.XKX = "XKX"; isoNumeric.XKX = "XKX";
    drawBase(loaded[0]);
    if (params.get("indicator") && select.value !== params.get("indicator")) select.value = params.get("indicator");
    loadIndicator();
  }).catch(function (err) { status.textContent = "Could not load the map: " + err.message; });
})();
