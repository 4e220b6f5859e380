"""Differential fuzzing of whole programs against torch.

A *program* is straight-line Python source: a few leaf tensors, then 3-10 statements drawn from
many op forms (operators with tensors or Python numbers on either side, unary math, reductions,
views, indexing and setitem, in-place ops on leaves, on views and after a value was saved for
backward, ``where``/``masked_fill``/``cat``, matmuls, softmax, losses, ``.to(dtype)``), then a
scalar loss with first- and second-order ``autograd.grad``.  Dtypes float16/32/64, int64, bool;
shapes 0-d, size-1, empty and small; values include 0, -0.0, subnormals, +-1e38, +-inf, nan.

* ``programs()``: a hypothesis strategy of ``Program`` objects.  It runs torch while drawing, so
  each statement picks operands that exist with the shapes and dtypes torch gave them (a statement
  torch rejects stays in the program: minigrad must reject it too).
* ``run_program(program, lib)``: runs it in torch or minigrad, one ``Outcome`` per statement.
* ``compare_programs(program)``: runs both and returns the first disagreement as text (``None``
  when they agree): exception class, then every tensor's dtype, shape, ``requires_grad``,
  ``is_leaf`` and values, then warnings.
* ``repr(program)`` is runnable source (``import torch as T``); swap in ``import minigrad as T``.

Importing this module needs hypothesis; torch is imported when a program is drawn or run.
"""

from __future__ import annotations

import math
import re
import warnings
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
from hypothesis import strategies as st

__all__ = [
    "Program",
    "Outcome",
    "programs",
    "run_program",
    "compare_programs",
    "first_disagreement",
    "fuzz",
    "FORMS",
    "DEFAULT_FORMS",
    "EXTRA_FORMS",
    "TOLERANCES",
]

HEADER = "from math import inf, nan\nimport torch as T\nimport torch.nn.functional as F"


@dataclass
class Program:
    """Statements of Python source; ``T`` is the library, ``F`` its ``nn.functional``."""

    statements: list[str] = field(default_factory=list)
    forms: list[str] = field(default_factory=list)  # the op form of each statement (for triage)

    def __repr__(self) -> str:
        return HEADER + "\n" + "\n".join(self.statements)


# ----- values -----------------------------------------------------------------------------------
# Edge values per float dtype: signed zeros, a subnormal of that dtype, +-1e38 (inf in float16),
# infinities and nan.
_SUBNORMAL = {"float16": 6e-08, "float32": 1e-40, "float64": 5e-324}
_EDGE = [0.0, -0.0, 1e38, -1e38, math.inf, -math.inf, math.nan]
_SCALARS = [0, 1, 2, -1, 3, 0.5, -2.5, 0.0, -0.0, 1e38, -1e38, math.inf, -math.inf, math.nan, 1e-40,
            True, False]
_SHAPES = [(), (), (1,), (2,), (3,), (0,), (2, 3), (3, 2), (1, 3), (2, 1), (0, 3), (2, 2), (3, 1, 2),
           (2, 0, 2), (1, 1)]
_DTYPES = ["float32", "float32", "float64", "float64", "float16", "int64", "bool"]


def _fmt(v: Any) -> str:
    """A number as source (``nan``, ``inf``, ``-0.0`` and floats round-trip through repr)."""
    return repr(v)


def _nested(flat: list, shape: tuple) -> Any:
    if not shape:
        return flat[0]
    step = len(flat) // shape[0] if shape[0] else 0
    return [_nested(flat[i * step:(i + 1) * step], shape[1:]) for i in range(shape[0])]


def _element(draw: Any, dtype: str, edgy: float, subnormals: bool) -> Any:
    if dtype == "bool":
        return draw(st.booleans())
    if dtype == "int64":
        return draw(st.integers(-3, 3))
    if draw(st.floats(0, 1)) < edgy:
        return draw(st.sampled_from(_EDGE + ([_SUBNORMAL[dtype], -_SUBNORMAL[dtype]] if subnormals else [])))
    return draw(st.integers(-12, 12)) / 4


def _leaf(draw: Any, name: str, edgy: float, switches: tuple[str, ...]) -> str:
    dtype = draw(st.sampled_from(_DTYPES))
    shape = draw(st.sampled_from(_SHAPES))
    grad = dtype.startswith("float") and draw(st.integers(0, 4)) > 0
    tail = f", dtype=T.{dtype}" + (", requires_grad=True" if grad else "")
    n = math.prod(shape)
    if n == 0:
        return f"{name} = T.zeros({shape!r}{tail})"
    flat = [_element(draw, dtype, edgy, SUBNORMALS in switches) for _ in range(n)]
    if dtype == "float16" and F16_OVERFLOW not in switches:
        flat = [v if abs(v) != 1e38 else math.copysign(math.inf, v) for v in flat]
    data = _nested(flat, shape)
    return f"{name} = T.tensor({data!r}{tail})"


