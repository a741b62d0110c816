"""Train operators by identity: which of a fleet's operator names a user's name means.

The register names an operator as its sources do: "Northern Trains", "Arriva Rail North
(Northern)", "Govia Thameslink Railway (Great Northern)". Each such name holds one or more
*aliases* (the parts around "/" and in brackets); an alias is compared without case,
punctuation or a trailing generic word ("Trains", "Rail", "Railway"). So "Northern" means
Northern Trains and Arriva Rail North (Northern), and not Great Northern. Pure functions.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

#: Words that name what an operator is, not which one: dropped from the end of an alias.
GENERIC_WORDS = frozenset({"trains", "train", "rail", "railway", "railways", "ltd", "limited"})

#: How many nearest names a miss suggests.
SUGGESTIONS = 5


def aliases(name: str) -> list[str]:
    """The names one operator entry holds: itself, its "/" parts and its bracketed parts."""
    parts = [name]
    for piece in re.split(r"\s*/\s*|[()]", name):
        piece = piece.strip()
        if piece and piece not in parts:
            parts.append(piece)
    return parts


def identity(name: str) -> str:
    """An alias reduced to what identifies it: lower case, no punctuation or generic tail."""
    words = re.sub(r"[^\w\s]", " ", name.lower()).split()
    while len(words) > 1 and words[-1] in GENERIC_WORDS:
        words.pop()
    return " ".join(words)


def means(query: str, name: str) -> bool:
    """Whether ``query`` names the operator entry ``name`` (one of its aliases)."""
    wanted = identity(query)
    return bool(wanted) and any(identity(alias) == wanted for alias in aliases(name))


def names_meant(query: str, names: Iterable[str]) -> list[str]:
    """The operator entries among ``names`` that ``query`` names, sorted."""
    return sorted({name for name in names if means(query, name)})


def nearest(query: str, names: Iterable[str], n: int = SUGGESTIONS) -> list[str]:
    """The aliases closest to a name that matched none: spelling first, then shared text."""
    by_identity: dict[str, str] = {}
    for name in names:
        for alias in aliases(name):
            by_identity.setdefault(identity(alias), alias)
    wanted = identity(query)
    close = difflib.get_close_matches(wanted, list(by_identity), n=n, cutoff=0.6)
    words = set(wanted.split())
    sharing = sorted(
        (k for k in by_identity if k not in close and (wanted in k or words & set(k.split()))),
        key=lambda k: (-difflib.SequenceMatcher(None, wanted, k).ratio(), k),
    )
    return [by_identity[k] for k in [*close, *sharing][:n]]
