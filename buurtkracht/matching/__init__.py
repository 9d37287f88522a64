"""The matching engine: who in the neighbourhood could help with a request.

Pure Python on top of the Dutch text engine in `buurtkracht.gifts.search`; no models, no
database queries, no external service. The platform only *suggests* people (product rule
2): nothing here assigns anyone.

- `relevance.text_relevance`: how well each candidate's own words fit a request text.
- `ranker.rank`: text + category + distance + availability + language (relevance) and a
  separate fairness factor, with Dutch reasons.
- `commands`: `buurtkracht match-batch` and `buurtkracht match-eval`.
"""