# ----- op forms ---------------------------------------------------------------------------------
class _Ctx:
    """What a form builder sees while a program is drawn: torch's values so far."""

    def __init__(self, draw: Any, env: dict, forms: tuple[str, ...] = ()) -> None:
        self.draw, self.env = draw, env
        self.f16_overflow = F16_OVERFLOW in forms
        self.bool_power = BOOL_POWER in forms
        self.subnormals = SUBNORMALS in forms
        self.forms = forms

    def tensors(self, pred: Callable[[Any], bool] = lambda t: True) -> list[str]:
        import torch
        return [k for k, v in self.env.items() if isinstance(v, torch.Tensor) and pred(v)]

    def pick(self, pred: Callable[[Any], bool] = lambda t: True) -> str | None:
        names = self.tensors(pred)
        return self.draw(st.sampled_from(sorted(names))) if names else None

    def partner(self, a: str, pred: Callable[[Any], bool] = lambda t: True) -> str | None:
        """A second operand, usually one that broadcasts with ``a``."""
        import torch
        sa = self.env[a].shape

        def fits(t: Any) -> bool:
            try:
                torch.broadcast_shapes(sa, t.shape)
                return pred(t)
            except RuntimeError:
                return False
        if self.draw(st.integers(0, 9)) == 0:
            return self.pick(pred)
        return self.pick(fits)

    def scalar(self, a: str | None = None, bools: bool = True) -> str:
        """A Python number for an op with tensor ``a`` (``bools``: True and False too)."""
        pool = [v for v in _SCALARS if (bools or type(v) is not bool) and (self.subnormals or v != 1e-40)]
        if a is not None and str(self.env[a].dtype) == "torch.float16" and not self.f16_overflow:
            pool = [v for v in pool if abs(v) != 1e38]
        return _fmt(self.draw(st.sampled_from(pool)))

    def dim(self, a: str) -> int:
        n = max(self.env[a].ndim, 1)
        if self.draw(st.integers(0, 14)) == 0:  # now and then out of range
            return self.draw(st.sampled_from([n, -n - 1]))
        return self.draw(st.integers(-n, n - 1))

    def index(self, a: str, axis: int = 0) -> int:
        t = self.env[a]
        n = t.shape[axis] if t.ndim > axis else 1
        if self.draw(st.integers(0, 14)) == 0:
            return n
        return self.draw(st.integers(-n, n - 1)) if n else 0

    def dtype(self) -> str:
        return "T." + self.draw(st.sampled_from(["float16", "float32", "float64", "int64", "bool"]))

    def index_key(self, a: str) -> str:
        """An indexing key for ``a``: int, slice, ellipsis, None, list, bool mask, index tensor."""
        t = self.env[a]
        kind = self.draw(st.sampled_from(["int", "slice", "step", "neg_step", "ellipsis", "none",
                                          "list", "mask", "tensor", "pair", "zero_step"]))
        if kind == "int":
            return str(self.index(a))
        if kind == "slice":
            return f"{self.draw(st.integers(-3, 3))}:"
        if kind == "step":
            return "::2"
        if kind == "neg_step":
            return "::-1"
        if kind == "zero_step":
            return "::0"
        if kind == "ellipsis":
            return f"..., {self.index(a, max(t.ndim - 1, 0))}"
        if kind == "none":
            return "None"
        if kind == "list":
            return f"[{self.index(a)}, {self.index(a)}]"
        if kind == "mask":
            m = self.pick(lambda u: u.dtype.is_floating_point and u.shape == t.shape)
            return f"{m} > 0" if m else f"{a} != 0"
        if kind == "tensor":
            return f"T.tensor([{self.index(a)}])"
        return f"{self.index(a)}, {self.index(a, 1)}"


FORMS: dict[str, Callable[[_Ctx], str | None]] = {}
"""Every op form: name -> builder of one statement (``{out}`` is the new variable's name)."""

# Two switches that are not statements of their own, listed among the forms to turn them on:
F16_OVERFLOW = "float16 from +-1e38"  # float16 tensors made from, or combined with, +-1e38
BOOL_POWER = "bool operand of pow/atan2"  # a bool exponent (Python or tensor), bool atan2 operands
SUBNORMALS = "subnormal values"  # subnormal elements in leaves and Python numbers
MIXED_LOSS = "loss(a, target of another dtype)"  # a loss whose target's dtype differs from the input's


