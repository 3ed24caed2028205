"""The on-disk form of `.haven-cache/`: JSON, decoded by the record types it must hold.

The cache is untrusted input (a CI runner restores it from a cache a pull request can write), so
it must not be able to run code when read, as pickle can. JSON (parsed by orjson, twice as fast as
the standard library here) holds only text, numbers, lists and mappings; `Codec.decode` then rebuilds only the record
types
it was given, field by field, checking every value against the field's declared type. Anything
else (a wrong type, a missing field, an unknown record, truncated JSON) raises `CacheDamaged`, and
the caller rebuilds that part of the cache.

Where a field's type is exact (str, int, tuple[Heading, ...]) values are stored untagged (a record
as the list of its fields), which keeps the index compact and quick to load. A field typed `Any` or
`Mapping[str, Any]` (YAML values from front matter) is stored as plain JSON when it is plain JSON,
and otherwise as {"\\x00": value} where what JSON cannot say is a one-entry object:
{"\\x00T": [...]} a tuple, {"\\x00d": iso} a date, {"\\x00M": [k, v, ...]} a mapping with other keys,
{"\\x00R": [name, ...fields]} a known record. Plain values are returned without a walk.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, Union

import orjson

from generator.deferred import CacheDamaged, Decoder, Deferred, DeferredTuple, Later, decode_with, parse_json

Encoder = Callable[[Any], Any]


def _fail(what: str) -> Any:
    raise CacheDamaged(what)


class Codec:
    """Encodes and decodes values of the given record types (dataclasses) and plain data."""

    def __init__(self, records: typing.Iterable[type],
                 overrides: dict[tuple[type, str], Callable[[], Any]] | None = None,
                 lazy: dict[str, Callable[[], type]] | None = None):
        self._records = {cls.__name__: cls for cls in records}
        self._lazy = dict(lazy or {})   # record name -> its class, imported only when a value needs it
        # (record, field) -> a sharper type than the declared one (a function: it may need an import)
        self._overrides = overrides or {}
        self._decoders: dict[Any, Decoder] = {}
        self._encoders: dict[Any, Encoder] = {}

    # -- public ------------------------------------------------------------------------------------
    def dumps(self, value: Any, tp: Any = Any) -> bytes:
        """The bytes of `value` (of type `tp`)."""
        return orjson.dumps(self.encoder(tp)(value))

    def loads(self, data: bytes, tp: Any = Any) -> Any:
        """The value of type `tp` in `data`; CacheDamaged when it is anything else."""
        return self.decode(self.parse(data), tp)

    parse = staticmethod(parse_json)

    def decode(self, raw: Any, tp: Any = Any) -> Any:
        """`raw` JSON data checked and rebuilt as type `tp`; CacheDamaged when it is anything else."""
        return self.decode_with(self.decoder(tp), raw)

    decode_with = staticmethod(decode_with)

    # -- compiling per type ------------------------------------------------------------------------
    def decoder(self, tp: Any) -> Decoder:
        """A function checking and rebuilding a JSON value as type `tp`."""
        key = _key(tp)
        if key not in self._decoders:
            self._decoders[key] = lambda v: self._decoders[key](v)   # a record that holds itself
            try:
                self._decoders[key] = self._make_decoder(tp)
            except BaseException:
                del self._decoders[key]
                raise
        return self._decoders[key]

    def encoder(self, tp: Any) -> Encoder:
        """A function turning a value of type `tp` into JSON data."""
        key = _key(tp)
        if key not in self._encoders:
            self._encoders[key] = lambda v: self._encoders[key](v)
            try:
                self._encoders[key] = self._make_encoder(tp)
            except BaseException:
                del self._encoders[key]
                raise
        return self._encoders[key]

    def _make_decoder(self, tp: Any) -> Decoder:
        if tp is Any or tp is object:
            return self._decode_any
        if isinstance(tp, Later):
            inner = self.decoder(tp.of)
            return lambda v: DeferredTuple(text=v, decode=inner) if type(v) is str else _fail("expected JSON text")
        if tp in (str, int, bool):
            return lambda v: v if type(v) is tp else _fail(f"expected {tp.__name__}")
        if tp is float:
            return lambda v: float(v) if type(v) in (int, float) else _fail("expected a number")
        if tp in (date, datetime):
            return lambda v: v if isinstance(v := self._decode_any(v), tp) else _fail("expected a date")
        if tp is type(None):
            return lambda v: v if v is None else _fail("expected null")
        if tp in (list, tuple, dict, frozenset):   # an unparameterized container: tagged values inside
            return lambda v: v if isinstance(v := self._decode_any(v), tp) else _fail(f"expected a {tp.__name__}")
        if isinstance(tp, type) and dataclasses.is_dataclass(tp):
            return self._record_decoder(tp)
        origin, args = typing.get_origin(tp), typing.get_args(tp)
        if origin is typing.Literal:
            allowed = frozenset(args)
            return lambda v: v if type(v) is str and v in allowed else _fail("expected one of the known words")
        if origin in (Union, types.UnionType):
            options = [self.decoder(a) for a in args if a is not type(None)]
            nullable = type(None) in args
            if len(options) == 1:
                only = options[0]
                return lambda v: None if v is None and nullable else only(v)
            return lambda v: None if v is None and nullable else _first(options, v)
        if origin in (tuple, frozenset, list) and ((len(args) == 2 and args[1] is Ellipsis) or origin is not tuple):
            item, make = self.decoder(args[0] if args else Any), origin
            plain = _plain_kinds(args[0]) if args else None
            if plain is not None:   # items of a plain type: checked by their types, all at once
                return lambda v: make(v) if type(v) is list and set(map(type, v)) <= plain else _fail("expected a list")
            return lambda v: make(map(item, v)) if type(v) is list else _fail("expected a list")
        if origin is tuple:
            parts = [self.decoder(a) for a in args]
            return lambda v: (tuple(d(x) for d, x in zip(parts, v, strict=True))
                              if type(v) is list and len(v) == len(parts) else _fail("expected a fixed list"))
        if origin in (dict, typing.Mapping, _abc_mapping()):
            if args and args[0] is str and args[1] is not Any:
                value = self.decoder(args[1])
                return lambda v: ({k: value(x) for k, x in v.items()} if type(v) is dict
                                  else _fail("expected a mapping"))
            return lambda v: v if isinstance(v := self._decode_any(v), dict) else _fail("expected a mapping")
        raise TypeError(f"the cache cannot hold values of type {tp!r}")

    def _make_encoder(self, tp: Any) -> Encoder:
        if tp is Any or tp is object or tp in (date, datetime, list, tuple, dict, frozenset):
            return self._encode_any
        if tp in (str, int, bool, float, type(None)):
            return _same
        if isinstance(tp, Later):
            inner = self.encoder(tp.of)

            def deferred(v: Any) -> str:
                text = v.text() if isinstance(v, Deferred) else None   # never asked for: written as it was read
                return text if text is not None else orjson.dumps(inner(v)).decode("utf-8")
            return deferred
        if isinstance(tp, type) and dataclasses.is_dataclass(tp):
            fields = [(f.name, self.encoder(t)) for f, t in self._fields(tp)]
            return lambda v: [enc(getattr(v, name)) for name, enc in fields]
        origin, args = typing.get_origin(tp), typing.get_args(tp)
        if origin is typing.Literal:
            return _same
        if origin in (Union, types.UnionType):
            options = [a for a in args if a is not type(None)]
            if len(options) == 1:
                only = self.encoder(options[0])
                return lambda v: None if v is None else only(v)
            return self._encode_any
        if origin in (tuple, frozenset, list) and ((len(args) == 2 and args[1] is Ellipsis) or origin is not tuple):
            item = self.encoder(args[0] if args else Any)
            if origin is frozenset:
                return lambda v: sorted(item(x) for x in v)
            return lambda v: [item(x) for x in v]
        if origin is tuple:
            parts = [self.encoder(a) for a in args]
            return lambda v: [e(x) for e, x in zip(parts, v, strict=True)]
        if origin in (dict, typing.Mapping, _abc_mapping()):
            if args and args[0] is str and args[1] is not Any:
                value = self.encoder(args[1])
                return lambda v: {k: value(x) for k, x in v.items()}
            return self._encode_any
        raise TypeError(f"the cache cannot hold values of type {tp!r}")

    def _fields(self, cls: type) -> list[tuple[dataclasses.Field, Any]]:
        hints = typing.get_type_hints(cls, vars(__import__(cls.__module__, fromlist=["_"])))
        sharper = self._overrides
        return [(f, sharper[cls, f.name]() if (cls, f.name) in sharper else hints[f.name])
                for f in dataclasses.fields(cls) if f.init]

    def _record_decoder(self, cls: type) -> Decoder:
        typed = self._fields(cls)
        if getattr(cls, "__slots__", None) is not None or hasattr(cls, "__post_init__"):
            decoders = [self.decoder(t) for _, t in typed]

            def slow(v: Any) -> Any:
                if type(v) is not list or len(v) != len(decoders):
                    _fail(f"expected a {cls.__name__} record")
                return cls(*(d(x) for d, x in zip(decoders, v, strict=True)))
            return slow
        return _compiled_record_decoder(cls, [(f.name, _plain_kinds(t), self.decoder(t)) for f, t in typed])

    def _record(self, name: str) -> type | None:
        if name not in self._records and name in self._lazy:
            self._records[name] = self._lazy.pop(name)()
        return self._records.get(name)

    # -- values typed Any: plain JSON, tagged only where JSON has no word for it ------------------------
    def _decode_any(self, v: Any) -> Any:
        if type(v) is dict and len(v) == 1 and TAGGED in v:
            return self._untag(v[TAGGED])
        return v   # plain JSON: nothing inside needs rebuilding (the encoder tagged the whole value if it did)

    def _untag(self, v: Any) -> Any:
        kind = type(v)
        if kind is list:
            return [self._untag(x) for x in v]
        if kind is not dict:
            return v
        if len(v) != 1:
            return {k: self._untag(x) for k, x in v.items()}
        (tag, body), = v.items()
        if tag[:1] != "\x00":
            return {tag: self._untag(body)}
        if tag == "\x00T" and type(body) is list:
            return tuple(self._untag(x) for x in body)
        if tag == "\x00F" and type(body) is list:
            return frozenset(self._untag(x) for x in body)
        if tag == "\x00M" and type(body) is list and len(body) % 2 == 0:
            keys = [self._untag(k) for k in body[::2]]
            if any(type(k) not in (str, int, float, bool, date, datetime, tuple) and k is not None for k in keys):
                _fail("a mapping key must be plain")
            return dict(zip(keys, (self._untag(x) for x in body[1::2]), strict=True))
        if tag == "\x00d" and type(body) is str:
            return date.fromisoformat(body)
        if tag == "\x00t" and type(body) is str:
            return datetime.fromisoformat(body)
        if tag == "\x00R" and type(body) is list and body and type(body[0]) is str \
                and (cls := self._record(body[0])) is not None:
            return self.decoder(cls)(body[1:])
        return _fail(f"unknown tag {tag!r}")

    def _encode_any(self, v: Any) -> Any:
        """Plain JSON when the value is plain JSON; else {TAGGED: the value with tags inside}."""
        tagged = [False]
        data = self._tag(v, tagged)
        return {TAGGED: data} if tagged[0] else data

    def _tag(self, v: Any, tagged: list[bool]) -> Any:
        kind = type(v)
        if kind in (str, int, float, bool) or v is None:
            return v
        if kind is list:
            return [self._tag(x, tagged) for x in v]
        if isinstance(v, dict) or kind is types.MappingProxyType:
            if all(type(k) is str and k[:1] != "\x00" for k in v):
                return {k: self._tag(x, tagged) for k, x in v.items()}
            tagged[0] = True
            return {"\x00M": [x for k, val in v.items() for x in (self._tag(k, tagged), self._tag(val, tagged))]}
        tagged[0] = True
        if kind is tuple:
            return {"\x00T": [self._tag(x, tagged) for x in v]}
        if kind is frozenset:
            return {"\x00F": [self._tag(x, tagged) for x in v]}
        if kind is datetime:
            return {"\x00t": v.isoformat()}
        if kind is date:
            return {"\x00d": v.isoformat()}
        if dataclasses.is_dataclass(v) and self._record(kind.__name__) is kind:
            return {"\x00R": [kind.__name__, *self.encoder(kind)(v)]}
        raise TypeError(f"the cache cannot hold a {kind.__name__}")


# The key of the one-entry object that marks a value holding tags (a tuple, date, record ...).
TAGGED = "\x00"


def _compiled_record_decoder(cls: type, fields: list[tuple[str, frozenset[type] | None, Decoder]]) -> Decoder:
    """A decoder for records of `cls` written out as straight-line code, field by field (generic loops over
    the fields took most of the cache's load time: 317,000 records at 10,000 articles). Only Haven's own
    field names go into the code; the values it checks never do. Every field is checked, so the record is
    made without `__init__` (which would only set them again, slowly for a frozen record)."""
    names = [f"v{i}" for i in range(len(fields))]
    scope: dict[str, Any] = {"_fail": _fail, "_new": object.__new__, "_cls": cls,
                             "_what": f"expected a {cls.__name__} record",
                             "_wrong": f"a {cls.__name__} record holds a value of the wrong kind"}
    checks, nested = [], []
    for i, (_, kinds, decoder) in enumerate(fields):
        if kinds is None:
            scope[f"d{i}"] = decoder
            nested.append(f"    v{i} = d{i}(v{i})")
        elif len(kinds) == 1:
            scope[f"k{i}"] = next(iter(kinds))
            checks.append(f"type(v{i}) is not k{i}")
        else:
            scope[f"k{i}"] = kinds
            checks.append(f"type(v{i}) not in k{i}")
    lines = ["def decode(v):",
             f"    if type(v) is not list or len(v) != {len(fields)}:",
             "        _fail(_what)"]
    if fields:
        lines.append(f"    {', '.join(names)}, = v")
    if checks:
        lines += [f"    if {' or '.join(checks)}:", "        _fail(_wrong)"]
    lines += nested
    lines += ["    record = _new(_cls)",
              "    record.__dict__.update({" + ", ".join(f"{name!r}: v{i}" for i, (name, _, _) in enumerate(fields))
              + "})",
              "    return record"]
    exec("\n".join(lines), scope)   # code made from Haven's own field names only, see above
    return scope["decode"]


def _plain_kinds(tp: Any) -> frozenset[type] | None:
    """The JSON types a field of type `tp` may hold as they are (None when it needs decoding)."""
    if tp in (str, int, bool):
        return frozenset((tp,))
    if typing.get_origin(tp) in (Union, types.UnionType):
        args = typing.get_args(tp)
        if all(a in (str, int, bool, type(None)) for a in args):
            return frozenset(args)
    return None


def _first(options: list[Decoder], v: Any) -> Any:
    for option in options:
        try:
            return option(v)
        except (CacheDamaged, TypeError, ValueError):
            continue
    return _fail("no type fits")


def _same(v: Any) -> Any:
    return v


def _key(tp: Any) -> Any:
    try:
        hash(tp)
        return tp
    except TypeError:
        return repr(tp)


def _abc_mapping() -> type:
    import collections.abc

    return collections.abc.Mapping
