"""Short, learner-facing descriptions of values: `float32[2, 3, 10] non-contiguous`."""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy
import torch

_is_contiguous = torch.Tensor.is_contiguous
_stride = torch.Tensor.stride
_numel = torch.Tensor.numel


def verb(subject: str, singular: str, plural: str) -> str:
    """`subject` followed by the verb that agrees with it: "the losses differ", "x differs".

    A label is plural when its last word is a plural noun (`the rays`, `the weights`);
    a call (`conv1d(x, w)`) or a name (`running_mean`, `the bias`) is singular.
    """
    words = subject.rstrip().split()
    # The head noun comes before the first preposition: "c.grad after 2 calls", "the output in eval mode".
    cut = next((i for i, word in enumerate(words) if i and word in _PREPOSITIONS), len(words))
    head = words[cut - 1].lower() if cut else ""
    plural_noun = head.endswith("s") and not head.endswith(("ss", "us", "is", "as")) and head.isalpha()
    return f"{subject} {plural if plural_noun else singular}"


_PREPOSITIONS = frozenset({"after", "at", "before", "for", "from", "in", "of", "on", "over", "when", "where", "with", "without"})


def shape_text(shape: Any) -> str:
    return "(" + ", ".join(str(int(d)) for d in shape) + ("," if len(shape) == 1 else "") + ")"


def dtype_text(dtype: torch.dtype) -> str:
    return str(dtype).removeprefix("torch.")


def describe(value: Any, limit: int = 60) -> str:
    """Describe a value the way a failure message should mention it."""
    if isinstance(value, torch.Tensor):
        text = f"{dtype_text(value.dtype)}[{', '.join(str(d) for d in value.shape)}]"
        if _numel(value) > 1 and 0 in _stride(value):
            text += " expanded"
        elif not _is_contiguous(value):
            text += " non-contiguous"
        if value.requires_grad:
            text += " requires_grad"
        return text
    if isinstance(value, numpy.ndarray):
        text = f"{value.dtype}[{', '.join(str(d) for d in value.shape)}] array"
        if value.size > 1 and 0 in value.strides:
            text += " broadcast"
        elif not value.flags.c_contiguous:
            text += " non-contiguous"
        return text
    if isinstance(value, torch.nn.Module):
        return type(value).__name__
    held = getattr(value, "__dict__", {}).get("array") if not isinstance(value, type) else None
    if isinstance(held, numpy.ndarray):
        # A tensor of a NumPy autograd (03_backprop's Tensor): its array, and whether it is tracked.
        tracked = " requires_grad" if getattr(value, "requires_grad", False) is True else ""
        return f"{type(value).__name__}({describe(held)}{tracked})"
    if isinstance(value, _PLAIN) or (
        type(value) in (list, tuple, set, frozenset) and len(value) <= 100 and all(isinstance(v, _PLAIN) for v in value)
    ):
        text = repr(value)  # a number, a string, a short list of numbers: as written
    elif isinstance(value, (list, tuple, set, frozenset)):
        items = list(value)[:ITEMS_SHOWN] if not isinstance(value, (set, frozenset)) else sorted(value, key=repr)[:ITEMS_SHOWN]
        inner = ", ".join(describe(v, limit) for v in items) + (", ..." if len(value) > ITEMS_SHOWN else "")
        if isinstance(value, list):
            text = f"[{inner}]"
        elif isinstance(value, tuple):
            text = f"({inner}{',' if len(value) == 1 else ''})"
        else:
            text = f"{{{inner}}}" if value else f"{type(value).__name__}()"
    elif isinstance(value, dict):
        pairs = [f"{describe(k, limit)}: {describe(v, limit)}" for k, v in list(value.items())[:ITEMS_SHOWN]]
        text = "{" + ", ".join(pairs) + (", ..." if len(value) > ITEMS_SHOWN else "") + "}"
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = [f"{f.name}={describe(getattr(value, f.name, None), limit)}" for f in dataclasses.fields(value)[:ITEMS_SHOWN]]
        text = f"{type(value).__name__}({', '.join(fields)}{', ...' if len(dataclasses.fields(value)) > ITEMS_SHOWN else ''})"
    elif callable(value):
        text = getattr(value, "__qualname__", None) or type(value).__name__
    else:
        # Another object: its own repr may be huge (tensors inside) or learner code that
        # raises, so it is named by its type.
        text = f"<{type(value).__name__}>"
    return text if len(text) <= limit else text[: limit - 3] + "..."


ITEMS_SHOWN = 4
_PLAIN = (int, float, complex, str, bytes, bool, type(None), slice, range, torch.dtype, torch.device, torch.Size, numpy.generic)


MAX_ENTRIES_SHOWN = 64
LINE_WIDTH = 72


def value_text(value: Any) -> str:
    """A value written out whole, as a learner would read it: `float32[1, 3] [[1, -2, 0.5]]`.

    Tensors and arrays too large to read at a glance are described only.
    """
    if isinstance(value, (torch.Tensor, numpy.ndarray)):
        head = describe(value)
        size = value.numel() if isinstance(value, torch.Tensor) else value.size
        if size > MAX_ENTRIES_SHOWN:
            return f"{head} (too large to show whole)"
        entries = value.detach().tolist() if isinstance(value, torch.Tensor) else value.tolist()
        text = _nested(entries)
        if len(text) > LINE_WIDTH and isinstance(entries, list) and entries and isinstance(entries[0], list):
            text = "[\n" + ",\n".join("  " + _nested(row) for row in entries) + "\n]"
        return f"{head} {text}"
    if isinstance(value, (tuple, list)) and any(isinstance(v, (torch.Tensor, numpy.ndarray)) for v in value):
        return "(" + ", ".join(value_text(v) for v in value) + ")"
    text = repr(value)
    return text if len(text) <= 200 else text[:197] + "..."


def _nested(entries: Any) -> str:
    if isinstance(entries, list):
        return "[" + ", ".join(_nested(entry) for entry in entries) + "]"
    if isinstance(entries, float):
        return f"{entries:.4g}" if entries == entries and abs(entries) != float("inf") else str(entries)
    return str(entries)


def describe_call(name: str, args: tuple, kwargs: dict, parameters: list[str] | None) -> str:
    """`conv1d(x=float32[2, 3, 10], weights=float32[4, 3, 3], stride=2)`."""
    parts = []
    for index, value in enumerate(args):
        label = parameters[index] if parameters and index < len(parameters) else None
        parts.append(f"{label}={describe(value)}" if label else describe(value))
    parts.extend(f"{key}={describe(value)}" for key, value in kwargs.items())
    return f"{name}({', '.join(parts)})"