def _form(name: str) -> Callable:
    def deco(fn: Callable[[_Ctx], str | None]) -> Callable:
        FORMS[name] = fn
        return fn
    return deco


def _is_float(t: Any) -> bool:
    return t.dtype.is_floating_point


def _binary_operator(op: str) -> None:
    @_form(f"a {op} b")
    def tensor_tensor(c: _Ctx) -> str | None:
        a = c.pick()
        b = a and c.partner(a, lambda t: op != "**" or c.bool_power or str(t.dtype) != "torch.bool")
        return b and f"{{out}} = {a} {op} {b}"

    @_form(f"a {op} s")
    def tensor_scalar(c: _Ctx) -> str | None:
        a = c.pick()
        return a and f"{{out}} = {a} {op} {c.scalar(a, bools=op != '**' or c.bool_power)}"

    @_form(f"s {op} a")
    def scalar_tensor(c: _Ctx) -> str | None:
        a = c.pick()
        return a and f"{{out}} = {c.scalar(a, bools=op != '**' or c.bool_power)} {op} {a}"


for _op in ["+", "-", "*", "/", "//", "%", "**", "==", "<", ">=", "!=", "&", "|", "^"]:
    _binary_operator(_op)


def _binary_function(name: str, extra: str = "") -> None:
    @_form(f"T.{name}(a, b{extra})")
    def build(c: _Ctx) -> str | None:
        def allowed(t: Any) -> bool:  # see BOOL_POWER
            return name not in ("pow", "atan2") or c.bool_power or str(t.dtype) != "torch.bool"
        a = c.pick(allowed)
        b = a and c.partner(a, allowed)
        if b and c.draw(st.integers(0, 4)) == 0:
            b = c.scalar(a, bools=name != "pow" or c.bool_power)
        return b and f"{{out}} = T.{name}({a}, {b}{extra})"


for _name, _extra in [("add", ", alpha=2"), ("sub", ""), ("mul", ""), ("div", ""),
                      ("div", ", rounding_mode='trunc'"), ("div", ", rounding_mode='floor'"),
                      ("maximum", ""), ("minimum", ""), ("atan2", ""), ("remainder", ""), ("pow", ""),
                      ("logical_and", ""), ("logical_or", ""), ("eq", ""), ("lt", ""), ("hypot", "")]:
    _binary_function(_name, _extra)


def _unary(expr: str, pred: Callable[[Any], bool] = lambda t: True) -> None:
    @_form(expr)
    def build(c: _Ctx) -> str | None:
        a = c.pick(pred)
        return a and "{out} = " + re.sub(r"\ba\b", a, expr)


for _fn in ["neg", "abs", "exp", "log", "log1p", "sqrt", "sin", "cos", "tanh", "sigmoid", "relu", "sign",
            "floor", "ceil", "round", "trunc", "square", "rsqrt", "reciprocal", "erf", "expm1", "sinh",
            "atan", "logical_not", "isnan", "isinf", "isfinite", "nan_to_num", "exp2", "log2"]:
    _unary(f"T.{_fn}(a)")
for _expr in ["-a", "~a", "abs(a)", "a.clone()", "a.detach()", "a.contiguous()", "a.float()",
              "a.double()", "a.half()", "a.long()", "a.bool()", "a.to(T.float64)", "a.to(T.float16)",
              "a.to(T.int64)", "a.reshape(-1)", "a.flatten()", "a.squeeze()", "a.t()", "a.T", "a.mT",
              "a.unsqueeze(0)", "a.unsqueeze(-1)", "a.flip(0)", "a.reshape(())", "a.clamp(min=0)",
              "a.clamp(-1, 1)", "a.clamp(max=-0.0)", "F.relu(a)", "F.gelu(a)", "F.silu(a)",
              "F.softplus(a)", "F.elu(a)", "F.leaky_relu(a)", "F.hardtanh(a)", "a.sum()", "a.mean()",
              "a.prod()", "a.amax()", "a.max()", "a.min()", "a.argmax()", "a.argmin()", "a.var()",
              "a.std()", "a.norm()", "a.all()", "a.any()", "a.count_nonzero()", "a.logsumexp(())",
              "a.sum(dtype=T.float64)", "a.sum(dtype=T.int64)", "a.mean(dtype=T.float64)",
              "a.cumsum(0)", "a.diagonal()", "a.tril()", "a.triu(1)", "a.nonzero()",
              "a.permute()", "a.reshape()", "a.view(-1)", "a.expand(2, *a.shape)", "a.split(1)[0]",
              "a.chunk(2)[-1]", "a.unbind()[0]", "a.narrow(0, 0, 1)", "a.roll(1)", "a.movedim(0, -1)",
              "a.masked_select(a > 0)", "a.sort()[0]", "a.detach().requires_grad_()"]:
    _unary(_expr)


