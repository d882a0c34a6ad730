"""Did-you-mean hints by edit distance (RapidFuzz's Levenshtein), shared by every stage that names things.

A misspelt query name, view or id gets the closest names back: a person types
``partners-of-contry`` and reads ``did you mean 'partners-of-country'?``.

>>> did_you_mean("partners-of-contry", ["partners-of-country", "agreements-by-topic"])
" (did you mean 'partners-of-country'?)"
>>> did_you_mean("zzz", ["countries", "topics"])
''
"""

from __future__ import annotations

from collections.abc import Iterable


def close_matches(word: str, choices: Iterable[str], *, limit: int = 3) -> list[str]:
    """The closest choices, if within a third of the word's length in edits (at least 2); ties by name."""
    from rapidfuzz.distance import Levenshtein

    wanted = word.casefold()
    allowed = max(2, len(word) // 3)
    scored = sorted(
        (Levenshtein.distance(wanted, choice.casefold(), score_cutoff=allowed), choice) for choice in set(choices)
    )
    best = scored[0][0] if scored else allowed + 1
    return [choice for distance, choice in scored if distance <= allowed and distance == best][:limit]


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'a' or 'b'?)`` for the closest choices, or an empty string."""
    close = close_matches(word, choices)
    return f" (did you mean {' or '.join(repr(c) for c in close)}?)" if close else ""
