"""Work derived once from a knowledge base's parts, remembered by the identity of the part.

The parts (the rules tuple, the question mapping, the knowledge base itself) hold dicts and
so cannot be hashed; they are immutable in use, so their identity is key enough. Each entry
keeps its part alive, so an id is never reused while the entry stands. A process holds one or
two knowledge bases (and a region's view of one), so the memory is bounded by clearing it all
when it is full.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

R = TypeVar("R")


class ByIdentity(Generic[R]):
    """`build(part, *key)`, computed once per part (by identity) and further key."""

    __slots__ = ("_build", "_entries", "_limit")

    def __init__(self, build: Callable[..., R], limit: int = 32):
        self._build = build
        self._entries: dict[tuple[Hashable, ...], tuple[Any, R]] = {}
        self._limit = limit

    def __call__(self, part: Any, *key: Hashable) -> R:
        slot = (id(part), *key)
        entry = self._entries.get(slot)
        if entry is None or entry[0] is not part:
            if len(self._entries) >= self._limit:
                self._entries.clear()
            entry = self._entries[slot] = (part, self._build(part, *key))
        return entry[1]