def _reduction(name: str, dtype_arg: bool = False) -> None:
    @_form(f"a.{name}(dim, keepdim)")
    def build(c: _Ctx) -> str | None:
        a = c.pick()
        if not a:
            return None
        keep = c.draw(st.booleans())
        tail = f", dtype={c.dtype()}" if dtype_arg and c.draw(st.booleans()) else ""
        return f"{{out}} = {a}.{name}({c.dim(a)}, keepdim={keep}{tail})"


for _name in ["amax", "amin", "argmax", "argmin", "var", "std", "logsumexp", "any", "all", "prod",
              "norm", "max", "min"]:
    _reduction(_name)
_reduction("sum", dtype_arg=True)
_reduction("mean", dtype_arg=True)


@_form("a.max(dim).values / .indices")
def _max_dim(c: _Ctx) -> str | None:
    a = c.pick()
    field = c.draw(st.sampled_from(["values", "indices", "[0]"]))
    return a and f"{{out}} = {a}.{c.draw(st.sampled_from(['max', 'min']))}({c.dim(a)})" + (
        field if field == "[0]" else "." + field)


def _row(name: str) -> None:
    @_form(f"{name}(a, dim, dtype)")
    def build(c: _Ctx) -> str | None:
        a = c.pick()
        if not a:
            return None
        tail = f", dtype={c.dtype()}" if c.draw(st.integers(0, 3)) == 0 else ""
        return f"{{out}} = {name}({a}, {c.dim(a)}{tail})"


for _name in ["T.softmax", "T.log_softmax", "F.softmax", "F.log_softmax", "T.logsumexp", "T.cumsum"]:
    _row(_name)


@_form("a.transpose(i, j)")
def _transpose(c: _Ctx) -> str | None:
    a = c.pick()
    return a and f"{{out}} = {a}.transpose({c.dim(a)}, {c.dim(a)})"


@_form("a.squeeze(d) / unsqueeze(d)")
def _squeeze(c: _Ctx) -> str | None:
    a = c.pick()
    return a and f"{{out}} = {a}.{c.draw(st.sampled_from(['squeeze', 'unsqueeze']))}({c.dim(a)})"


@_form("a.view(shape)")
def _view(c: _Ctx) -> str | None:
    a = c.pick()
    if not a:
        return None
    n = c.env[a].numel()
    shape = c.draw(st.sampled_from([(n,), (1, n), (n, 1), (-1,), (-1, 1), (2, -1), (1, -1, 1)]))
    return f"{{out}} = {a}.{c.draw(st.sampled_from(['view', 'reshape']))}{shape!r}"


@_form("a.expand / broadcast_to(b.shape)")
def _expand(c: _Ctx) -> str | None:
    a = c.pick()
    b = a and c.partner(a)
    return b and f"{{out}} = {a}.{c.draw(st.sampled_from(['expand', 'broadcast_to']))}({b}.shape)"


@_form("a[key]")
def _getitem(c: _Ctx) -> str | None:
    a = c.pick(lambda t: t.ndim > 0)
    return a and f"{{out}} = {a}[{c.index_key(a)}]"


@_form("a.index_select / gather / take_along_dim")
def _index_ops(c: _Ctx) -> str | None:
    a = c.pick(lambda t: t.ndim > 0)
    if not a:
        return None
    d, i = c.dim(a), c.index(a)
    kind = c.draw(st.sampled_from(["index_select", "gather", "take_along_dim"]))
    if kind == "index_select":
        return f"{{out}} = {a}.index_select({d}, T.tensor([{i}, 0]))"
    if kind == "gather":
        return f"{{out}} = {a}.gather({d}, T.zeros_like({a}, dtype=T.int64))"
    return f"{{out}} = T.take_along_dim({a}, T.zeros_like({a}, dtype=T.int64), {d})"


@_form("a[key] = value")
def _setitem(c: _Ctx) -> str | None:
    a = c.pick(lambda t: t.ndim > 0)
    if not a:
        return None
    value = c.draw(st.sampled_from(["scalar", "tensor", "var"]))
    if value == "scalar":
        v = c.scalar(a)
    elif value == "tensor":
        v = f"T.tensor([{c.scalar(a)}])"
    else:
        v = c.pick() or c.scalar(a)
    return f"{a}[{c.index_key(a)}] = {v}"


