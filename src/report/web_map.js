// carecover's interactive map (see web_map.rs): draws the plan's layers with Leaflet and marks
// the container with the number of features drawn.
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("map-data").textContent);
  var W = D.words;
  var el = document.getElementById("map");
  var drawn = 0;
  var map = L.map(el, { preferCanvas: true, zoomSnap: 0.25 });
  [["areas", 350], ["roads", 360], ["villages", 450], ["sites", 460], ["county", 470]].forEach(
    function (p) { map.createPane(p[0]).style.zIndex = p[1]; }
  );
  var esc = function (s) {
    return String(s === null || s === undefined ? "" : s).replace(/[&<>"]/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c];
    });
  };
  var decode = function (a) {
    var out = [], x = 0, y = 0;
    for (var i = 0; i < a.length; i += 2) {
      x += a[i]; y += a[i + 1];
      out.push([y / 1e5, x / 1e5]);
    }
    return out;
  };
  var latlng = function (f) { return [f.g.point[1], f.g.point[0]]; };

  // Base layers: the road network (offline), or OpenStreetMap tiles (online) under it.
  var roads = L.polyline(D.roads.map(decode), {
    color: "#8c8c8c", weight: 1, opacity: 0.8, interactive: false, pane: "roads"
  }).addTo(map);
  var osm = L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
    maxZoom: 19, attribution: "&copy; OpenStreetMap contributors"
  });
  var overlays = {};
  if (D.roads.length) overlays[W.roads] = roads;

  // Service areas and sites, one layer each per tier.
  var tierOf = {};
  D.tiers.forEach(function (t) { tierOf[t.name] = t; });
  D.tiers.forEach(function (t) {
    var areas = L.layerGroup();
    D.areas.forEach(function (f) {
      if (f.p.tier !== t.name || !f.g.polygons) return;
      L.polygon(f.g.polygons.map(function (poly) { return poly.map(decode); }), {
        color: t.colour, weight: 1, fillOpacity: 0.15, pane: "areas", interactive: false
      }).addTo(areas);
      drawn++;
    });
    var sites = L.layerGroup();
    D.sites.forEach(function (f) {
      if (f.p.tier !== t.name || !f.g.point) return;
      var county = t.role === "county" || t.role === "regional";
      var closed = f.p.status === "closed";
      var m = L.circleMarker(latlng(f), {
        radius: county ? 9 : t.role === "town" ? 7 : 4,
        color: closed ? "#666" : "#222", weight: county ? 2 : 1,
        fillColor: closed ? "#fff" : t.colour, fillOpacity: closed ? 0.3 : 0.95,
        pane: county ? "county" : "sites"
      });
      var status = (W.site_status[f.p.status] || f.p.status || "");
      m.bindPopup("<b>" + esc(f.p.name) + "</b><br>" + esc(t.label) +
        (status ? "<br>" + esc(W.status) + ": " + esc(status) : "") +
        (f.p.build_year ? "<br>" + esc(W.built) + ": " + esc(f.p.build_year) : "") +
        (f.p.town ? "<br>" + esc(W.town) + ": " + esc(f.p.town) : ""));
      if (county || t.role === "town") {
        m.bindTooltip(esc(f.p.name), { permanent: true, direction: "right", className: "cc-site" });
      }
      m.addTo(sites);
      drawn++;
    });
    sites.addTo(map);
    overlays[t.label + " " + W.sites] = sites;
    if (D.areas.length) {
      areas.addTo(map);
      overlays[t.label + " " + W.areas] = areas;
    }
  });

  // Nursing homes (敬老院, [policy.homes]): squares, white where merged; a card with their beds.
  var HOME = "#8e44ad";
  var homes = L.layerGroup();
  var nHomes = 0;
  D.sites.forEach(function (f) {
    if (f.p.tier !== D.home_tier || !f.g.point) return;
    var closed = f.p.status === "closed";
    var m = L.marker(latlng(f), {
      pane: "sites",
      icon: L.divIcon({
        className: "cc-home", iconSize: [12, 12],
        html: '<i style="background:' + (closed ? "#fff" : HOME) + '"></i>'
      })
    });
    var target = f.p.moved_to && D.sites.filter(function (x) { return x.p.id === f.p.moved_to; })[0];
    m.bindPopup("<b>" + esc(f.p.name) + "</b><br>" + esc(W.homes) + ": " +
      esc(W.site_status[f.p.status] || f.p.status) +
      "<br>" + esc(W.beds) + ": " + esc(f.p.beds) + ", " + esc(W.residents) + ": " + esc(f.p.residents) +
      (f.p.moved_to ? "<br>" + esc(W.moved_to) + ": " + esc(target ? target.p.name : f.p.moved_to) +
        " (" + esc(f.p.moved_min) + " " + esc(W.minutes) + ")" : ""));
    m.addTo(homes);
    nHomes++;
    drawn++;
  });
  if (nHomes) {
    homes.addTo(map);
    overlays[W.homes] = homes;
  }

  // Villages, coloured by how they are served, sized by elders; a card on click.
  var COLOURS = {
    own_point: "#1a9641", shared_point: "#a6d96a", neighbour_point: "#66bd63",
    centre: "#2b83ba", unserved: "#d7191c", covered: "#1a9641", uncovered: "#d7191c",
    off_network: "#8c8c8c"
  };
  var villages = L.layerGroup();
  var counts = {};
  D.villages.forEach(function (f) {
    var p = f.p;
    var cls = D.policy ? p.served_by : p.service;
    if (p.service === "off_network") cls = "off_network";
    counts[cls] = (counts[cls] || 0) + 1;
    var r = Math.min(3 + Math.sqrt(Math.max(p.elders || 0, 0)) / 5, 12);
    var m = L.circleMarker(latlng(f), {
      radius: r, color: "#333", weight: 0.8, fillColor: COLOURS[cls] || "#999",
      fillOpacity: 0.9, pane: "villages"
    });
    var card = "<b>" + esc(p.name) + "</b><br>" + esc(W.town) + ": " + esc(p.town) +
      "<br>" + esc(W.elders) + ": " + esc(p.elders) +
      "<br>" + esc(W.served_by) + ": " + esc(W.service[cls] || cls);
    if (p.served_site) {
      var s = D.sites.filter(function (x) { return x.p.id === p.served_site; })[0];
      card += "<br>" + esc(W.site) + ": " + esc(s ? s.p.name : p.served_site) +
        " (" + esc(p.served_min) + " " + esc(W.minutes) + ")";
    }
    if (p.reason) card += "<br>" + esc(W.reason) + ": " + esc(p.reason);
    m.bindPopup(card);
    m.bindTooltip(esc(p.name));
    m.addTo(villages);
    drawn++;
  });
  villages.addTo(map);
  overlays[W.villages] = villages;

  // Township names.
  var towns = L.layerGroup();
  D.towns.forEach(function (t) {
    L.tooltip({ permanent: true, direction: "center", className: "cc-town", interactive: false })
      .setLatLng([t.point[1], t.point[0]]).setContent(esc(t.name)).addTo(towns);
  });
  towns.addTo(map);
  overlays[W.towns] = towns;

  var bases = {};
  bases[W.none] = L.layerGroup().addTo(map);
  bases[W.osm] = osm;
  L.control.layers(bases, overlays, { collapsed: false }).addTo(map);
  L.control.scale({ imperial: false }).addTo(map);

  // The legend: every symbol on the map.
  var legend = L.control({ position: "bottomleft" });
  legend.onAdd = function () {
    var div = L.DomUtil.create("div", "cc-legend");
    var html = "<b>" + esc(W.legend) + "</b><br>";
    Object.keys(COLOURS).forEach(function (k) {
      if (counts[k]) {
        html += '<i style="background:' + COLOURS[k] + '"></i>' + esc(W.villages) + ": " +
          esc(W.service[k] || k) + " (" + counts[k] + ")<br>";
      }
    });
    D.tiers.forEach(function (t) {
      html += '<i style="background:' + t.colour + ';border:1px solid #222"></i>' +
        esc(t.label) + "<br>";
      if (D.areas.length) {
        html += '<i class="sq" style="background:' + t.colour + '"></i>' + esc(t.label) + " " +
          esc(W.areas) + "<br>";
      }
    });
    if (D.holes_filled) {
      html += '<span style="font-size:11px;color:#555">' + esc(W.holes_filled) + "</span><br>";
    }
    if (nHomes) {
      html += '<i class="sq" style="background:' + HOME + ';opacity:1"></i>' + esc(W.homes) +
        ' <i class="sq" style="background:#fff;border:1px solid ' + HOME + ';opacity:1"></i>' +
        esc(W.site_status.closed) + "<br>";
    }
    if (D.roads.length) {
      html += '<i class="sq" style="background:#8c8c8c;height:2px;border-radius:0"></i>' +
        esc(W.roads);
    }
    div.innerHTML = html;
    return div;
  };
  legend.addTo(map);

  var points = D.villages.concat(D.sites).filter(function (f) { return f.g.point; }).map(latlng);
  if (points.length) map.fitBounds(L.latLngBounds(points).pad(0.05));
  else map.setView([0, 0], 2);
  el.setAttribute("data-drawn-features", String(drawn));
  el.setAttribute("data-drawn-roads", String(D.roads.length));
})();
