"""The names an evaluation's expressions read, some of them made only when first read.

A tier's band ids are a million-unit object array (a reference a unit, each counted when made and
again when freed): most rulesets read a tier through ``in_band`` or the band indices and never by
its name, so that column is made the first time a name lookup asks for it.
"""
from __future__ import annotations

import threading
from typing import Any, Callable

_MAKING = threading.RLock()  # re-entered when a name's maker reads another deferred name


class Names(dict[str, Any]):
    """A dict of name -> value where some values are made on first read (``defer``).

    Reading by ``[]``, ``get`` or ``in`` sees the deferred names as present; iterating (``items``)
    sees only those made so far: ``deferred`` lists the others, for copies that restrict them.
    """

    def __init__(self, values: dict[str, Any] | None = None) -> None:
        super().__init__(values or {})
        self._later: dict[str, Callable[[], Any]] = {}

    def defer(self, name: str, make: Callable[[], Any]) -> None:
        """``name``'s value is ``make()``, made when first read (and any value it had is dropped)."""
        super().pop(name, None)
        self._later[name] = make

    def deferred(self) -> dict[str, Callable[[], Any]]:
        return dict(self._later)

    def __missing__(self, name: str) -> Any:
        with _MAKING:  # the JSON writer's threads may be first to read a name together: made once
            if super().__contains__(name):
                return super().__getitem__(name)
            value = self._later[name]()  # a KeyError, as a dict's, when the name is nowhere
            super().__setitem__(name, value)
            self._later.pop(name, None)  # only now: ``in`` sees the name throughout
        return value

    def __setitem__(self, name: str, value: Any) -> None:
        self._later.pop(name, None)
        super().__setitem__(name, value)

    def __contains__(self, name: object) -> bool:
        return super().__contains__(name) or name in self._later

    def get(self, name: str, default: Any = None) -> Any:
        return self[name] if name in self else default

    def pop(self, name: str, *default: Any) -> Any:
        self._later.pop(name, None)
        return super().pop(name, *default)