def _inplace(expr: str, operand: bool = False) -> None:
    @_form(f"a.{expr}")
    def build(c: _Ctx) -> str | None:
        a = c.pick()
        if not a:
            return None
        target = a
        if c.draw(st.integers(0, 2)) == 0 and c.env[a].ndim > 0:  # write through a view
            target = c.draw(st.sampled_from([f"{a}[0]", f"{a}[:1]", f"{a}.view(-1)", f"{a}.t()"]))
        arg = expr
        if operand:
            b = c.partner(a) if c.draw(st.booleans()) else None
            arg = re.sub(r"\bb\b", b or c.scalar(a), expr)
        return f"{target}.{arg}"


for _expr in ["zero_()", "neg_()", "exp_()", "relu_()", "sigmoid_()", "tanh_()", "sin_()"]:
    _inplace(_expr)
for _expr in ["add_(b)", "sub_(b)", "mul_(b)", "div_(b)", "pow_(b)", "fill_(b)", "copy_(b)",
              "clamp_(min=b)", "clamp_(max=b)", "masked_fill_(T.ones((), dtype=T.bool), b)",
              "clamp_min_(b)"]:
    _inplace(_expr, operand=True)


@_form("a op= b")
def _augmented(c: _Ctx) -> str | None:
    a = c.pick()
    if not a:
        return None
    b = c.partner(a) if c.draw(st.booleans()) else None
    return f"{a} {c.draw(st.sampled_from(['+=', '-=', '*=', '/=']))} {b or c.scalar(a)}"


@_form("T.where(cond, a, b)")
def _where(c: _Ctx) -> str | None:
    a = c.pick()
    b = a and c.partner(a)
    if not b:
        return None
    if c.draw(st.integers(0, 3)) == 0:
        b = c.scalar(a)
    cond = c.pick(lambda t: t.dtype == __import__("torch").bool) or f"{a} > 0"
    return f"{{out}} = T.where({cond}, {a}, {b})"


@_form("a.masked_fill(mask, value)")
def _masked_fill(c: _Ctx) -> str | None:
    a = c.pick()
    m = a and c.partner(a)
    return m and f"{{out}} = {a}.masked_fill({m} > 0, {c.scalar(a)})"


@_form("T.cat / T.stack([a, b], dim)")
def _cat(c: _Ctx) -> str | None:
    a = c.pick()
    b = a and c.pick()
    if not b:
        return None
    fn = c.draw(st.sampled_from(["cat", "stack"]))
    return f"{{out}} = T.{fn}([{a}, {b}], {c.dim(a)})"


@_form("matmul family")
def _matmul(c: _Ctx) -> str | None:
    a = c.pick(lambda t: t.ndim > 0)
    b = a and c.pick(lambda t: t.ndim > 0)
    if not b:
        return None
    fn = c.draw(st.sampled_from(["{a} @ {b}", "T.matmul({a}, {b})", "T.mm({a}, {b})", "T.mv({a}, {b})",
                                 "T.dot({a}, {b})", "T.bmm({a}, {b})", "T.outer({a}, {b})"]))
    return "{out} = " + fn.format(a=a, b=b)


def _loss(kind: str) -> None:
    @_form(f"F.{kind}(a, target)")
    def build(c: _Ctx) -> str | None:
        a = c.pick(_is_float)
        if not a:
            return None
        red = c.draw(st.sampled_from(["mean", "sum", "none"]))
        if kind in ("cross_entropy", "nll_loss"):
            t = c.env[a]
            n = t.shape[0] if t.ndim == 2 else 0
            target = f"T.tensor({[c.draw(st.integers(-1, 2)) for _ in range(n)]!r}, dtype=T.int64)" if \
                t.ndim == 2 else "T.tensor(0)"
            ignore = ", ignore_index=-1" if c.draw(st.booleans()) else ""
            return f"{{out}} = F.{kind}({a}, {target}, reduction={red!r}{ignore})"
        dtype = c.env[a].dtype
        b = c.partner(a, lambda t: MIXED_LOSS in c.forms or t.dtype == dtype) or a
        return f"{{out}} = F.{kind}({a}, {b}, reduction={red!r})"


for _kind in ["mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss", "binary_cross_entropy_with_logits",
              "cross_entropy", "nll_loss"]:
    _loss(_kind)


