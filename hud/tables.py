"""Tables keyed by object identity: what the render stages keep per widget, off the widgets.

An entry lives as long as its key object: when a widget is collected its entries go too, so
a renderer never keeps a removed widget alive. Like `weakref.WeakKeyDictionary`, at the cost
of a plain dict lookup (a frame looks entries up hundreds of times).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Generic, TypeVar, overload
from weakref import ref

K = TypeVar("K")
V = TypeVar("V")


class IdentityTable(Generic[K, V]):
    """A mapping from objects (by identity, not equality) to values, holding its keys weakly."""

    __slots__ = ("_data",)

    def __init__(self) -> None:
        self._data: dict[int, tuple[ref[K], V]] = {}

    @overload
    def get(self, key: K) -> V | None: ...

    @overload
    def get(self, key: K, default: V) -> V: ...

    def get(self, key: K, default: V | None = None) -> V | None:
        entry = self._data.get(id(key))
        if entry is not None and entry[0]() is key:
            return entry[1]
        return default

    def __getitem__(self, key: K) -> V:
        entry = self._data.get(id(key))
        if entry is None or entry[0]() is not key:
            raise KeyError(key)
        return entry[1]

    def __setitem__(self, key: K, value: V) -> None:
        slot = id(key)
        entry = self._data.get(slot)
        if entry is not None and entry[0]() is key:
            self._data[slot] = (entry[0], value)
            return
        data = self._data

        def forget(dead: ref[K]) -> None:  # the key was collected: drop its entry, not a newer one
            if data.get(slot, (None,))[0] is dead:
                del data[slot]

        data[slot] = (ref(key, forget), value)

    def __contains__(self, key: object) -> bool:
        entry = self._data.get(id(key))
        return entry is not None and entry[0]() is key

    def __len__(self) -> int:
        return len(self._data)

    def values(self) -> Iterator[V]:
        return (value for _, value in list(self._data.values()))

    def clear(self) -> None:
        self._data.clear()
