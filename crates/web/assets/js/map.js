// 网格地图: draws the grid polygons of the user's scope with Leaflet on a plain background (or on
// the tile layer configured by the administrator) and answers a click with the grid that holds
// the point, asked of the server's point-in-polygon lookup.
(function () {
  "use strict";
  var el = document.getElementById("map");
  if (!el || !window.L) { return; }
  var status = document.getElementById("map-status");
  var palette = ["#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#46a0a0", "#f032e6", "#9a6324",
    "#808000", "#800000", "#469990", "#000075", "#a9a9a9", "#bcbd22", "#e377c2", "#17becf", "#8c564b", "#7f7f7f"];
  var map = L.map(el, { zoomSnap: 0.25, attributionControl: false });
  var tiles = el.dataset.tileUrl;
  if (tiles) { L.tileLayer(tiles, { maxZoom: 18 }).addTo(map); }
  map.setView([31.21, 107.5], 11);

  function say(text) { status.textContent = text; }
  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;" }[c];
    });
  }

  // The district's real outline (bold) and its neighbours (faint), under the grids.
  fetch(el.dataset.outline, { credentials: "same-origin" })
    .then(function (r) { if (!r.ok) { throw new Error("HTTP " + r.status); } return r.json(); })
    .then(function (fc) {
      L.geoJSON(fc, {
        interactive: false,
        style: function (f) {
          return f.properties.district
            ? { color: "#222", weight: 2.5, fill: false }
            : { color: "#888", weight: 1, dashArray: "4 4", fill: false };
        }
      }).addTo(map).bringToBack();
      var neighbours = fc.features.filter(function (f) { return !f.properties.district; });
      neighbours.forEach(function (f) {
        var b = L.geoJSON(f).getBounds();
        L.tooltip({ permanent: true, direction: "center", className: "map-neighbour" })
          .setLatLng(b.getCenter()).setContent(esc(f.properties.name)).addTo(map);
      });
      el.dataset.outlineDrawn = String(fc.features.length);
    })
    .catch(function (e) { say("区界加载失败（" + e.message + "）。"); });

  fetch(el.dataset.grids, { credentials: "same-origin" })
    .then(function (r) { if (!r.ok) { throw new Error("HTTP " + r.status); } return r.json(); })
    .then(function (fc) {
      document.getElementById("grid-count").textContent = fc.features.length.toLocaleString("zh-CN");
      if (!fc.features.length) { say("当前范围内没有网格边界数据。"); return; }
      var layer = L.geoJSON(fc, {
        style: function (f) {
          var c = palette[(f.properties.township_index || 0) % palette.length];
          return { color: c, weight: 1, fillColor: c, fillOpacity: 0.25 };
        },
        onEachFeature: function (f, l) {
          var p = f.properties;
          l.bindTooltip(esc(p.name), { sticky: true });
        }
      }).addTo(map);
      map.fitBounds(layer.getBounds(), { padding: [8, 8] });
      el.dataset.drawn = String(fc.features.length);
    })
    .catch(function (e) { say("网格边界加载失败（" + e.message + "），请刷新页面重试。"); });

  map.on("click", function (ev) {
    var lat = ev.latlng.lat.toFixed(6), lon = ev.latlng.lng.toFixed(6);
    fetch(el.dataset.locate + "?lat=" + lat + "&lon=" + lon, { credentials: "same-origin" })
      .then(function (r) { return r.json().then(function (b) { return { ok: r.ok, body: b }; }); })
      .then(function (res) {
        var html;
        if (res.ok) {
          html = res.body.chain.map(function (u) { return esc(u.name); }).join(" › ") +
            "<br><small>网格编码 " + esc(res.body.grid_code) + "</small>";
        } else {
          html = esc(res.body.detail || "该点不在辖区网格内");
        }
        L.popup().setLatLng(ev.latlng).setContent(html).openOn(map);
      })
      .catch(function () { say("查询失败，请检查网络后重试。"); });
  });
})();
