/* A country's profile: one chart per indicator (line, producer's interval band, regime episodes
   shaded, coups and conflict years marked), the registry timeline, events, forecasts, impact. */
(function () {
  "use strict";
  var S = window.Stabilis;
  var root = document.getElementById("profile");
  var iso3 = root.dataset.iso3;
  var status = document.getElementById("profile-status");
  var params = new URLSearchParams(window.location.search);
  var from = params.get("from") || "1990";
  var codes = params.get("indicators") || "";
  document.getElementById("from-year").value = from;
  document.getElementById("indicator-codes").value = codes;
  var thisYear = new Date().getFullYear();
  var years = from + "-" + thisYear;
  var GROUP_NAMES = { nato: "NATO member", pfp: "Partnership for Peace", eapc: "EAPC",
                      md: "Mediterranean Dialogue", ici: "Istanbul Cooperation Initiative",
                      global: "Partner across the globe" };

  function chart(container, ind, profile) {
    var pts = ind.points.filter(function (p) { return S.isNumber(p.value); });
    var fig = d3.select(container).append("figure").attr("class", "chart");
    fig.append("h3").text(ind.label);
    fig.append("p").attr("class", "chart-sub")
      .text(ind.indicator + " · " + (ind.scale || "") + " · " + S.directionText(ind) +
            (ind.release ? " · " + ind.source + " " + ind.release : ""));
    if (!pts.length) {
      fig.append("p").attr("class", "notice").text("No values for " + iso3 + " in " + profile.years.join("–") + ".");
      return;
    }
    var W = 460, H = 200, m = { l: 44, r: 10, t: 14, b: 26 };
    var x = d3.scaleLinear().domain(profile.years).range([m.l, W - m.r]);
    var lows = pts.map(function (p) { return S.isNumber(p.lower) ? p.lower : p.value; });
    var highs = pts.map(function (p) { return S.isNumber(p.upper) ? p.upper : p.value; });
    var lo = d3.min(lows), hi = d3.max(highs), zoomed = true;
    // The axis spans the indicator's own scale when its metadata give one, so a small change is
    // not drawn as a cliff; otherwise it spans the data and the chart says so.
    if (S.isNumber(ind.minimum) && S.isNumber(ind.maximum) && ind.maximum > ind.minimum) {
      lo = Math.min(lo, ind.minimum); hi = Math.max(hi, ind.maximum); zoomed = false;
    }
    if (!(hi > lo)) { lo -= 1; hi += 1; }
    var y = d3.scaleLinear().domain([lo, hi]).range([H - m.b, m.t]);
    if (zoomed) y.nice();
    var first = pts[0], last = pts[pts.length - 1];
    var worst = ind.higher_is_better === false ? d3.greatest(pts, function (p) { return p.value; })
                                               : d3.least(pts, function (p) { return p.value; });
    var summary = ind.label + " for " + profile.country.name + ", " + first.year + "–" + last.year +
      ": " + S.fmt(first.value) + " in " + first.year + ", " + S.fmt(last.value) + " in " + last.year +
      " (" + S.directionText(ind) + "); " + (ind.higher_is_better === null ? "lowest " : "worst ") +
      S.fmt(worst.value) + " in " + worst.year + ".";
    if (zoomed) summary += " The vertical axis is zoomed to the data (the indicator has no fixed scale).";
    var svg = fig.append("svg").attr("viewBox", "0 0 " + W + " " + H).attr("class", "trend")
      .attr("role", "img").attr("aria-label", summary);
    var clipId = "clip-" + ind.indicator.replace(/[^a-z0-9]/gi, "-");
    svg.append("defs").append("clipPath").attr("id", clipId).append("rect")
      .attr("x", m.l).attr("y", m.t).attr("width", W - m.l - m.r).attr("height", H - m.t - m.b);
    // regime episodes behind everything
    profile.episodes.forEach(function (e) {
      var a = Math.max(e.start_year, profile.years[0]), b = Math.min(e.end_year, profile.years[1]);
      if (b < a) return;
      svg.append("rect").attr("class", "episode " + e.kind)
        .attr("x", x(a - 0.5)).attr("width", Math.max(1, x(b + 0.5) - x(a - 0.5)))
        .attr("y", m.t).attr("height", H - m.b - m.t)
        .append("title").text(e.kind + " episode " + e.start_year + "–" + e.end_year + ": " + (e.outcome || ""));
    });
    svg.append("g").attr("class", "axis").attr("transform", "translate(0," + (H - m.b) + ")")
      .call(d3.axisBottom(x).ticks(6).tickFormat(d3.format("d")));
    svg.append("g").attr("class", "axis").attr("transform", "translate(" + m.l + ",0)")
      .call(d3.axisLeft(y).ticks(5));
    svg.append("text").attr("class", "direction").attr("x", m.l + 4).attr("y", m.t + 8)
      .text("↑ " + S.directionText(ind));
    if (zoomed) {
      svg.append("text").attr("class", "zoomed").attr("x", W - m.r - 2).attr("y", m.t + 8)
        .attr("text-anchor", "end").text("axis zoomed to the data");
    }
    var banded = pts.filter(function (p) { return S.isNumber(p.lower) && S.isNumber(p.upper); });
    if (banded.length) {
      svg.append("path").datum(banded).attr("class", "band").attr("clip-path", "url(#" + clipId + ")")
        .attr("d", d3.area().defined(function (p) { return S.isNumber(p.lower); })
          .x(function (p) { return x(p.year); }).y0(function (p) { return y(p.lower); })
          .y1(function (p) { return y(p.upper); }));
    }
    svg.append("path").datum(pts).attr("class", "line").attr("clip-path", "url(#" + clipId + ")")
      .attr("d", d3.line().x(function (p) { return x(p.year); }).y(function (p) { return y(p.value); }));
    profile.coups.forEach(function (c) {
      svg.append("text").attr("class", "coup" + (c.successful ? " successful" : ""))
        .attr("x", x(c.year)).attr("y", m.t + 2).attr("text-anchor", "middle").text(c.successful ? "▼" : "▽")
        .append("title").text("Coup attempt " + c.year + (c.successful ? " (successful)" : " (failed)"));
    });
    var warYears = Array.from(new Set(profile.conflicts.map(function (c) { return c.year; })));
    warYears.forEach(function (yr) {
      svg.append("rect").attr("class", "conflict-tick").attr("x", x(yr) - 1.5).attr("width", 3)
        .attr("y", H - m.b - 6).attr("height", 6).append("title").text("Armed conflict in " + yr);
    });
    // hover: nearest year's value and interval
    var focus = svg.append("circle").attr("r", 3.5).attr("class", "focus").style("display", "none");
    svg.append("rect").attr("class", "overlay").attr("x", m.l).attr("y", m.t)
      .attr("width", W - m.l - m.r).attr("height", H - m.t - m.b)
      .on("mousemove", function (event) {
        var yr = Math.round(x.invert(d3.pointer(event)[0]));
        var p = d3.least(pts, function (q) { return Math.abs(q.year - yr); });
        focus.style("display", null).attr("cx", x(p.year)).attr("cy", y(p.value));
        var band = S.isNumber(p.lower) ? " (" + S.fmt(p.lower) + " to " + S.fmt(p.upper) + ")" : "";
        S.tooltip.show("<strong>" + p.year + "</strong>: " + S.fmt(p.value) + band, event.pageX, event.pageY);
      })
      .on("mouseleave", function () { focus.style("display", "none"); S.tooltip.hide(); });
    fig.append("figcaption").text(summary);
    var details = fig.append("details");
    details.append("summary").text("Data table");
    var table = details.append("table").attr("class", "data").node();
    S.fillTable(table, [{ key: "year", label: "Year" }, { key: "value", label: "Value", num: true },
      { key: "lower", label: "Lower", num: true }, { key: "upper", label: "Upper", num: true }], pts);
  }

  function timeline(spans) {
    var svg = d3.select("#timeline");
    var caption = document.getElementById("timeline-caption");
    if (!spans.length) {
      svg.attr("height", 0);
      caption.textContent = profile_name() + " has no membership, partnership, programme or operation in the registry.";
      return;
    }
    var W = 960, row = 22, m = { l: 250, r: 20, t: 6, b: 24 };
    var H = m.t + m.b + row * spans.length;
    var dated = spans.filter(function (s) { return s.start; });
    var start = d3.min(dated, function (s) { return +String(s.start).slice(0, 4); }) || 1990;
    var x = d3.scaleLinear().domain([Math.min(start, 1990), thisYear + 1]).range([m.l, W - m.r]);
    svg.attr("viewBox", "0 0 " + W + " " + H).attr("aria-label",
      "Timeline of " + spans.length + " registry spells from " + start + ".");
    spans.forEach(function (s, i) {
      var yPos = m.t + i * row;
      var full = s.label + (s.code ? " (" + s.code + ")" : "");
      var short = full.length > 36 ? String(s.label).slice(0, 36 - (s.code ? s.code.length + 4 : 1)).trim() + "…" + (s.code ? " (" + s.code + ")" : "") : full;
      svg.append("text").attr("class", "tl-label").attr("x", m.l - 6).attr("y", yPos + 14)
        .attr("text-anchor", "end").text(short).append("title").text(full);
      if (!s.start) {
        svg.append("text").attr("class", "tl-open").attr("x", m.l + 4).attr("y", yPos + 15)
          .text("start date not recorded");
        return;
      }
      var a = +String(s.start).slice(0, 4), b = s.end ? +String(s.end).slice(0, 4) : thisYear + 1;
      var flag = s.unverified ? " unverified" : "";
      var tip = s.kind + ": " + s.label + (s.detail ? " (" + s.detail + ")" : "") + ", " +
        (s.shape === "milestone" ? s.start : s.start + " to " + (s.end || "ongoing")) +
        (s.unverified ? " [UNVERIFIED]" : "") + (s.provenance && s.provenance.indexOf("E-") >= 0 ? " · " + s.provenance : "");
      if (s.shape === "milestone") {
        var cx = x(a + 0.5), cy = yPos + row / 2, r = 6;
        svg.append("path").attr("class", "tl-milestone " + s.kind + flag)
          .attr("d", "M" + cx + "," + (cy - r) + "L" + (cx + r) + "," + cy + "L" + cx + "," + (cy + r) + "L" + (cx - r) + "," + cy + "Z")
          .append("title").text(tip);
        var nearEnd = cx > W - m.r - 320;
        svg.append("text").attr("class", "tl-open").attr("x", nearEnd ? cx - r - 4 : cx + r + 4)
          .attr("y", yPos + 15).attr("text-anchor", nearEnd ? "end" : "start")
          .text(function () {
            var when = String(s.date || s.start).slice(0, 10) + (s.unverified ? " · unverified" : "");
            var what = s.detail ? (s.detail.length > 44 ? s.detail.slice(0, 43) + "…" : s.detail) : "";
            if (!what) return when;
            return nearEnd ? what + " · " + when : when + " · " + what;
          });
        return;
      }
      svg.append("rect").attr("class", "tl " + s.kind + flag).attr("x", x(a)).attr("y", yPos + 4)
        .attr("width", Math.max(3, x(b) - x(a))).attr("height", row - 8)
        .append("title").text(tip);
      if (!s.end || !s.end_known) {
        svg.append("text").attr("class", "tl-open").attr("x", x(b) + 2).attr("y", yPos + 15).text("→");
      }
      if (s.unverified) {
        svg.append("text").attr("class", "tl-open").attr("x", x(a) + 4).attr("y", yPos + 15).text("unverified");
      }
    });
    svg.append("g").attr("class", "axis").attr("transform", "translate(0," + (H - m.b) + ")")
      .call(d3.axisBottom(x).ticks(10).tickFormat(d3.format("d")));
    caption.textContent = "Registry timeline: " + spans.map(function (s) {
      return s.label + " " + (s.start ? String(s.start).slice(0, 4) : "(start unknown)") +
        (s.shape === "milestone" ? " (milestone)" : "–" + (s.end ? String(s.end).slice(0, 4) : "")) +
        (s.unverified ? " (unverified)" : "");
    }).join("; ") + ".";
    S.fillTable(document.getElementById("timeline-table"), [
      { key: "kind", label: "Kind" }, { key: "label", label: "What" }, { key: "code", label: "Code" },
      { key: "shape", label: "Shape" }, { key: "date", label: "Start" }, { key: "end", label: "End (or derived end)" },
      { key: "detail", label: "Detail" }, { key: "status", label: "Status now" },
      { key: "evidence", label: "Evidence" }, { key: "provenance", label: "Provenance" }], spans);
  }

  var profileData = null;
  function profile_name() { return profileData ? profileData.country.name : iso3; }

  function events(p) {
    var coups = document.getElementById("coups-table");
    if (p.coups.length) {
      S.fillTable(coups, [{ key: "year", label: "Year" }, { key: "attempts", label: "Attempts", num: true },
        { key: "successful", label: "Successful", num: true }, { key: "failed", label: "Failed", num: true }], p.coups);
    } else {
      coups.outerHTML = '<p class="notice">No coup attempt recorded in ' + p.years.join("–") + " (Powell &amp; Thyne).</p>";
    }
    var byConflict = {};
    p.conflicts.forEach(function (c) {
      var k = c.conflict_id, e = byConflict[k];
      if (!e) e = byConflict[k] = { conflict: (c.side_a || "") + " vs " + (c.side_b || ""),
        territory: c.territory_name || "", first: c.year, last: c.year, years: 0, war: false };
      e.first = Math.min(e.first, c.year); e.last = Math.max(e.last, c.year); e.years += 1;
      e.war = e.war || c.intensity_level === 2;
    });
    var rows = Object.values(byConflict).sort(function (a, b) { return a.first - b.first; });
    var conflicts = document.getElementById("conflicts-table");
    if (rows.length) {
      S.fillTable(conflicts, [{ key: "conflict", label: "Sides" }, { key: "territory", label: "Territory" },
        { key: "first", label: "From" }, { key: "last", label: "To" }, { key: "years", label: "Active years", num: true },
        { key: "war", label: "Reached war (1,000+ deaths a year)", format: function (v) { return v ? "yes" : "no"; } }], rows);
    } else {
      conflicts.outerHTML = '<p class="notice">No armed conflict recorded in ' + p.years.join("–") + " (UCDP/PRIO).</p>";
    }
  }

  function results(url, container, render) {
    S.getJSON(url).then(function (body) {
      if (!body.meta.available) { S.message(container, body.meta.message); return; }
      render(body);
    }).catch(function (err) { S.message(container, "Could not load: " + err.message, "error"); });
  }

  function setDownloads(p) {
    var codesShown = p.indicators.map(function (i) { return i.indicator; }).join(",");
    ["csv", "parquet", "datapackage"].forEach(function (fmt) {
      document.getElementById("download-" + fmt).href = "/api/v1/panel?indicators=" +
        encodeURIComponent(codesShown) + "&countries=" + iso3 + "&years=" + p.years.join("-") +
        "&bounds=true&format=" + fmt;
    });
  }

  var url = "/api/v1/countries/" + iso3 + "/profile?years=" + years +
    (codes ? "&indicators=" + encodeURIComponent(codes) : "");
  S.getJSON(url).then(function (body) {
    var p = profileData = body.data;
    document.getElementById("groups-now").innerHTML = p.groups.length
      ? p.groups.map(function (g) { return '<span class="chip">' + S.escape(GROUP_NAMES[g] || g) + "</span>"; }).join(" ")
      : '<span class="chip muted">Not a NATO member or partner in ' + p.years[1] + "</span>";
    setDownloads(p);
    if (!S.d3Ready()) { status.textContent = "Charts cannot be drawn: d3 is not installed."; }
    else {
      var charts = document.getElementById("charts");
      p.indicators.forEach(function (ind) { chart(charts, ind, p); });
      timeline(p.timeline);
      status.textContent = "";
    }
    events(p);
  }).catch(function (err) { status.textContent = "Could not load the profile: " + err.message; });

  /* The analysis sections (forecasts, threats, support, resilience) come from the report package,
     the same functions the printable brief uses: GET /api/v1/countries/{iso3}/sections/{name}. */
  function section(name, render) {
    var box = document.getElementById(name + "-section");
    if (!box) return;
    S.getJSON("/api/v1/countries/" + iso3 + "/sections/" + name).then(function (body) {
      var m = body.meta;
      var head = '<p class="' + (m.available ? "note" : "notice") + '">' + S.escape(m.message) + "</p>";
      box.innerHTML = head + (m.available ? '<div class="downloads">Download: ' +
        ["csv", "datapackage"].map(function (f) {
          return '<a href="/api/v1/countries/' + iso3 + "/sections/" + name + "?format=" + f + '" download>' +
            (f === "csv" ? "CSV" : "CSV + citation (zip)") + "</a>";
        }).join(" ") + "</div>" : "");
      if (m.available) render(box, body);
    }).catch(function (err) { S.message(box, "Could not load: " + err.message, "error"); });
  }
  function table(box, cols, rows) {
    var t = document.createElement("table");
    t.className = "data";
    box.appendChild(t);
    S.fillTable(t, cols, rows);
  }
  function prob(v, r) {
    return S.fmt(v) + (S.isNumber(r.lower) && S.isNumber(r.upper) ? " (" + S.fmt(r.lower) + "–" + S.fmt(r.upper) + ")" : "");
  }
  section("forecasts", function (box, body) {
    table(box, [{ key: "what", label: "Space or event" }, { key: "from_year", label: "Data up to" },
      { key: "p", label: "Probability (interval)", num: true, format: prob },
      { key: "drivers", label: "Largest drivers (log-odds contribution)", format: drivers }], body.data);
  });
  section("threats", function (box, body) {
    var m = body.meta, sum = m.summary || {};
    var years = body.data.filter(function (r) { return r.cyber_operations !== null || r.disinfo_cases !== null; });
    var row = document.createElement("div");
    row.className = "section-grid";
    box.appendChild(row);
    bars(row, body.data, "cyber_operations", "State cyber operations against " + profile_name() + " (DCID)");
    bars(row, body.data, "disinfo_cases", "Disinformation cases naming " + profile_name() + " (EUvsDisinfo)");
    var details = document.createElement("details");
    details.innerHTML = "<summary>Yearly counts as a table</summary>";
    box.appendChild(details);
    table(details, [{ key: "year", label: "Year" },
      { key: "cyber_operations", label: "Cyber operations (DCID)", num: true, format: covered },
      { key: "disinfo_cases", label: "Disinformation cases (EUvsDisinfo)", num: true, format: covered }], years);
    if (m.alerts && m.alerts.length) {
      var h = document.createElement("h3"); h.textContent = "Latest alerts"; box.appendChild(h);
      table(box, [{ key: "signal", label: "Signal", format: function (v) { return S.escape(String(v).replace(/_/g, " ")); } },
        { key: "period", label: "Period" },
        { key: "value", label: "Value", num: true }, { key: "baseline_median", label: "Usual (median)", num: true },
        { key: "z", label: "Robust z", num: true }], m.alerts);
    }
    (m.notes || []).forEach(function (n) { var p = document.createElement("p"); p.className = "note"; p.textContent = n; box.appendChild(p); });
    if (sum.top_keywords && sum.top_keywords.length) {
      var k = document.createElement("p"); k.className = "note";
      k.textContent = "Most frequent disinformation keywords: " + sum.top_keywords.join(", ") + ".";
      box.appendChild(k);
    }
  });
  section("support", function (box, body) {
    var m = body.meta;
    if (m.components && m.components.length) {
      table(box, [{ key: "label", label: "Support component" },
        { key: "value", label: "Value in " + m.year, num: true, format: function (v) { return S.isNumber(v) ? S.escape(S.fmt(v)) : '<span class="note">not covered</span>'; } },
        { key: "unit", label: "Unit" }, { key: "source", label: "Source" }], m.components);
      return;
    }
    table(box, [{ key: "rank", label: "Rank", num: true }, { key: "rank_best", label: "Best rank (other weights)", num: true },
      { key: "rank_worst", label: "Worst rank", num: true }], body.data);
  });
  section("resilience", function (box, body) {
    table(box, [{ key: "requirement", label: "#" },
      { key: "title", label: "Requirement", format: function (v, r) { return S.escape(v) + (r.status && r.status.indexOf("partly") === 0 ? ' <span class="note">(' + S.escape(r.status) + ")</span>" : ""); } },
      { key: "measured_by", label: "Measured by", format: function (v, r) { return S.isNumber(r.score) ? S.escape(v) : "<em>not measured</em>: " + S.escape(r.why_not || ""); } },
      { key: "score", label: "Score (0–100)", num: true }, { key: "years", label: "Data years" }, { key: "trend", label: "Trend" }], body.data);
  });
  /* Counts per year; a year the source does not cover is hatched and labelled, never a zero bar. */
  function bars(container, rows, key, label) {
    if (!S.d3Ready() || !rows.length) return;
    var fig = d3.select(container).append("figure").attr("class", "chart");
    fig.append("h3").text(label);
    var W = 460, H = 150, m = { l: 44, r: 10, t: 10, b: 24 };
    var first = d3.min(rows, function (r) { return r.year; }), last = d3.max(rows, function (r) { return r.year; });
    var x = d3.scaleBand().domain(d3.range(first, last + 1)).range([m.l, W - m.r]).padding(0.12);
    var top = d3.max(rows, function (r) { return S.isNumber(r[key]) ? r[key] : 0; }) || 1;
    var y = d3.scaleLinear().domain([0, top]).nice().range([H - m.b, m.t]);
    var known = rows.filter(function (r) { return S.isNumber(r[key]); });
    var text = label + ": " + (known.length ? d3.sum(known, function (r) { return r[key]; }).toLocaleString("en") +
      " in " + known[0].year + "–" + known[known.length - 1].year + "; other years not covered by the source." : "not covered.");
    var svg = fig.append("svg").attr("viewBox", "0 0 " + W + " " + H).attr("class", "trend")
      .attr("role", "img").attr("aria-label", text);
    var pid = "hatch-" + key;
    svg.append("defs").append("pattern").attr("id", pid).attr("width", 5).attr("height", 5)
      .attr("patternUnits", "userSpaceOnUse").attr("patternTransform", "rotate(45)")
      .append("line").attr("x1", 0).attr("y1", 0).attr("x2", 0).attr("y2", 5).attr("stroke", "#bbb").attr("stroke-width", 1.5);
    rows.forEach(function (r) {
      if (S.isNumber(r[key])) {
        svg.append("rect").attr("class", "threat-bar").attr("x", x(r.year)).attr("width", x.bandwidth())
          .attr("y", Math.min(y(r[key]), y(0) - 1)).attr("height", Math.max(1, y(0) - y(r[key]))).attr("fill", "#8c2d04")
          .append("title").text(r.year + ": " + S.fmt(r[key]));
      } else {
        svg.append("rect").attr("class", "not-covered").attr("x", x(r.year)).attr("width", x.bandwidth())
          .attr("y", m.t).attr("height", H - m.b - m.t).attr("fill", "url(#" + pid + ")")
          .append("title").text(r.year + ": not covered by the source");
      }
    });
    svg.append("g").attr("class", "axis").attr("transform", "translate(0," + (H - m.b) + ")")
      .call(d3.axisBottom(x).tickValues(x.domain().filter(function (yr) { return yr % 5 === 0; })).tickFormat(d3.format("d")));
    svg.append("g").attr("class", "axis").attr("transform", "translate(" + m.l + ",0)").call(d3.axisLeft(y).ticks(Math.min(4, top)).tickFormat(d3.format(",d")));
    fig.append("figcaption").text(text + " Hatched: not covered.");
  }
  function covered(v) { return v === null || v === undefined ? '<span class="note">not covered</span>' : S.escape(S.fmt(v)); }

  section("impact", function (box, body) {
    table(box, [
      { key: "title", label: "Case", format: function (v, r) { return '<a href="/impact/' + encodeURIComponent(r["case"]) + '">' + S.escape(v || r["case"]) + "</a>"; } },
      { key: "outcome", label: "Outcome" },
      { key: "verdict", label: "Verdict", format: function (v, r) {
        if (v === "estimate") return "estimate";
        if (v) return "no credible estimate" + (r.reasons && r.reasons.length ? ": " + S.escape(r.reasons.join("; ")) : "");
        return '<span class="note">' + S.escape(r.note || "") + "</span>"; } },
      { key: "estimate", label: "Estimate", num: true, format: function (v) { return S.isNumber(v) ? (v > 0 ? "+" : "") + S.fmt(v) : "–"; } },
      { key: "interval", label: "Interval", num: true, format: function (v) { return Array.isArray(v) ? S.fmt(v[0]) + " to " + S.fmt(v[1]) : "–"; } },
      { key: "p_value", label: "p", num: true }], body.data);
  });

  function drivers(v) { return S.escape(Array.isArray(v) ? v.join(", ") : v || ""); }
})();
