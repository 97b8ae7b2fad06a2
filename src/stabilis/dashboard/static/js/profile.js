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
    var lo = d3.min(lows), hi = d3.max(highs);
    if (S.isNumber(ind.minimum) && S.isNumber(ind.maximum) && (hi - lo) > 0.4 * (ind.maximum - ind.minimum)) {
      lo = Math.min(lo, ind.minimum); hi = Math.max(hi, ind.maximum);
    }
    if (!(hi > lo)) { lo -= 1; hi += 1; }
    var y = d3.scaleLinear().domain([lo, hi]).nice().range([H - m.b, m.t]);
    var first = pts[0], last = pts[pts.length - 1];
    var worst = ind.higher_is_better === false ? d3.greatest(pts, function (p) { return p.value; })
                                               : d3.least(pts, function (p) { return p.value; });
    var summary = ind.label + " for " + profile.country.name + ", " + first.year + "–" + last.year +
      ": " + S.fmt(first.value) + " in " + first.year + ", " + S.fmt(last.value) + " in " + last.year +
      " (" + S.directionText(ind) + "); " + (ind.higher_is_better === null ? "lowest " : "worst ") +
      S.fmt(worst.value) + " in " + worst.year + ".";
    var svg = fig.append("svg").attr("viewBox", "0 0 " + W + " " + H).attr("class", "trend")
      .attr("role", "img").attr("aria-label", summary);
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
    var banded = pts.filter(function (p) { return S.isNumber(p.lower) && S.isNumber(p.upper); });
    if (banded.length) {
      svg.append("path").datum(banded).attr("class", "band")
        .attr("d", d3.area().defined(function (p) { return S.isNumber(p.lower); })
          .x(function (p) { return x(p.year); }).y0(function (p) { return y(p.lower); })
          .y1(function (p) { return y(p.upper); }));
    }
    svg.append("path").datum(pts).attr("class", "line")
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
    ["csv", "parquet"].forEach(function (fmt) {
      document.getElementById("download-" + fmt).href = "/api/v1/panel?indicators=" +
        encodeURIComponent(codesShown) + "&countries=" + iso3 + "&years=" + p.years.join("-") + "&format=" + fmt;
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

  results("/api/v1/forecasts?iso3=" + iso3, document.getElementById("forecast-section"), function (body) {
    var container = document.getElementById("forecast-section");
    container.innerHTML = '<table class="data"></table><p class="note">' + S.escape(body.meta.message) + "</p>";
    var words = { down: "closing", up: "opening", event: "event" };
    var cols = [{ key: "space", label: "Space or event" },
      { key: "direction", label: "Direction", format: function (v) { return words[v] || S.escape(v); } },
      { key: "from_year", label: "Data up to" },
      { key: "p", label: "Probability", num: true, format: function (v, r) {
        return S.fmt(v) + (S.isNumber(r.lower) && S.isNumber(r.upper) ? " (" + S.fmt(r.lower) + "–" + S.fmt(r.upper) + ")" : ""); } },
      { key: "drivers", label: "Top drivers", format: drivers }];
    S.fillTable(container.querySelector("table"), cols, body.data);
  });

  results("/api/v1/impact/cases?iso3=" + iso3, document.getElementById("impact-section"), function (body) {
    document.getElementById("impact-section").innerHTML = "<ul>" + body.data.map(function (c) {
      return '<li><a href="/impact/' + encodeURIComponent(c["case"]) + '">' + S.escape(c.title || c["case"]) + "</a></li>";
    }).join("") + "</ul>";
  });

  function drivers(v) { return S.escape(Array.isArray(v) ? v.join(", ") : v || ""); }
})();
