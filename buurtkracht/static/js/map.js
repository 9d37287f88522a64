// Progressive enhancement: the page already lists every place; this adds a map when
// Leaflet loaded. If the tiles cannot load, the list stays the way to find places.
(function () {
  var element = document.getElementById("map");
  var data = document.getElementById("map-points");
  if (!element || !data || typeof L === "undefined") return;
  var points = JSON.parse(data.textContent);
  if (!points.length) return;
  element.hidden = false;
  var map = L.map(element, { scrollWheelZoom: false });
  L.tileLayer(element.dataset.tiles, { maxZoom: 19, attribution: element.dataset.attribution }).addTo(map);
  var bounds = [];
  points.forEach(function (p) {
    var marker = L.marker([p.lat, p.lon], { title: p.name, alt: p.name }).addTo(map);
    var link = document.createElement("a");
    link.href = "../plekken/" + p.id + "/";
    if (location.pathname.indexOf("/plekken/") !== -1) link.href = "./";
    link.textContent = p.name;
    marker.bindPopup(link);
    bounds.push([p.lat, p.lon]);
  });
  if (bounds.length === 1) map.setView(bounds[0], 16);
  else map.fitBounds(bounds, { padding: [24, 24] });
})();