EXTRA_FORMS: tuple[str, ...] = (
    # the decisions of docs/parity.md, where minigrad keeps the mathematically right answer:
    "F.gelu(a)",  # torch's vectorised float32 gelu(inf) is nan (its one-element path, float64 and
    # approximate='tanh' give inf, as minigrad does)
    SUBNORMALS,  # torch's division and log flush them on some paths: 0 / 1e-40 is nan (not IEEE)
    BOOL_POWER,  # a Python bool base, False ** x: torch's backward fails an internal assert ("unknown
    # ivalue tag 4", a torch bug); minigrad gives the gradient
    # an integer or bool tensor filled from a float tensor that requires grad: torch marks the
    # integer tensor requires_grad (an integer tensor in the graph); minigrad keeps it out
    "a.fill_(b)", "a.masked_fill_(T.ones((), dtype=T.bool), b)",
)
"""Forms left out of the default set while minigrad still disagrees with torch on them (the
comment at each says which disagreement); ``programs(forms=FORMS)`` draws them too."""

for _switch in (F16_OVERFLOW, BOOL_POWER, SUBNORMALS, MIXED_LOSS):
    FORMS[_switch] = lambda c: None

DEFAULT_FORMS: tuple[str, ...] = tuple(f for f in FORMS if f not in EXTRA_FORMS)
"""The forms ``programs()`` draws from unless told otherwise."""


# ----- drawing ----------------------------------------------------------------------------------
def _run_statement(stmt: str, ns: dict) -> BaseException | None:
    try:
        exec(stmt, ns)  # noqa: S102  (the program is source we generated)
    except Exception as e:  # noqa: BLE001  (every exception is an outcome to compare)
        return e
    return None


def _namespace(lib: Any) -> dict:
    return {"T": lib, "F": lib.nn.functional, "inf": math.inf, "nan": math.nan}


def _tensors(ns: dict, lib: Any) -> dict:
    return {k: v for k, v in ns.items() if isinstance(v, lib.Tensor)}


@st.composite
def programs(draw: Any, forms: tuple[str, ...] | None = None, min_statements: int = 3,
             max_statements: int = 10, grad: bool = True) -> Program:
    """Programs of a few leaves and ``min_statements..max_statements`` statements drawn from
    ``forms`` (names in ``FORMS``; default ``DEFAULT_FORMS``), ending with first- and second-order
    gradients of a scalar of every float result when ``grad``."""
    import torch
    names = sorted(forms if forms is not None else DEFAULT_FORMS)
    edgy = draw(st.sampled_from([0.0, 0.1, 0.3]))  # share of edge values among the elements
    prog = Program()
    ns = _namespace(torch)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for i in range(draw(st.integers(1, 3))):
            prog.statements.append(_leaf(draw, f"x{i}", edgy, tuple(names)))
            prog.forms.append("leaf")
            _run_statement(prog.statements[-1], ns)
        for k in range(draw(st.integers(min_statements, max_statements))):
            ctx = _Ctx(draw, _tensors(ns, torch), tuple(names))
            form = draw(st.sampled_from(names))
            stmt = FORMS[form](ctx)
            if stmt is None:
                continue
            stmt = stmt.replace("{out}", f"v{k}")
            prog.statements.append(stmt)
            prog.forms.append(form)
            _run_statement(stmt, ns)
        if grad:
            _append_gradients(prog, ns, torch)
    return prog


def _append_gradients(prog: Program, ns: dict, torch: Any) -> None:
    """``loss`` sums every float result that requires grad; ``g`` its gradients w.r.t. the leaves,
    ``gg`` the gradients of ``sum(g)`` (second order) where torch's ``g`` require grad."""
    tensors = _tensors(ns, torch)
    leaves = [k for k, v in tensors.items() if k.startswith("x") and v.requires_grad and v.is_leaf]
    terms = [k for k, v in tensors.items() if v.requires_grad and _is_float(v)]
    if not leaves or not terms:
        return
    stmts = [f"loss = {' + '.join(f'{k}.double().sum()' for k in terms)}",
             f"g = T.autograd.grad(loss, [{', '.join(leaves)}], create_graph=True, allow_unused=True)"]
    for stmt, form in zip(stmts, ["loss", "gradient"]):
        prog.statements.append(stmt)
        prog.forms.append(form)
        if _run_statement(stmt, ns) is not None:
            return
    second = [f"g[{i}].double().sum()" for i, gi in enumerate(ns["g"]) if gi is not None and gi.requires_grad]
    if second:
        stmt = f"gg = T.autograd.grad({' + '.join(second)}, [{', '.join(leaves)}], allow_unused=True)"
        prog.statements.append(stmt)
        prog.forms.append("second-order gradient")


# ----- running and comparing --------------------------------------------------------------------
@dataclass
class Outcome:
    """One statement's result: the exception raised (or None), the warnings emitted, and a snapshot
    of every tensor in scope afterwards (name -> (dtype, shape, requires_grad, is_leaf, values))."""

    error: BaseException | None
    warnings: list
    tensors: dict


