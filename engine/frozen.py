"""``@frozen``: an immutable record class, as ``@dataclass(frozen=True)`` makes one, built without ``exec``.

Why: Python 3.11's ``dataclass`` compiles each generated method from source with one ``exec``
(``__init__``, ``__repr__``, ``__eq__``, ``__hash__``, ``__setattr__``, ``__delattr__``): ~0.5-1 ms a class.
The ruleset model alone has 19 classes on the way to every ``tongbao evaluate``, a tenth of a seed's
start-up (issue 10.3). Here the methods are shared closures over the field names, made in microseconds.

What it keeps of ``@dataclass(frozen=True)`` (tests/test_frozen.py compares the two): fields in annotation
order, base classes' fields first; defaults, ``field(default_factory=…)`` too; positional and keyword construction with the same
``TypeError`` on a missing, unexpected or repeated argument; ``repr``; equality and hashing by the
field values (``eq=False``: by identity); assignment and deletion refused. Not kept: ``field()``'s
other options, ``__post_init__``, ``dataclasses.fields``/``replace`` (a class copied with ``replace`` stays a dataclass). Type checkers read the
decorator as a frozen dataclass (``dataclass_transform``). Records made per row of data stay
``dataclass``: the shared ``__init__`` is slower per instance (~1 µs more).
"""
from __future__ import annotations

from dataclasses import MISSING, Field, field
from operator import attrgetter
from typing import Any, Callable, TypeVar, dataclass_transform, overload

T = TypeVar("T", bound=type)


class FrozenError(AttributeError):
    """An assignment to (or deletion of) a field of a frozen record."""


@overload
def frozen(cls: T, /) -> T: ...
@overload
def frozen(*, eq: bool = True) -> Callable[[T], T]: ...


@dataclass_transform(frozen_default=True, field_specifiers=(field,))
def frozen(cls: T | None = None, /, *, eq: bool = True) -> Any:
    """``@frozen`` or ``@frozen(eq=False)`` over a class with annotated fields (see the module's docstring)."""
    if cls is None:
        return lambda c: _make(c, eq)
    return _make(cls, eq)


def _make(cls: T, eq: bool) -> T:
    names = _field_names(cls)
    setattr(cls, "__frozen_fields__", names)  # subclasses start from these
    setattr(cls, "__match_args__", names)
    defaults, factories = _defaults(cls, names)
    shared = [n for n, value in defaults.items() if isinstance(value, (list, dict, set))]
    if shared:  # one object for every instance: dataclass refuses these too
        raise ValueError(f"{cls.__qualname__}: mutable default for {shared}")
    own = cls.__dict__  # methods the class writes itself are kept, as dataclass keeps them
    methods: dict[str, Any] = {"__init__": _init(cls.__qualname__, names, defaults, factories), "__repr__": _repr(names),
                               "__setattr__": _refuse, "__delattr__": _refuse}
    if eq:
        values = _values(names)
        methods["__eq__"] = _eq(values)
        if own.get("__hash__", None) is None:
            methods["__hash__"] = lambda self: hash(values(self))
    for name, method in methods.items():
        if name not in own or name == "__hash__":  # __hash__ only when the class wrote none (see above)
            setattr(cls, name, method)
    return cls


def _defaults(cls: type, names: tuple[str, ...]) -> tuple[dict[str, Any], dict[str, Callable[[], Any]]]:
    """Each field's default, as dataclass finds it (a class attribute), and the fields made per instance."""
    factories: dict[str, Callable[[], Any]] = {}
    for base in reversed(cls.__mro__[1:]):
        factories.update(getattr(base, "__frozen_factories__", {}))
    defaults = {n: getattr(cls, n) for n in names if hasattr(cls, n) and n not in factories}
    for name, value in list(defaults.items()):
        if isinstance(value, Field):
            del defaults[name]
            delattr(cls, name)  # as dataclass leaves it: the default, or no class attribute for a factory
            if value.default_factory is not MISSING:
                factories[name] = value.default_factory
            elif value.default is not MISSING:
                defaults[name] = value.default
                setattr(cls, name, value.default)
    setattr(cls, "__frozen_factories__", factories)
    return defaults, factories


def _field_names(cls: type) -> tuple[str, ...]:
    inherited: tuple[str, ...] = ()
    for base in reversed(cls.__mro__[1:]):
        inherited += tuple(n for n in getattr(base, "__frozen_fields__", ()) if n not in inherited)
    own = cls.__dict__.get("__annotations__", {})
    return inherited + tuple(n for n, kind in own.items() if n not in inherited and not str(kind).startswith(("ClassVar", "typing.ClassVar")))


def _init(qualname: str, names: tuple[str, ...], defaults: dict[str, Any], factories: dict[str, Callable[[], Any]]) -> Callable[..., None]:
    count, known = len(names), frozenset(names)

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        if len(args) > count:
            raise TypeError(f"{qualname}.__init__() takes {count + 1} positional arguments but {len(args) + 1} were given")
        values = dict(zip(names, args))
        for key in kwargs:
            if key in values:
                raise TypeError(f"{qualname}.__init__() got multiple values for argument '{key}'")
            if key not in known:
                raise TypeError(f"{qualname}.__init__() got an unexpected keyword argument '{key}'")
        values.update(kwargs)
        if len(values) < count:
            missing = [n for n in names if n not in values and n not in defaults and n not in factories]
            if missing:
                raise TypeError(f"{qualname}.__init__() missing {len(missing)} required argument(s): "
                                + ", ".join(repr(n) for n in missing))
            values = {n: values[n] if n in values else factories[n]() if n in factories else defaults[n] for n in names}
        self.__dict__.update(values)
    return __init__


def _values(names: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    """The field values as a tuple, in field order (what dataclass compares and hashes)."""
    if len(names) > 1:
        return attrgetter(*names)
    return lambda self: tuple(getattr(self, n) for n in names)


def _repr(names: tuple[str, ...]) -> Callable[[Any], str]:
    def __repr__(self: Any) -> str:
        return f"{type(self).__qualname__}(" + ", ".join(f"{n}={getattr(self, n)!r}" for n in names) + ")"
    return __repr__


def _eq(values: Callable[[Any], tuple[Any, ...]]) -> Callable[[Any, Any], Any]:
    def __eq__(self: Any, other: Any) -> Any:
        if other.__class__ is self.__class__:
            return values(self) == values(other)
        return NotImplemented
    return __eq__


def _refuse(self: Any, name: str, *value: Any) -> None:
    raise FrozenError(f"cannot assign to field '{name}'")
