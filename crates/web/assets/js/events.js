// 事件中心: open events on a map (coloured by their yellow/red cards) and a live feed from
// /api/v1/stream that marks changed rows and offers a refresh when new events arrive.
(function () {
  "use strict";
  var colours = { normal: "#1f5fa8", yellow: "#d89b00", red: "#b3261e" };
  var labels = { normal: "", yellow: "（黄牌）", red: "（红牌）" };

  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;" }[c];
    });
  }

  var el = document.getElementById("event-map");
  if (el && window.L) {
    var map = L.map(el, { zoomSnap: 0.25, attributionControl: false }).setView([31.21, 107.5], 11);
    // The grids of the user's scope, faint, for orientation (no map tiles on the hub's network).
    fetch(el.dataset.grids, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (fc) {
        if (!fc || !fc.features.length) { return; }
        var grids = L.geoJSON(fc, { style: { color: "#8a96a3", weight: 1, fillOpacity: 0.04 }, interactive: false })
          .addTo(map);
        grids.bringToBack();
        if (!el.dataset.drawn || el.dataset.drawn === "0") { map.fitBounds(grids.getBounds(), { padding: [8, 8] }); }
      });
    fetch(el.dataset.src, { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) { throw new Error("HTTP " + r.status); } return r.json(); })
      .then(function (page) {
        var points = [];
        page.items.forEach(function (e) {
          if (e.lat == null || e.lon == null) { return; }
          var c = colours[e.alert] || colours.normal;
          L.circleMarker([e.lat, e.lon], { radius: 7, color: c, fillColor: c, fillOpacity: 0.7, weight: 1 })
            .bindPopup("<a href=\"/events/" + e.id + "\">" + esc(e.title) + "</a><br>" +
              esc(e.state_label) + esc(labels[e.alert] || ""))
            .addTo(map);
          points.push([e.lat, e.lon]);
        });
        if (points.length) { map.fitBounds(points, { padding: [20, 20], maxZoom: 15 }); }
        el.dataset.drawn = String(points.length);
      })
      .catch(function (e) { el.textContent = "地图加载失败（" + e.message + "）"; });
    // A device's alarm (alarm.js): a pulsing red marker at the point, the map brought to it.
    document.addEventListener("pingan:alarm", function (ev) {
      var c = ev.detail, a = c.alarm;
      if (a.lat == null || a.lon == null) { return; }
      L.circleMarker([a.lat, a.lon], { radius: 11, color: "#b3261e", fillColor: "#e53935", fillOpacity: 0.9,
        weight: 3, className: "alarm-marker" })
        .bindPopup("<a href=\"/events/" + c.case_id + "\">" + esc(a.signal_label + "：" + a.point_name) + "</a>")
        .addTo(map)
        .openPopup();
      map.setView([a.lat, a.lon], Math.max(map.getZoom(), 15));
    });
  }

  var status = document.getElementById("live-status");
  if (!status || !window.EventSource) { return; }
  var fresh = 0;
  var source = new EventSource("/api/v1/stream");
  source.addEventListener("case", function (msg) {
    var c = JSON.parse(msg.data);
    var row = document.querySelector("#event-list tr[data-id=\"" + c.case_id + "\"]");
    if (row) {
      row.className = "alert-" + c.alert + " changed";
      row.querySelector(".state").textContent = c.state_label;
    } else if (c.action === "report" || c.action === "report_resolved") {
      fresh += 1;
    }
    status.hidden = false;
    status.innerHTML = (fresh ? "有 " + fresh + " 条新上报的事件，" : "事件有新的办理动态，") +
      "<a href=\"\">点击刷新</a>";
  });
  source.addEventListener("lagged", function () {
    status.hidden = false;
    status.innerHTML = "动态较多，部分未能显示，<a href=\"\">请刷新列表</a>";
  });
})();
