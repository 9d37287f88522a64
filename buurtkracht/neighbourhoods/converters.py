from .models import RESERVED_SLUGS

_reserved = "|".join(sorted((s for s in RESERVED_SLUGS), key=len, reverse=True))


class NeighbourhoodSlugConverter:
    """A neighbourhood slug, never one of the top-level words (mijn, account, ...), so
    /<buurt:slug>/ patterns cannot shadow the site's own pages whatever the order."""

    regex = rf"(?!(?:{_reserved})(?![-a-zA-Z0-9_]))[-a-zA-Z0-9_]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
