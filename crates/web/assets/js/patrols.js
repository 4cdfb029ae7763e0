// 巡防: the key roads, sites and school gates of the area and today's patrols on a map — each
// patrol at its last position (green while out, grey once ended), refreshed every 10 s as the
// phones send their positions; a click on a patrol draws its track.
(function () {
  "use strict";
  var el = document.getElementById("patrol-map");
  if (!el || !window.L) { return; }
  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;" }[c];
    });
  }
  function get(url) {
    return fetch(url, { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { if (!r.ok) { throw new Error("HTTP " + r.status); } return r.json(); });
  }
  var map = L.map(el, { zoomSnap: 0.25, attributionControl: false }).setView([31.21, 107.5], 11);
  var fitted = false;
  get(el.dataset.grids).then(function (fc) {
    if (!fc.features.length) { return; }
    var grids = L.geoJSON(fc, { style: { color: "#8a96a3", weight: 1, fillOpacity: 0.04 }, interactive: false }).addTo(map);
    grids.bringToBack();
    if (!fitted) { map.fitBounds(grids.getBounds(), { padding: [8, 8] }); }
  }).catch(function () {});
  var colours = { road: "#1f5fa8", site: "#7b4fb3", school_gate: "#d89b00" };
  get(el.dataset.segments).then(function (list) {
    list.forEach(function (s) {
      var pts = s.points.map(function (p) { return [p[1], p[0]]; });
      var c = colours[s.kind] || "#1f5fa8";
      var tip = esc(s.name) + "<br>" + esc(s.kind_label) + " · " + esc(s.windows);
      var shape = pts.length === 1 ? L.circle(pts[0], { radius: s.radius_m, color: c, weight: 2 })
        : s.closed ? L.polygon(pts, { color: c, weight: 2 }) : L.polyline(pts, { color: c, weight: 4 });
      shape.bindPopup(tip).addTo(map);
    });
  }).catch(function () {});
  var markers = L.layerGroup().addTo(map);
  var track = null;
  function draw() {
    get(el.dataset.src).then(function (list) {
      markers.clearLayers();
      var points = [];
      list.forEach(function (p) {
        if (!p.last) { return; }
        var at = [p.last[1], p.last[0]];
        var c = p.active ? "#2e7d32" : "#8a96a3";
        L.circleMarker(at, { radius: 8, color: c, fillColor: c, fillOpacity: 0.8, weight: 2 })
          .bindTooltip(esc(p.team_name) + (p.active ? "（巡逻中）" : "（已结束）"))
          .on("click", function () { showTrack(p.id); })
          .addTo(markers);
        points.push(at);
      });
      if (points.length && !fitted) { map.fitBounds(points, { padding: [30, 30], maxZoom: 15 }); fitted = true; }
      el.dataset.patrols = String(points.length);
    }).catch(function () {});
  }
  function showTrack(id) {
    get("/api/v1/patrols/" + id + "/track").then(function (t) {
      if (track) { map.removeLayer(track); }
      track = L.polyline(t.points.map(function (p) { return [p[1], p[0]]; }), { color: "#2e7d32", weight: 3 }).addTo(map);
    }).catch(function () {});
  }
  draw();
  setInterval(draw, 10000);
})();
