"""Jinja's sandbox for contributors' templates: no Python internals, no changing the site's data, no
giant values from `*`, `**`, `%` or formatting widths; and the sandbox's per-attribute and per-call
questions answered from memory where the answer cannot change (a page asks hundreds of them).
"""

from __future__ import annotations

import re
import types
from typing import Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from generator.fragments import FragmentMemory

# A string or list a template builds may not grow past this many items (`'x' * 10**10` would take the
# machine's memory before any time limit could stop it).
MAX_BUILT_SIZE = 10_000_000


# A width in a format ('%99999999s', '{:>99999999}') or a filter (center, indent) past this is refused.
MAX_WIDTH = 10_000
_DIGITS = len(str(MAX_WIDTH))   # a width with this many digits or more may be too large
_BIG_WIDTH = re.compile(rf"%[^a-zA-Z%]*(?:\d{{{_DIGITS},}}|\*)|\{{[^{{}}]*?:[^{{}}]*?\d{{{_DIGITS},}}")


def _refuse_wide(fmt: Any) -> None:
    if isinstance(fmt, str) and _BIG_WIDTH.search(fmt):
        raise SecurityError("a width this large (or a width taken from the data) would make a giant value")


def _limited_width(original: Any, position: int) -> Any:
    """A filter whose width argument (after the value) may not exceed MAX_WIDTH."""
    def limited(value: Any, *args: Any, **kwargs: Any) -> Any:
        """The filter, after its width was found reasonable."""
        width = args[position] if len(args) > position else kwargs.get("width")
        if isinstance(width, int) and width > MAX_WIDTH:
            raise SecurityError(f"a width over {MAX_WIDTH} would make a giant value")
        if original.__name__ == "do_format":
            _refuse_wide(value)
        return original(value, *args, **kwargs)
    return limited


_METHODS = (types.MethodType, types.BuiltinMethodType)

# How many (type, attribute name) safety answers the sandbox remembers; `obj[name]` with names taken
# from the site's data could otherwise grow the table without end.
MAX_REMEMBERED_ATTRIBUTES = 4096


class Sandbox(ImmutableSandboxedEnvironment):
    """Jinja's sandbox (no internals, no changing the site's data), and no giant values from `*`, `**`,
    `%` or formatting widths."""

    intercepted_binops = frozenset({"*", "**", "%"})

    def __init__(self, **options: Any):
        super().__init__(**options)
        for name in ("center", "indent", "format"):
            self.filters[name] = _limited_width(self.filters[name], 0)
        self._safe_attributes: dict[tuple[type, str], bool] = {}
        self._direct_calls: set[int] = set()
        self._kept_functions: list[Any] = []   # held so that no other object can take an id in _direct_calls
        self.fragments = FragmentMemory(lambda name: None)   # until Templates.load says what templates read

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        """Jinja's rule (no names starting with _, no Python internals, nothing that changes a list,
        dict or set), remembered per type and name: the rule reads nothing else, and a page looks up
        hundreds of attributes, each of which otherwise costs a dozen isinstance checks."""
        key = (type(obj), attr)
        safe = self._safe_attributes.get(key)
        if safe is None:
            safe = super().is_safe_attribute(obj, attr, value)
            if len(self._safe_attributes) < MAX_REMEMBERED_ATTRIBUTES:   # names can come from the data
                self._safe_attributes[key] = safe
        return safe

    def getattr(self, obj: Any, attribute: str) -> Any:
        """Jinja's sandboxed `obj.attribute`, answered at once for an attribute already found safe on this
        type whose value is not a `format` method (a page reads about 150 attributes; Jinja's way asks
        three questions of each). Anything else takes Jinja's way."""
        try:
            value = getattr(obj, attribute)
        except AttributeError:
            return super().getattr(obj, attribute)
        if self._safe_attributes.get((type(obj), attribute)) and not (
                isinstance(value, _METHODS) and value.__name__ in ("format", "format_map")):
            return value
        return super().getattr(obj, attribute)

    # Jinja's parameter names: a keyword argument called `context` or `obj` passes through to the function
    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        """Jinja's sandboxed call; Haven's own globals (`_()`, `url()`: about 70 calls a page) are called
        directly, as Jinja's context would call them (they take no context and raise no StopIteration)."""
        if id(__obj) in __self._direct_calls:
            kwargs.pop("_loop_vars", None)   # what Jinja adds for context functions only
            kwargs.pop("_block_vars", None)
            return __obj(*args, **kwargs)
        return super().call(__context, __obj, *args, **kwargs)

    def call_directly(self, *functions: Any) -> None:
        """Mark Haven's own template functions as safe to call without Jinja's checks: each must be a
        plain function held by this environment for its whole life (identity is how they are known)."""
        for function in functions:
            if jinja2.utils._PassArg.from_obj(function) is not None:
                raise ValueError(f"{function!r} takes Jinja's context: call it through the context")
            self._kept_functions.append(function)
            self._direct_calls.add(id(function))

    def wrap_str_format(self, value: Any) -> Any:
        """`'{:>99999999}'.format(x)` is refused before it runs."""
        wrapped = super().wrap_str_format(value)
        if wrapped is not None:
            _refuse_wide(getattr(value, "__self__", None))
        return wrapped

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        """Refuse a repetition, power or format whose result would be enormous."""
        if operator == "%":
            _refuse_wide(left)
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(times, int) and \
                        len(seq) * times > MAX_BUILT_SIZE:
                    raise SecurityError("a value repeated this many times would be too large")
        if operator == "**" and isinstance(right, int) and isinstance(left, int) and abs(right) > 1000 \
                and abs(left) > 1:
            raise SecurityError("a power this large would take too long")
        return super().call_binop(context, operator, left, right)
