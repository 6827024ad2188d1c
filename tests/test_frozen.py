"""``@frozen`` (engine/frozen.py) behaves as ``@dataclass(frozen=True)`` where tongbao relies on it:
construction, defaults (inherited too), repr, equality and hashing by value, methods the class
writes itself kept, ``eq=False`` by identity, assignment refused."""
from __future__ import annotations

from dataclasses import FrozenInstanceError, dataclass, field
from typing import Any

import pytest
from hypothesis import given, strategies as st

from tongbao.frozen import FrozenError, frozen


@frozen
class Point:
    x: int
    label: str = "p"
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class PointDC:
    x: int
    label: str = "p"
    tags: tuple[str, ...] = ()


@frozen
class Tagged(Point):
    colour: str = "red"


@frozen(eq=False)
class Handle:
    name: str


@frozen
class OwnMethods:
    text: str

    def __repr__(self) -> str:
        return f"OwnMethods<{self.text}>"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, OwnMethods) and other.text.lower() == self.text.lower()


CALLS: list[tuple[tuple[Any, ...], dict[str, Any]]] = [
    ((1,), {}), ((1, "a"), {}), ((1, "a", ("t",)), {}), ((), {"x": 2}), ((3,), {"tags": ("u",)}),
    ((), {"tags": (), "x": 4, "label": "b"}),
]


@pytest.mark.parametrize(("args", "kwargs"), CALLS)
def test_construction_repr_and_fields_match_dataclass(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    ours, theirs = Point(*args, **kwargs), PointDC(*args, **kwargs)
    assert repr(ours) == repr(theirs).replace("PointDC", "Point")
    assert (ours.x, ours.label, ours.tags) == (theirs.x, theirs.label, theirs.tags)
    assert Point.__match_args__ == ("x", "label", "tags")


@pytest.mark.parametrize(("args", "kwargs", "said"), [
    ((), {}, "missing 1 required argument(s): 'x'"),
    ((1, "a", (), 4), {}, "takes 4 positional arguments but 5 were given"),
    ((1,), {"x": 2}, "got multiple values for argument 'x'"),
    ((1,), {"colour": "red"}, "got an unexpected keyword argument 'colour'"),
])
def test_wrong_calls_raise_type_error_as_dataclass_does(args: tuple[Any, ...], kwargs: dict[str, Any], said: str) -> None:
    with pytest.raises(TypeError):
        PointDC(*args, **kwargs)
    with pytest.raises(TypeError) as caught:
        Point(*args, **kwargs)
    assert str(caught.value) == f"Point.__init__() {said}"


@given(st.integers(), st.text(max_size=3), st.integers(), st.text(max_size=3))
def test_equality_and_hash_follow_the_field_values(x: int, label: str, y: int, other: str) -> None:
    a, b = Point(x, label), Point(y, other)
    assert (a == b) == ((x, label) == (y, other)) == (PointDC(x, label) == PointDC(y, other))
    assert Point(x, label) == a and hash(Point(x, label)) == hash(a) == hash(PointDC(x, label))
    assert a != PointDC(x, label) and a != Tagged(x, label)  # another class is never equal, as in dataclass


def test_a_subclass_adds_its_fields_after_the_inherited_ones_with_their_defaults() -> None:
    t = Tagged(1, colour="blue")
    assert repr(t) == "Tagged(x=1, label='p', tags=(), colour='blue')"
    assert Tagged(1) == Tagged(1, "p", (), "red") != Tagged(1, "q")


def test_assignment_and_deletion_are_refused() -> None:
    p = Point(1)
    with pytest.raises(FrozenError, match="'x'"):
        p.x = 2  # type: ignore[misc]
    with pytest.raises(AttributeError):  # FrozenError is an AttributeError, like FrozenInstanceError
        del p.label  # type: ignore[misc]
    with pytest.raises(FrozenInstanceError):
        PointDC(1).x = 2  # type: ignore[misc]
    assert p.x == 1 and p.label == "p"


def test_eq_false_compares_by_identity_and_hashes_by_id() -> None:
    a, b = Handle("n"), Handle("n")
    assert a != b and a == a and len({a, b}) == 2


def test_methods_the_class_writes_are_kept_and_it_still_hashes_by_value() -> None:
    assert repr(OwnMethods("A")) == "OwnMethods<A>"
    assert OwnMethods("A") == OwnMethods("a")  # its own __eq__, not the fields'
    assert hash(OwnMethods("A")) == hash(OwnMethods("A")) != hash(OwnMethods("B"))


def test_a_mutable_default_is_refused_as_dataclass_refuses_it() -> None:
    with pytest.raises(ValueError, match="Shared"):
        @frozen
        class Shared:
            items: list[int] = []  # noqa: RUF012


@frozen
class Made:
    name: str
    seen: dict[str, int] = field(default_factory=dict)
    level: int = field(default=2)


@frozen
class MadeMore(Made):
    more: list[int] = field(default_factory=list)


def test_field_default_factory_makes_one_value_per_instance_as_in_dataclass() -> None:
    a, b = Made("a"), Made("b")
    assert a.seen == {} and a.seen is not b.seen and a.level == 2 and Made.level == 2
    assert not hasattr(Made, "seen")  # no shared class attribute left behind
    c = MadeMore("c", more=[1])
    assert (c.seen, c.level, c.more) == ({}, 2, [1]) and MadeMore("d").more == [] and MadeMore("d").more is not MadeMore("e").more
    assert repr(Made("x", {"k": 1})) == "Made(name='x', seen={'k': 1}, level=2)"
