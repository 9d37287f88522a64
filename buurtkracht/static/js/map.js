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
  // Leaflet guesses its marker images' URLs from its stylesheet's, which fails once static
  // files have hashed names (production): the page gives the URLs, from {% static %}.
  var icon = L.icon({
    iconUrl: element.dataset.icon,
    iconRetinaUrl: element.dataset.iconRetina,
    shadowUrl: element.dataset.shadow,
    iconSize: [25, 41],
    iconAnchor: [12, 41],
    popupAnchor: [1, -34],
    tooltipAnchor: [16, -28],
    shadowSize: [41, 41],
  });
  var bounds = [];
  points.forEach(function (p) {
    var marker = L.marker([p.lat, p.lon], { icon: icon, title: p.name, alt: p.name }).addTo(map);
    var link = document.createElement("a");
    link.href = p.url || "../plekken/" + p.id + "/";
    if (!p.url && location.pathname.indexOf("/plekken/") !== -1) link.href = "./";
    link.textContent = p.name;
    marker.bindPopup(link);
    bounds.push([p.lat, p.lon]);
  });
  if (bounds.length === 1) map.setView(bounds[0], 16);
  else map.fitBounds(bounds, { padding: [24, 24] });
})();
