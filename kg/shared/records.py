"""Plain record classes, for the modules on the path of `kg query` and `kg explain`.

Why not dataclasses: importing `dataclasses` imports `inspect`, 6 ms on this machine, about what a warm
query's whole work costs. A Record gives what those modules used of a dataclass: keyword or positional
construction with defaults (lists copied, never shared), equality and repr over the fields.
"""

from __future__ import annotations


class Record:
    """Subclasses set `_fields` (names, in order) and `_defaults` (name → default; a list or dict default
    is copied per instance) and list the fields in `__slots__`."""

    __slots__ = ()
    _fields: tuple[str, ...] = ()
    _defaults: dict[str, object] = {}  # noqa: RUF012 - read-only class data

    def __init__(self, *args: object, **kwargs: object) -> None:
        if len(args) > len(self._fields):
            raise TypeError(f"{type(self).__name__} takes at most {len(self._fields)} positional arguments")
        values = dict(zip(self._fields, args, strict=False))
        for name, value in kwargs.items():
            if name not in self._fields or name in values:
                raise TypeError(f"{type(self).__name__}: unexpected or repeated argument {name!r}")
            values[name] = value
        for name in self._fields:
            if name in values:
                value = values[name]
            elif name in self._defaults:
                value = self._defaults[name]
                value = value.copy() if isinstance(value, list | dict | set) else value
            else:
                raise TypeError(f"{type(self).__name__}: missing argument {name!r}")
            object.__setattr__(self, name, value)

    def _values(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in self._fields)

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and self._values() == other._values()  # type: ignore[attr-defined]

    __hash__ = None  # type: ignore[assignment]  # mutable, like the dataclasses they replace

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{type(self).__name__}({fields})"