def _snapshot(v: Any) -> tuple:
    try:
        return _attributes(v)
    except Exception as e:  # noqa: BLE001  (torch refuses to describe a view invalidated in place)
        return (f"raises {type(e).__name__}", (), False, False, np.zeros(0))


def _attributes(v: Any) -> tuple:
    return (str(v.dtype).rsplit(".", 1)[-1], tuple(v.shape), bool(v.requires_grad), bool(v.is_leaf),
            np.array(v.detach().numpy(force=True), copy=True))


def _scope(ns: dict, lib: Any) -> dict:
    out = {}
    for k, v in ns.items():
        if isinstance(v, lib.Tensor):
            out[k] = _snapshot(v)
        elif isinstance(v, tuple) and k in ("g", "gg"):  # autograd.grad's results
            for i, gi in enumerate(v):
                out[f"{k}[{i}]"] = None if gi is None else _snapshot(gi)
    return out


def run_program(prog: Program, lib: Any) -> list[Outcome]:
    """Run ``prog`` with ``lib`` (torch or minigrad) as ``T``: one ``Outcome`` per statement."""
    import torch
    ns = _namespace(lib)
    outcomes = []
    warn_always = torch.is_warn_always_enabled()
    torch.set_warn_always(True)  # torch's warn-once warnings must fire in every program
    try:
        for stmt in prog.statements:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                err = _run_statement(stmt, ns)
            outcomes.append(Outcome(err, list(caught), _scope(ns, lib)))
    finally:
        torch.set_warn_always(warn_always)
    return outcomes


TOLERANCES = {
    # Each engine's pointwise functions are within an ulp of the true value, but not bit-identical
    # (numpy's tanh vs torch's vectorized one), and programs amplify an ulp by their condition
    # number: 1 - tanh(x)^2 at x = -4.25 (a gradient) turns 1 ulp of tanh into 1.5e-4 relative in
    # float32.  So float32 allows 1e-3 relative (condition numbers up to ~1e4), float64 1e-9 (up to
    # ~1e6); a wrong formula or a wrong branch shows as an O(1) difference or a misplaced nan/inf.
    # float16: torch computes in float32 and rounds once, numpy rounds some steps in float16: a few
    # float16 ulps (eps 9.8e-4) apart before any amplification.
    "float16": (1e-2, 1e-3),
    "float32": (1e-3, 1e-5),
    "float64": (1e-9, 1e-12),
}


def _values_differ(dtype: str, a: np.ndarray, e: np.ndarray, loosest: str,
                   atol_floor: float = 0.0) -> str | None:
    """``loosest``: the least precise float dtype in scope.  A float64 result computed from float16
    values (``x16.double() * 3``) carries float16's rounding, so it is compared at float16's.
    ``atol_floor``: a larger absolute tolerance for a sum whose terms cancel (see ``loss``)."""
    if a.shape != e.shape:
        return f"shape {a.shape} != {e.shape}"
    if dtype not in TOLERANCES:
        return None if np.array_equal(a, e) else f"values\n  minigrad {a!r}\n  torch    {e!r}"
    a64, e64 = a.astype(np.float64), e.astype(np.float64)
    rtol, atol = TOLERANCES[loosest]
    atol = max(atol, atol_floor)
    if np.array_equal(np.isnan(a64), np.isnan(e64)) and np.allclose(a64, e64, rtol, atol, equal_nan=True):
        return None
    return f"values\n  minigrad {a!r}\n  torch    {e!r}"


def _magnitude(tensors: dict) -> float:
    """The sum of |x| over every finite float element in scope (0 if that overflows: then the
    comparison stays strict)."""
    with np.errstate(over="ignore", invalid="ignore"):
        total = float(sum(np.abs(v[4][np.isfinite(v[4])].astype(np.float64)).sum()
                          for v in tensors.values() if v is not None and v[0] in TOLERANCES))
    return total if math.isfinite(total) else 0.0


def _error_name(e: BaseException | None) -> str:
    return "no error" if e is None else f"{type(e).__module__}.{type(e).__name__}: {e}"


