"""Geography every layer may use: postcode areas' centres and distances between points.

The postcode areas are the places app's table (`places.PostcodeArea`, loaded from PDOK);
they are read here by model name so that matching (below places in the layer order) can
measure how far a helper lives without importing the app that shows the asset map."""

import math

from django.apps import apps

EARTH_RADIUS_M = 6_371_000.0


def postcode_points(postcodes) -> dict[str, tuple[float, float]]:
    """(latitude, longitude) of the centre of each known postcode area, in one query."""
    wanted = {pc for pc in postcodes if pc}
    if not wanted:
        return {}
    areas = apps.get_model("places", "PostcodeArea").objects.filter(postcode__in=wanted)
    return {
        pc: (float(lat), float(lon))
        for pc, lat, lon in areas.values_list("postcode", "latitude", "longitude")
    }


def distance_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (latitude, longitude) points, in metres."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))
