// 视频资源: the cameras of the user's scope on a map, coloured by network, grey when offline,
// over the grid outlines (no map tiles on the hub's network).
(function () {
  "use strict";
  var colours = { xueliang: "#1f5fa8", tianwang: "#b3261e", huiyan: "#2e7d32" };
  var el = document.getElementById("camera-map");
  if (!el || !window.L) { return; }

  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;" }[c];
    });
  }

  var map = L.map(el, { zoomSnap: 0.25, attributionControl: false, preferCanvas: true }).setView([31.21, 107.5], 11);
  fetch(el.dataset.grids, { credentials: "same-origin" })
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(function (fc) {
      if (!fc || !fc.features.length) { return; }
      var grids = L.geoJSON(fc, { style: { color: "#8a96a3", weight: 1, fillOpacity: 0.04 }, interactive: false }).addTo(map);
      grids.bringToBack();
      map.fitBounds(grids.getBounds(), { padding: [8, 8] });
    });
  fetch(el.dataset.src, { credentials: "same-origin" })
    .then(function (r) { if (!r.ok) { throw new Error("HTTP " + r.status); } return r.json(); })
    .then(function (points) {
      var layers = {};
      points.forEach(function (p) {
        var c = p.online ? (colours[p.network] || "#555") : "#9aa3ad";
        var layer = layers[p.network] || (layers[p.network] = L.layerGroup().addTo(map));
        L.circleMarker([p.lat, p.lon], { radius: 4, color: c, fillColor: c, fillOpacity: 0.8, weight: 1 })
          .bindPopup("<a href=\"/video/channels/" + encodeURIComponent(p.id) + "\">" + esc(p.name) + "</a><br>" +
            (p.online ? "在线" : "离线"))
          .addTo(layer);
      });
      var names = { xueliang: "雪亮工程", tianwang: "天网工程", huiyan: "慧眼工程" };
      var overlays = {};
      Object.keys(layers).forEach(function (k) { overlays[names[k] || k] = layers[k]; });
      L.control.layers(null, overlays, { collapsed: false }).addTo(map);
      el.dataset.drawn = String(points.length);
    })
    .catch(function (e) { el.textContent = "地图加载失败（" + e.message + "）"; });
})();