def _compare_outcome(m: Outcome, t: Outcome) -> str | None:
    if (m.error is None) != (t.error is None):
        return f"minigrad: {_error_name(m.error)}\ntorch:    {_error_name(t.error)}"
    if m.error is not None:
        if type(m.error).__module__.startswith("numpy") or type(m.error).__name__ != type(t.error).__name__:
            return f"exception class\nminigrad: {_error_name(m.error)}\ntorch:    {_error_name(t.error)}"
    numpy_warnings = [w for w in m.warnings if "numpy" in str(w.filename) or issubclass(
        w.category, RuntimeWarning)]
    if numpy_warnings:
        return f"minigrad warned: {numpy_warnings[0].category.__name__}: {numpy_warnings[0].message}"
    m_cats = sorted({w.category.__name__ for w in m.warnings})
    t_cats = sorted({w.category.__name__ for w in t.warnings})
    if m_cats != t_cats:
        return (f"warnings\nminigrad: {[str(w.message) for w in m.warnings]}\n"
                f"torch:    {[str(w.message) for w in t.warnings]}")
    if sorted(m.tensors) != sorted(t.tensors):
        return f"names in scope: minigrad {sorted(m.tensors)}, torch {sorted(t.tensors)}"
    floats = [tv[0] for tv in t.tensors.values() if tv is not None and tv[0] in TOLERANCES]
    loosest = max(floats, key=lambda d: TOLERANCES[d], default="float64")
    for name, tv in t.tensors.items():
        mv = m.tensors[name]
        if (mv is None) != (tv is None):
            what = {True: "None", False: "a tensor"}
            return f"{name}: minigrad {what[mv is None]}, torch {what[tv is None]}"
        if tv is None:
            continue
        for label, i in [("dtype", 0), ("shape", 1), ("requires_grad", 2), ("is_leaf", 3)]:
            if mv[i] != tv[i]:
                return f"{name}.{label}: minigrad {mv[i]!r}, torch {tv[i]!r}"
        # ``loss`` sums every result: 1e38 + 0.25 - 1e38 is 0 or 0.25 by summation order (float64's
        # ulp at 1e38 is 1e22): its rounding is within n * eps64 (n < 50 terms) of the terms' magnitude
        floor = 1e-14 * _magnitude(t.tensors) if name == "loss" else 0.0
        diff = _values_differ(tv[0], mv[4], tv[4], loosest, floor)
        if diff:
            return f"{name} {diff}"
    return None


def first_disagreement(prog: Program) -> tuple[int, str] | None:
    """Run ``prog`` in minigrad and torch: (index of the first statement where they disagree, what
    differs), or None when they agree throughout."""
    import torch

    import minigrad
    mg, th = run_program(prog, minigrad), run_program(prog, torch)
    for k, (m, t) in enumerate(zip(mg, th, strict=True)):
        diff = _compare_outcome(m, t)
        if diff is not None:
            return k, diff
    return None


def compare_programs(prog: Program) -> str | None:
    """Run ``prog`` in minigrad and torch; None when they agree, else a report: the statement,
    both engines' outcomes, and the program as runnable source with that statement marked."""
    found = first_disagreement(prog)
    if found is None:
        return None
    k, diff = found
    lines = [s + ("  # <-- disagrees" if i == k else "") for i, s in enumerate(prog.statements)]
    return (f"statement {k + 1} ({prog.forms[k] if k < len(prog.forms) else '?'}) disagrees: "
            f"{prog.statements[k]}\n{diff}\n\nprogram (swap in `import minigrad as T` to run it "
            f"in minigrad):\n" + HEADER + "\n" + "\n".join(lines))


def fuzz(n: int, seed: int = 0, forms: tuple[str, ...] | None = None) -> tuple[int, dict]:
    """Draw ``n`` programs (hypothesis, seeded) and compare each: (number that disagree, form of
    the first disagreeing statement -> list of reports)."""
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as hseed

    found: dict[str, list[str]] = {}

    @hseed(seed)
    @settings(max_examples=n, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(programs(forms=forms))
    def run(prog: Program) -> None:
        report = compare_programs(prog)
        if report is not None:
            form = report.split("(", 1)[1].split(") disagrees", 1)[0]
            found.setdefault(form, []).append(report)

    run()
    return sum(len(v) for v in found.values()), found


def main(argv: list[str] | None = None) -> None:
    """``python -m minigrad.testing.programs -n 2000 --seed 1 [--all-forms] [--show K]``: the
    disagreement rate over n programs, by op form, with K example reports per form."""
    import argparse
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("-n", type=int, default=500)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--all-forms", action="store_true", help="EXTRA_FORMS too")
    parser.add_argument("--show", type=int, default=0)
    args = parser.parse_args(argv)
    bad, found = fuzz(args.n, args.seed, tuple(FORMS) if args.all_forms else None)
    print(f"{bad} of {args.n} programs disagree with torch ({100 * bad / args.n:.1f} %)")
    for form, reports in sorted(found.items(), key=lambda kv: -len(kv[1])):
        print(f"{len(reports):5d}  {form}")
        for r in reports[:args.show]:
            print("        " + r.replace("\n", "\n        "))


if __name__ == "__main__":
    main()
