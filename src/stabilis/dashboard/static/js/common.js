/* Shared by every page: fetching the API, number formats, colour scales that state their
   direction, legends, the tooltip and plain data tables. No framework; d3 when it is loaded. */
(function () {
  "use strict";
  var S = (window.Stabilis = {});

  S.escape = function (value) {
    return String(value === null || value === undefined ? "" : value)
      .replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;");
  };

  /* GET a JSON envelope; rejects with the API's error message when there is one. */
  S.getJSON = function (url) {
    return fetch(url, { headers: { Accept: "application/json" } }).then(function (response) {
      return response.json().then(function (body) {
        if (!response.ok || body.error) {
          var message = body.error ? body.error.message : "HTTP " + response.status;
          throw new Error(message);
        }
        return body;
      });
    });
  };

  S.isNumber = function (v) { return typeof v === "number" && isFinite(v); };

  S.fmt = function (value) {
    if (!S.isNumber(value)) return "–";
    var abs = Math.abs(value);
    if (abs !== 0 && abs < 10 && value % 1 !== 0) return value.toFixed(abs < 1 ? 3 : 2);
    if (value % 1 !== 0) return value.toFixed(1);
    return abs >= 10000 ? value.toLocaleString("en") : String(value);  // years stay 2014
  };

  /* "higher is better" / "higher is worse" / "no better or worse direction" */
  S.directionText = function (meta) {
    if (meta.higher_is_better === true) return "higher is better";
    if (meta.higher_is_better === false) return "higher is worse";
    return "no better or worse direction";
  };

  /* A colour-blind-safe sequential scale whose bright (yellow) end is always "better".
     Cividis when the indicator has a direction; viridis when it has none. Returns
     {colour(v), domain, basis} where basis says where the domain came from. */
  S.colourScale = function (meta, values) {
    var lo = d3.min(values), hi = d3.max(values);
    var min = meta.minimum, max = meta.maximum, basis = "range of the values shown";
    var domain = [lo, hi];
    if (S.isNumber(min) && S.isNumber(max) && max > min && S.isNumber(lo) &&
        (hi - lo) >= 0.5 * (max - min)) {
      domain = [min, max];
      basis = "the indicator's full range";
    }
    if (!(domain[1] > domain[0])) domain = [domain[0] - 1, domain[0] + 1];
    var interp = meta.higher_is_better === null || meta.higher_is_better === undefined
      ? d3.interpolateViridis : d3.interpolateCividis;
    var flip = meta.higher_is_better === false;
    var t = d3.scaleLinear().domain(domain).range(flip ? [1, 0] : [0, 1]).clamp(true);
    return { colour: function (v) { return interp(t(v)); }, domain: domain, basis: basis,
             interp: interp, flip: flip };
  };

  /* A horizontal legend: gradient, end values, and the direction in words at each end. */
  S.legend = function (container, meta, scale, extra) {
    var el = d3.select(container).html("");
    var width = 300, height = 10, id = "grad-" + Math.random().toString(36).slice(2);
    var svg = el.append("svg").attr("width", width + 20).attr("height", 44)
      .attr("role", "img")
      .attr("aria-label", "Colour scale from " + S.fmt(scale.domain[0]) + " to " +
            S.fmt(scale.domain[1]) + "; " + S.directionText(meta));
    var grad = svg.append("defs").append("linearGradient").attr("id", id);
    d3.range(0, 1.0001, 0.1).forEach(function (s) {
      var v = scale.domain[0] + s * (scale.domain[1] - scale.domain[0]);
      grad.append("stop").attr("offset", s * 100 + "%").attr("stop-color", scale.colour(v));
    });
    svg.append("rect").attr("x", 10).attr("y", 4).attr("width", width).attr("height", height)
      .attr("fill", "url(#" + id + ")");
    var lowWord = meta.higher_is_better === true ? "worse" : meta.higher_is_better === false ? "better" : "lower";
    var highWord = meta.higher_is_better === true ? "better" : meta.higher_is_better === false ? "worse" : "higher";
    svg.append("text").attr("x", 10).attr("y", 30).text(S.fmt(scale.domain[0]) + " (" + lowWord + ")");
    svg.append("text").attr("x", width + 10).attr("y", 30).attr("text-anchor", "end")
      .text(S.fmt(scale.domain[1]) + " (" + highWord + ")");
    el.append("p").attr("class", "legend-note").text(
      "Direction: " + S.directionText(meta) + ". Scale: " + scale.basis + "." + (extra || ""));
    var keys = el.append("p").attr("class", "legend-keys");
    keys.append("span").attr("class", "swatch nodata");
    keys.append("span").text(" no value  ");
    keys.append("span").attr("class", "swatch outside");
    keys.append("span").text(" not in the group");
  };

  var tip = null;
  S.tooltip = {
    show: function (html, x, y) {
      tip = tip || document.getElementById("tooltip");
      if (!tip) return;
      tip.innerHTML = html;
      tip.hidden = false;
      var w = tip.offsetWidth, h = tip.offsetHeight;
      var left = Math.min(x + 14, window.scrollX + document.documentElement.clientWidth - w - 8);
      tip.style.left = Math.max(4, left) + "px";
      tip.style.top = Math.max(4, y - h - 10) + "px";
    },
    hide: function () { tip = tip || document.getElementById("tooltip"); if (tip) tip.hidden = true; }
  };

  /* Fill a <table> with rows. columns: [{key, label, num?, format?(value,row) -> html}] */
  S.fillTable = function (table, columns, rows) {
    var head = "<thead><tr>" + columns.map(function (c) {
      return '<th scope="col"' + (c.num ? ' class="num"' : "") + ">" + S.escape(c.label) + "</th>";
    }).join("") + "</tr></thead>";
    var body = "<tbody>" + rows.map(function (row) {
      return "<tr>" + columns.map(function (c) {
        var v = row[c.key];
        var html = c.format ? c.format(v, row) : S.escape(S.isNumber(v) ? S.fmt(v) : v);
        return "<td" + (c.num ? ' class="num"' : "") + ">" + html + "</td>";
      }).join("") + "</tr>";
    }).join("") + "</tbody>";
    var caption = table.querySelector("caption");
    table.innerHTML = (caption ? caption.outerHTML : "") + head + body;
    table.dispatchEvent(new CustomEvent("stabilis:filled"));
  };

  S.message = function (container, text, kind) {
    container.innerHTML = '<p class="' + (kind || "notice") + '">' + S.escape(text) + "</p>";
  };

  S.d3Ready = function () { return typeof window.d3 !== "undefined"; };
})();
