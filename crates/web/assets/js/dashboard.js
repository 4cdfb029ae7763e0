// 领导驾驶舱: draws the charts (ECharts), the grid map (Leaflet) coloured by a chosen figure, the
// live feed from /api/v1/stream and the red-card list; refreshes the figures every minute and,
// when the server is away (a restart), says so and tries again until it is back.
(function () {
  "use strict";
  var root = document.getElementById("dashboard");
  if (!root) { return; }
  var wall = root.dataset.wall === "1";
  var org = root.dataset.org;
  var query = "org=" + encodeURIComponent(org) + "&period=" + encodeURIComponent(root.dataset.period) +
    (root.dataset.at ? "&at=" + encodeURIComponent(root.dataset.at) : "");
  var kindSel = document.getElementById("chart-kind");
  var metricSel = document.getElementById("map-metric");
  var offline = document.getElementById("dash-offline");
  var charts = {};
  var breakdown = null;

  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;" }[c];
    });
  }
  function fmt(n) { return n == null ? "—" : Number(n).toLocaleString("zh-CN"); }
  function json(r) { if (!r.ok) { throw new Error("HTTP " + r.status); } return r.json(); }
  function get(url) { return fetch(url, { credentials: "same-origin", cache: "no-store" }).then(json); }
  function beijing(iso) {
    return new Date(iso).toLocaleString("zh-CN", { timeZone: "Asia/Shanghai", month: "numeric", day: "numeric",
      hour: "2-digit", minute: "2-digit", hour12: false });
  }
  function chart(id) {
    var el = document.getElementById(id);
    if (!el || !window.echarts) { return null; }
    if (!charts[id]) { charts[id] = window.echarts.init(el, null, { renderer: "canvas" }); }
    return charts[id];
  }
  var text = { color: wall ? "#c8d6e5" : "#333", fontSize: wall ? 16 : 12 };
  // Axes in the page's colours (light on the wall's dark background).
  function axis(extra) {
    var a = { axisLabel: { color: text.color }, splitLine: { lineStyle: { color: wall ? "#24476b" : "#e0e6ed" } } };
    Object.keys(extra).forEach(function (k) {
      if (k === "axisLabel") { Object.keys(extra[k]).forEach(function (j) { a.axisLabel[j] = extra[k][j]; }); }
      else { a[k] = extra[k]; }
    });
    return a;
  }

  function drawTrend(b) {
    var c = chart("trend-chart");
    if (!c) { return; }
    c.setOption({
      animation: false, textStyle: text, tooltip: { trigger: "axis" },
      legend: { data: ["本年受理", "本年办结", "上年受理"], textStyle: text },
      grid: { left: 48, right: 16, top: 40, bottom: 28 },
      xAxis: axis({ type: "category", data: b.trend.map(function (p) { return p.label; }) }),
      yAxis: axis({ type: "value", minInterval: 1 }),
      series: [
        { name: "本年受理", type: "line", data: b.trend.map(function (p) { return p.received; }) },
        { name: "本年办结", type: "line", data: b.trend.map(function (p) { return p.concluded; }) },
        { name: "上年受理", type: "line", lineStyle: { type: "dashed" },
          data: b.trend.map(function (p) { return p.received_last_year; }) }
      ]
    }, true);
  }

  function drawUnits(b) {
    var c = chart("unit-chart");
    if (!c) { return; }
    var units = b.units.length ? b.units : b.grids;
    c.setOption({
      animation: false, textStyle: text, tooltip: { trigger: "axis" },
      legend: { data: ["受理", "办结"], textStyle: text },
      grid: { left: 48, right: 16, top: 40, bottom: 80 },
      xAxis: axis({ type: "category", data: units.map(function (u) { return u.name; }),
        axisLabel: { rotate: 40, interval: 0, fontSize: wall ? 13 : 10 } }),
      yAxis: axis({ type: "value", minInterval: 1 }),
      series: [
        { name: "受理", type: "bar", data: units.map(function (u) { return u.received; }) },
        { name: "办结", type: "bar", data: units.map(function (u) { return u.concluded; }) }
      ]
    }, true);
  }

  function drawCategories(b) {
    var c = chart("category-chart");
    if (!c) { return; }
    var top = b.categories.slice(0, 8).map(function (x) { return { name: x.label, value: x.received }; });
    var rest = b.categories.slice(8).reduce(function (s, x) { return s + x.received; }, 0);
    if (rest) { top.push({ name: "其他", value: rest }); }
    c.setOption({
      animation: false, textStyle: text, tooltip: { trigger: "item", formatter: "{b}：{c}（{d}%）" },
      series: [{ type: "pie", radius: ["35%", "68%"], data: top.length ? top : [{ name: "本期暂无", value: 0 }],
        label: { fontSize: wall ? 14 : 11, color: text.color } }]
    }, true);
  }

  // The grid map: the grids of the unit, each coloured by the chosen figure in five steps.
  var mapEl = document.getElementById("dash-map");
  var map = null, layer = null;
  var shades = ["#eef3f8", "#c6dbef", "#6baed6", "#2171b5", "#08306b"];
  if (mapEl && window.L) {
    map = L.map(mapEl, { zoomSnap: 0.25, attributionControl: false }).setView([31.21, 107.5], 10);
    get(mapEl.dataset.grids).then(function (fc) {
      fc.features = fc.features.filter(function (f) { return String(f.properties.code).indexOf(org) === 0; });
      layer = L.geoJSON(fc, { style: { color: "#5b6b7b", weight: 1, fillOpacity: 0.7 } }).addTo(map);
      if (fc.features.length) { map.fitBounds(layer.getBounds(), { padding: [6, 6] }); }
      mapEl.dataset.grids_drawn = String(fc.features.length);
      colourMap();
    }).catch(function (e) { mapEl.textContent = "网格加载失败（" + e.message + "）"; });
  }

  function colourMap() {
    if (!layer || !breakdown) { return; }
    var metric = metricSel.value;
    var values = {};
    breakdown.grids.forEach(function (g) { values[g.code] = g[metric]; });
    var known = Object.keys(values).map(function (k) { return values[k]; })
      .filter(function (v) { return v != null; });
    var max = Math.max.apply(null, known.concat([0]));
    var min = metric === "on_time_rate" ? Math.min.apply(null, known.concat([100])) : 0;
    var step = function (v) {
      if (v == null || max === min) { return 0; }
      return Math.min(4, Math.floor((v - min) / (max - min) * 4.999));
    };
    layer.eachLayer(function (l) {
      var p = l.feature.properties;
      var v = values[p.code];
      l.setStyle({ fillColor: shades[step(v)] });
      l.bindTooltip(esc(p.name) + "：" + (v == null ? "—" : fmt(v) + (metric === "on_time_rate" ? "%" : "")),
        { sticky: true });
    });
    // Built node by node: the page's policy allows no inline style attributes.
    var legend = document.getElementById("map-legend");
    legend.textContent = "";
    shades.forEach(function (shade, i) {
      var from = min + (max - min) * i / 5;
      var item = document.createElement("span");
      var swatch = document.createElement("i");
      swatch.style.background = shade;
      item.appendChild(swatch);
      item.appendChild(document.createTextNode(fmt(metric === "on_time_rate" ? Math.round(from * 10) / 10 : Math.ceil(from))));
      legend.appendChild(item);
    });
    var note = document.createElement("span");
    note.textContent = "（" + metricSel.options[metricSel.selectedIndex].text + "，最大 " + fmt(max) + "）";
    legend.appendChild(note);
  }

  function loadBreakdown() {
    return get("/api/v1/stats/breakdown?" + query + "&kind=" + encodeURIComponent(kindSel.value))
      .then(function (b) {
        breakdown = b;
        var kindName = kindSel.options[kindSel.selectedIndex].text;
        root.querySelectorAll("figcaption[data-base]").forEach(function (c) {
          c.textContent = kindName + " · " + c.dataset.base;
        });
        drawTrend(b); drawUnits(b); drawCategories(b); colourMap();
        root.dataset.charts = "drawn";
      });
  }

  function loadRed() {
    return get("/api/v1/events?open=true&alert=red&limit=15&area=" + encodeURIComponent(org)).then(function (page) {
      var body = document.querySelector("#red-list tbody");
      body.innerHTML = page.items.length ? page.items.map(function (e) {
        return "<tr class=\"alert-red\"><td><a href=\"/events/" + e.id + "\">" + esc(e.number) + "</a></td><td>" +
          esc(e.title) + "</td><td>" + esc(e.state_label) + "</td><td>" + (e.deadline ? beijing(e.deadline) : "—") +
          "</td></tr>";
      }).join("") : "<tr><td colspan=\"4\">当前没有红牌超期事件</td></tr>";
    });
  }

  function loadIndicators() {
    return get("/api/v1/stats/indicators?" + query).then(function (v) {
      v.indicators.forEach(function (i) {
        var tile = root.querySelector(".tile[data-key=\"" + i.key + "\"]");
        if (!tile) { return; }
        var set = function (sel, val) { var el = tile.querySelector(sel); if (el) { el.textContent = val; } };
        set(".v", i.value == null ? "—" : fmt(i.value));
        set(".yoy", i.wording); set(".mom", i.mom_wording);
        set(".cum", i.cumulative == null ? "—" : fmt(i.cumulative) + i.unit); set(".cumw", i.cumulative_wording);
      });
    });
  }

  var retry = null;
  var rounds = 0;
  function refresh() {
    // The wall has no controls: its charts show events, disputes and petitions in turn (轮播).
    if (wall && rounds++ > 0) { kindSel.selectedIndex = (kindSel.selectedIndex + 1) % kindSel.options.length; }
    Promise.all([loadIndicators(), loadBreakdown(), loadRed()]).then(function () {
      offline.hidden = true;
      document.getElementById("dash-updated").textContent = "；更新于 " + beijing(new Date().toISOString());
      clearTimeout(retry);
      retry = setTimeout(refresh, 60000);
    }).catch(function (e) {
      offline.hidden = false;
      offline.textContent = "与服务器的连接中断（" + e.message + "），10 秒后重试；画面保留上次的数据。";
      clearTimeout(retry);
      retry = setTimeout(refresh, 10000);
    });
  }
  kindSel.addEventListener("change", function () { loadBreakdown().catch(function () {}); });
  metricSel.addEventListener("change", colourMap);
  window.addEventListener("resize", function () {
    Object.keys(charts).forEach(function (k) { charts[k].resize(); });
    if (map) { map.invalidateSize(); }
  });
  refresh();

  // The live feed: new reports and alerts as they happen (EventSource reconnects by itself).
  var feed = document.getElementById("live-feed");
  var state = document.getElementById("live-state");
  if (!window.EventSource) { state.textContent = "浏览器不支持实时推送。"; return; }
  var source = new EventSource("/api/v1/stream");
  source.onopen = function () { state.textContent = "实时连接正常。"; };
  source.onerror = function () { state.textContent = "实时连接中断，正在重连……"; };
  source.addEventListener("case", function (msg) {
    var c = JSON.parse(msg.data);
    if (String(c.org_code).indexOf(org) !== 0) { return; }
    var li = document.createElement("li");
    li.className = "alert-" + c.alert;
    li.textContent = beijing(c.at) + " " + c.number + " " + c.state_label +
      (c.alert === "red" ? "（红牌）" : c.alert === "yellow" ? "（黄牌）" : "");
    feed.insertBefore(li, feed.firstChild);
    while (feed.children.length > (wall ? 10 : 15)) { feed.removeChild(feed.lastChild); }
  });
})();
