"""``Tensor``: a numpy array plus what autograd needs to know about it.

* ``_array``      the values (a numpy array; views share it, like torch's storage)
* ``grad_fn``     the graph node that produced it (None for leaves: tensors made by the user)
* ``requires_grad`` whether gradients should flow to it; ``grad`` where a leaf's gradient lands
* ``_vc``         version counter, bumped by every in-place change, so that backward can refuse
                  to use a saved tensor that was modified after it was saved

The math lives in ``minigrad.ops``; each op is a ``Function`` with its forward and backward side
by side.  Most Tensor methods are those ops attached at the bottom of this file.
"""
from __future__ import annotations

import math
import operator
import warnings
from typing import Any, Callable, Iterator

import numpy as np

from . import _dtype
from ._dtype import dtype as DType
from .autograd.grad_mode import GradMode


class Size(tuple):
    """A tensor's shape: a tuple that prints like ``torch.Size([2, 3])``."""

    def __repr__(self) -> str:
        return f"{_dtype.DISPLAY_NAME[0]}.Size({list(self)})"

    def numel(self) -> int:
        return math.prod(self)

    # the tuple operations that make a new shape give a Size, as torch's do
    def __getitem__(self, index: Any) -> Any:
        out = tuple.__getitem__(self, index)
        return Size(out) if isinstance(index, slice) else out

    def __add__(self, other: Any) -> "Size":
        return Size(tuple(self) + other) if isinstance(other, tuple) else NotImplemented

    def __radd__(self, other: Any) -> "Size":
        return Size(other + tuple(self)) if isinstance(other, tuple) else NotImplemented

    def __mul__(self, n: Any) -> "Size":
        return Size(tuple(self) * n)

    __rmul__ = __mul__


# The device types torch's ``device`` accepts (its error message lists them in this order).
_DEVICE_TYPES = ("cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip", "ve", "fpga",
                 "maia", "xla", "lazy", "vulkan", "mps", "meta", "hpu", "mtia", "privateuseone")


class device:
    """A device name as torch spells it: ``device('cuda:0')``, ``device('cuda', 0)``,
    ``device(type='cpu')``.  Any of torch's device types can be named (so code that picks
    ``'cuda' if torch.cuda.is_available() else 'cpu'`` runs), but tensors live on the CPU only:
    moving one anywhere else raises the error torch's CPU build raises (see ``_require_cpu``)."""

    __slots__ = ("type", "index")

    def __init__(self, type: "str | device | int" = "cpu", index: int | None = None) -> None:
        if isinstance(type, device):
            self.type, self.index = type.type, type.index
            return
        if isinstance(type, int) and not isinstance(type, bool):  # a bare index means the accelerator
            raise RuntimeError("Cannot access accelerator device when none is available.")
        if not isinstance(type, str):
            raise TypeError(f"device() received an invalid combination of arguments - got "
                            f"({type.__class__.__name__}), but expected one of: (str type, int index)")
        name, colon, number = type.partition(":")
        if name not in _DEVICE_TYPES:
            if name.strip() != name or not name:
                raise RuntimeError(f"Invalid device string: '{type}'")
            raise RuntimeError(f"Expected one of {', '.join(_DEVICE_TYPES)} device type at start of "
                               f"device string: {type}")
        if colon:
            if not number.isdigit() or (len(number) > 1 and number[0] == "0"):
                raise RuntimeError(f"Invalid device string: '{type}'")
            if index is not None:
                raise RuntimeError("type (string) must not include an index because index was passed "
                                   f"explicitly: {type}")
            index = int(number)
        if index is not None:
            if not isinstance(index, int) or isinstance(index, bool):
                raise TypeError(f"device(): argument 'index' (position 2) must be int, not "
                                f"{index.__class__.__name__}")
            if index < 0:
                raise RuntimeError("Device index must not be negative")
        self.type, self.index = name, index

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, device):
            return NotImplemented  # as torch: device('cpu') == 'cpu' is False
        return self.type == other.type and self.index == other.index

    def __hash__(self) -> int:
        return hash((self.type, self.index))

    def __repr__(self) -> str:
        return f"device(type='{self.type}')" if self.index is None else \
            f"device(type='{self.type}', index={self.index})"

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __reduce__(self):
        return (device, (self.type, self.index))


def _require_cpu(where: "str | device | int") -> device:
    """The device ``where`` names, if it is the CPU; otherwise the error torch's CPU-only build
    raises for it (an AssertionError for CUDA and XPU, as torch's own checks are asserts)."""
    d = device(where)
    if d.type == "cpu":
        return d
    if d.type in ("cuda", "xpu"):
        raise AssertionError(f"Torch not compiled with {d.type.upper()} enabled")
    if d.type == "meta":
        raise RuntimeError("minigrad has no meta device: its tensors live on the CPU only")
    raise RuntimeError(f"PyTorch is not linked with support for {d.type} devices")


_CPU = device("cpu")
# ``object.__new__`` looked up once: reading it from ``object`` builds a new bound method each time,
# and every op makes a Tensor (and a graph node with this, in autograd.function)
new_object = object.__new__


def _check_requires_grad(array: np.ndarray, flag: bool) -> None:
    if flag and array.dtype.kind != "f":
        raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients "
                           f"(got {_dtype.from_numpy_dtype(array.dtype)})")


class _RemovableHandle:
    def __init__(self, hooks: list, hook: Callable) -> None:
        self._hooks, self._hook = hooks, hook

    def remove(self) -> None:
        if self._hook in self._hooks:
            self._hooks.remove(self._hook)


class Tensor:
    """An n-dimensional array that can record the operations applied to it."""

    __slots__ = ("_array", "_requires_grad", "_grad", "grad_fn", "_output_nr", "_vc", "_base",
                 "_hooks", "__weakref__")
    __array_priority__ = 1000  # numpy defers `ndarray + tensor` to Tensor.__radd__
    _next = ()                 # a leaf is the end of every path through the graph
    _n_outputs = 1             # as a graph target, a leaf has one gradient slot

    def __init__(self, *args: Any, requires_grad: bool = False) -> None:
        """Legacy constructor ``torch.Tensor``: ``Tensor(data)`` makes a default-dtype tensor from
        data, ``Tensor(2, 3)`` an uninitialised one of that size.  Prefer ``minigrad.tensor``."""
        if len(args) == 1 and not isinstance(args[0], (int, np.integer)):
            data = args[0]
            array = np.array(data._array if isinstance(data, Tensor) else data,
                             dtype=_dtype.get_default_dtype().np)
        else:
            array = np.empty(_size(args), dtype=_dtype.get_default_dtype().np)
        self._init(array, requires_grad)

    def _init(self, array: np.ndarray, requires_grad: bool) -> None:
        self._array = array
        self._requires_grad = requires_grad
        self._grad = None
        self.grad_fn = None
        self._output_nr = 0
        self._vc = [0]
        self._base = None
        self._hooks = None

    @staticmethod
    def _make(array: np.ndarray, requires_grad: bool = False) -> "Tensor":
        """Wrap an ndarray without copying (the engine's internal constructor).  A numpy scalar,
        which numpy returns instead of a 0-d array from math on 0-d arrays, becomes a 0-d array:
        a tensor's storage must be writable in place."""
        if type(array) is not np.ndarray:
            array = np.asarray(array)
        t = new_object(Tensor)  # _init's body, inlined: this runs for every op's output
        t._array = array
        t._requires_grad = requires_grad
        t._grad = t.grad_fn = t._base = t._hooks = None
        t._output_nr = 0
        t._vc = [0]
        return t

    # ----- attributes ---------------------------------------------------------------------------
    @property
    def requires_grad(self) -> bool:
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, flag: bool) -> None:
        if self.grad_fn is not None and not flag:
            raise RuntimeError("you can only change requires_grad flags of leaf variables. If you want "
                               "to use a computed variable in a subgraph that doesn't require "
                               "differentiation use var_no_grad = var.detach().")
        _check_requires_grad(self._array, flag)
        self._requires_grad = bool(flag)

    @property
    def grad(self) -> "Tensor | None":
        """A leaf's accumulated gradient (or a non-leaf's, after ``retain_grad()``)."""
        grad = self._grad
        if grad is None and self.grad_fn is not None and not self.retains_grad:
            warnings.warn(_NON_LEAF_GRAD_WARNING, UserWarning, stacklevel=2)
        return grad

    @grad.setter
    def grad(self, grad: "Tensor | None") -> None:
        if grad is not None:  # torch's checks, in its order
            if not isinstance(grad, Tensor):
                raise TypeError(f"assigned grad expected to be a Tensor or None but got grad of type "
                                f"{type(grad).__name__}")
            if grad is self:
                raise RuntimeError("can't assign Variable as its own grad")
            if grad._array.dtype != self._array.dtype:
                from .ops._util import C_TYPE
                raise RuntimeError(
                    f"attempting to assign a gradient with dtype '{C_TYPE[grad._array.dtype.name]}' to a "
                    f"tensor with grad_dtype '{_SCALAR_TYPE[self._array.dtype.name]}'. The gradient must "
                    "match the tensor's grad_dtype (defaults to the tensor's dtype). You can set the "
                    "tensor's grad_dtype attribute with a specific dtype, or None to allow any dtype. Set "
                    "grad_dtype with caution. Diverging the dtypes of a tensor and its gradient may break "
                    "downstream systems that assume they match.")
            if grad._array.shape != self._array.shape:
                raise RuntimeError(f"attempting to assign a gradient of size '{list(grad._array.shape)}' to "
                                   f"a tensor of size '{list(self._array.shape)}'. Please ensure that the "
                                   "gradient and the tensor are the same size")
        self._grad = grad

    def requires_grad_(self, requires_grad: bool = True) -> "Tensor":
        self.requires_grad = requires_grad
        return self

    @property
    def is_leaf(self) -> bool:
        return self.grad_fn is None

    @property
    def data(self) -> "Tensor":
        """The same storage, cut out of the graph (and, as in torch, not version-tracked)."""
        return Tensor._make(self._array)

    @data.setter
    def data(self, value: "Tensor") -> None:
        self._array = value._array if isinstance(value, Tensor) else np.asarray(value)

    @property
    def shape(self) -> Size:
        return Size(self._array.shape)

    def size(self, dim: int | None = None) -> Size | int:
        if dim is None:
            return Size(self._array.shape)
        return self._array.shape[_wrap_dim(dim, self._array.ndim)]

    @property
    def ndim(self) -> int:
        return self._array.ndim

    def dim(self) -> int:
        return self._array.ndim

    def numel(self) -> int:
        return self._array.size

    nelement = numel

    def element_size(self) -> int:
        return self._array.itemsize

    ndimension = dim

    @property
    def itemsize(self) -> int:
        """Bytes per element (``element_size()``)."""
        return self._array.itemsize

    @property
    def nbytes(self) -> int:
        """Bytes of the elements: ``numel() * itemsize``."""
        return self._array.size * self._array.itemsize

    def is_complex(self) -> bool:
        return False  # minigrad has no complex dtypes

    def is_signed(self) -> bool:
        return self.dtype.is_signed

    def is_nonzero(self) -> bool:
        from ._utilities import is_nonzero
        return is_nonzero(self)

    def is_same_size(self, other: "Tensor") -> bool:
        return self._array.shape == other._array.shape

    def data_ptr(self) -> int:
        """The address of the first element (views of one storage differ by their offset)."""
        return self._array.__array_interface__["data"][0]

    @property
    def dtype(self) -> DType:
        return _dtype._FROM_NP[self._array.dtype]

    @property
    def device(self) -> device:
        return _CPU

    @property
    def is_cuda(self) -> bool:
        return False

    def is_floating_point(self) -> bool:
        return self._array.dtype.kind == "f"

    def is_contiguous(self) -> bool:
        return bool(self._array.flags.c_contiguous)

    def stride(self, dim: int | None = None) -> tuple[int, ...] | int:
        """Steps in elements (not bytes) between neighbours along each dimension."""
        steps = tuple(s // self._array.itemsize for s in self._array.strides)
        if self._array.size == 0:  # nothing is stored: torch reports the contiguous layout
            steps = tuple(int(np.prod(self._array.shape[i + 1:])) for i in range(self._array.ndim))
        return steps if dim is None else steps[_wrap_dim(dim, self._array.ndim)]

    def storage_offset(self) -> int:
        """Where this view starts in the storage it shares, in elements."""
        root = self._array
        while isinstance(root.base, np.ndarray):
            root = root.base
        start = self._array.__array_interface__["data"][0] - root.__array_interface__["data"][0]
        return start // self._array.itemsize

    @property
    def _version(self) -> int:
        return self._vc[0]

    @property
    def T(self) -> "Tensor":
        """The dims reversed; meant for matrices (torch warns for other ranks)."""
        n = self._array.ndim
        if n == 0:
            warnings.warn("Tensor.T is deprecated on 0-D tensors. This function is the identity in these "
                          "cases.", UserWarning, stacklevel=2)
        elif n != 2:
            warnings.warn("The use of `x.T` on tensors of dimension other than 2 to reverse their shape is "
                          "deprecated and it will throw an error in a future release. Consider `x.mT` to "
                          "transpose batches of matrices or `x.permute(*"
                          f"{_dtype.DISPLAY_NAME[0]}.arange(x.ndim - 1, -1, -1))` to reverse the dimensions "
                          "of a tensor.", UserWarning, stacklevel=2)
        return self.permute(tuple(range(n - 1, -1, -1)))

    @property
    def mT(self) -> "Tensor":
        """The last two dims swapped (a batch of matrices transposed)."""
        return self._matrix_transpose("mT", "This function is the identity in these cases.")

    @property
    def mH(self) -> "Tensor":
        """The conjugate transpose of a batch of matrices: for real tensors, ``mT``."""
        return self._matrix_transpose("mH", "Consider using x.conj().")

    @property
    def H(self) -> "Tensor":
        """The conjugate transpose of a matrix: for real tensors, ``T`` (2-D only)."""
        n = self._array.ndim
        if n == 0:
            warnings.warn("Tensor.H is deprecated on 0-D tensors. Consider using x.conj().", UserWarning,
                          stacklevel=2)
            return self  # torch returns the tensor itself (T, by contrast, is a view)
        if n != 2:
            raise RuntimeError(f"tensor.H is only supported on matrices (2-D tensors). Got {n}-D tensor."
                               + (" For batches of matrices, consider using tensor.mH" if n > 2 else ""))
        return self.transpose(0, 1)

    def _matrix_transpose(self, name: str, hint: str) -> "Tensor":
        n = self._array.ndim
        if n == 0:
            warnings.warn(f"Tensor.{name} is deprecated on 0-D tensors. {hint}", UserWarning, stacklevel=3)
            return self  # torch returns the tensor itself (T, by contrast, is a view)
        if n == 1:
            raise RuntimeError(f"tensor.{name} is only supported on matrices or batches of matrices. Got 1-D "
                               "tensor.")
        return self.transpose(-2, -1)

    @property
    def retains_grad(self) -> bool:
        node = self.grad_fn
        return bool(node is not None and node._retained and self._output_nr in node._retained)

    # ----- conversion -----------------------------------------------------------------------------
    def item(self) -> float | int | bool:
        if self._array.size != 1:
            raise RuntimeError(f"a Tensor with {self._array.size} elements cannot be converted to Scalar")
        return self._array.item()

    def tolist(self) -> Any:
        return self._array.tolist()

    def numpy(self, *, force: bool = False) -> np.ndarray:
        if self._requires_grad and not force:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. "
                               "Use tensor.detach().numpy() instead.")
        return self._array

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> np.ndarray:
        return self._array if dtype is None else self._array.astype(dtype)

    def __bool__(self) -> bool:
        if self._array.size != 1:
            what = "no values" if self._array.size == 0 else "more than one value"
            raise RuntimeError(f"Boolean value of Tensor with {what} is ambiguous")
        return bool(self._array.item())

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __index__(self) -> int:
        if self._array.dtype.kind not in "iub" or self._array.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self._array.item())

    def __len__(self) -> int:
        if self._array.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._array.shape[0]

    def __iter__(self) -> Iterator["Tensor"]:
        if self._array.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self._array.shape[0]))

    # Tensors hash by identity (``__eq__`` is elementwise).  object's C-level hash, not a Python
    # ``def __hash__``: the engine keys dicts and sets by tensors on every backward.
    __hash__ = object.__hash__

    def __repr__(self) -> str:
        from ._format import format_tensor
        return format_tensor(self)

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        if self._array.ndim == 0:
            return self._array.item().__format__(spec)
        return repr(self)

    def __reduce_ex__(self, protocol: int) -> tuple:
        return (_rebuild, (self._array, self._requires_grad))

    def __deepcopy__(self, memo: dict) -> "Tensor":
        if self.grad_fn is not None:
            raise RuntimeError("Only Tensors created explicitly by the user (graph leaves) support "
                               "the deepcopy protocol at the moment")
        new = type(self).__new__(type(self))
        new._init(self._array.copy(), self._requires_grad)
        if self.grad is not None:
            new.grad = self.grad.__deepcopy__(memo)
        memo[id(self)] = new
        return new

    def type(self, dtype: Any = None) -> "str | Tensor":
        """Without argument the type name (``'minigrad.FloatTensor'``); else a cast."""
        if dtype is None:
            return f"{_dtype.DISPLAY_NAME[0]}.{_TYPE_NAMES[self.dtype.name]}"
        if isinstance(dtype, str):
            dtype = _TENSOR_TYPES[dtype.split(".")[-1]].dtype
        elif isinstance(dtype, TensorType):
            dtype = dtype.dtype
        return self.to(dtype)

    def to(self, *args: Any, **kwargs: Any) -> "Tensor":
        """``to(dtype)``, ``to(device)``, ``to(device, dtype)`` or ``to(other)``; copies only if needed."""
        target = kwargs.get("dtype")
        for a in args + tuple(v for k, v in kwargs.items() if k == "device"):
            if isinstance(a, Tensor):
                target = a.dtype
            elif isinstance(a, (str, device)):
                _require_cpu(a)  # raises for anything but the CPU
            elif a is not None:
                target = a
        if target is None:
            return self
        target = _dtype.as_dtype(target)
        if target.np == self._array.dtype:
            return self
        from .ops.pointwise import Cast
        return Cast.apply(self, target)

    def float(self) -> "Tensor":
        return self.to(_dtype.float32)

    def double(self) -> "Tensor":
        return self.to(_dtype.float64)

    def half(self) -> "Tensor":
        return self.to(_dtype.float16)

    def long(self) -> "Tensor":
        return self.to(_dtype.int64)

    def short(self) -> "Tensor":
        return self.to(_dtype.int16)

    def char(self) -> "Tensor":
        return self.to(_dtype.int8)

    def byte(self) -> "Tensor":
        return self.to(_dtype.uint8)

    def int(self) -> "Tensor":
        return self.to(_dtype.int32)

    def bool(self) -> "Tensor":
        return self.to(_dtype.bool_)

    def cpu(self) -> "Tensor":
        return self

    def cuda(self, device: Any = None, non_blocking: bool = False, **kwargs: Any) -> "Tensor":
        """As in torch's CPU build: always an error (minigrad, too, has no CUDA device)."""
        _require_cpu("cuda" if device is None else device)
        raise AssertionError("Torch not compiled with CUDA enabled")

    # ----- autograd -------------------------------------------------------------------------------
    def backward(self, gradient: "Tensor | None" = None, retain_graph: bool | None = None,
                 create_graph: bool = False, inputs: Any = None) -> None:
        """Accumulate d(self)/d(leaf) into every leaf's ``.grad`` (``gradient`` weights a non-scalar)."""
        _autograd.backward(self, gradient, retain_graph, create_graph, inputs=inputs)

    def detach(self) -> "Tensor":
        """A tensor sharing storage and version counter, cut from the graph."""
        t = Tensor._make(self._array)
        t._vc = self._vc
        return t

    def detach_(self) -> "Tensor":
        self.grad_fn, self._requires_grad = None, False
        return self

    def retain_grad(self) -> None:
        """Keep this non-leaf tensor's gradient in ``.grad`` after backward."""
        if not self._requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self.grad_fn is not None:
            from .autograd.engine import register_retain
            register_retain(self)

    def register_hook(self, hook: Callable[["Tensor"], "Tensor | None"]) -> _RemovableHandle:
        """Call ``hook(grad)`` when this tensor's gradient is computed; it may return a new one."""
        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self.grad_fn is None:
            if self._hooks is None:
                self._hooks = []
            hooks = self._hooks
        else:
            node = self.grad_fn
            if node._hooks is None:
                node._hooks = {}
            hooks = node._hooks.setdefault(self._output_nr, [])
        hooks.append(hook)
        return _RemovableHandle(hooks, hook)

    # ----- in-place ops ---------------------------------------------------------------------------
    def _check_inplace(self) -> None:
        """torch's rule: with grad mode on, a leaf that requires grad (or a view of one) may not be
        modified in place, because its old value is what its gradient is about."""
        if not GradMode.enabled:
            return
        if self._requires_grad and self.grad_fn is None:
            raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")
        base = self._base and self._base[0]
        if base is not None and base._requires_grad and base.grad_fn is None:
            raise RuntimeError("a view of a leaf Variable that requires grad is being used in an "
                               "in-place operation.")

    def _inplace(self, fn: Callable[..., "Tensor"], *args: Any, **kwargs: Any) -> "Tensor":
        """Compute ``fn(self, *args)`` and store it in this tensor's own storage (``x.op_()``).

        When the graph is recorded, the op is applied to a snapshot that takes over this tensor's
        old history, and this tensor becomes the op's output: later gradients flow through it."""
        tracked = GradMode.enabled and (
            self._requires_grad or any(isinstance(a, Tensor) and a._requires_grad for a in args))
        if tracked and len(self._base or ()) > 2:  # an output of split & co: torch refuses first
            raise RuntimeError(_multi_output_view_message(self, "is being"))
        self._check_inplace()
        if not self._array.flags.writeable and _overlaps_itself(self._array):  # (torch: before all else)
            raise RuntimeError(_INTERNAL_OVERLAP)
        for a in args:
            if isinstance(a, Tensor) and a._array is not self._array and (
                    a._array.base is not None or self._array.base is not None):
                _check_overlap(self, a, fn)
            if (isinstance(a, Tensor) and a._array.shape != self._array.shape
                    and getattr(fn, "__name__", "") in _ELEMENTWISE):
                from .ops._util import broadcast_shapes
                broadcast_shapes(self._array.shape, a._array.shape)  # torch: before a dtype refusal
        if tracked and self._base is not None:
            return self._inplace_on_view(fn, *args, **kwargs)
        if tracked:
            old = Tensor._make(self._array.copy(), self._requires_grad)
            old.grad_fn, old._output_nr = self.grad_fn, self._output_nr
            result = fn(old, *args, **kwargs)
        else:
            result = fn(self, *args, **kwargs)
        self._write(result._array if isinstance(result, Tensor) else np.asarray(result))
        if tracked:
            self.grad_fn, self._output_nr, self._requires_grad = (
                result.grad_fn, result._output_nr, result._requires_grad)
            _adopt_saved_output(result, self)
            from .ops.shape import refresh_views
            refresh_views(self)  # its views now show the op too
        return self

    def _inplace_on_view(self, fn: Callable[..., "Tensor"], *args: Any, **kwargs: Any) -> "Tensor":
        """An in-place op on a view changes the tensor it views as well, so that tensor's history
        must record it too (torch's CopySlices): base := base with the view's part replaced by
        ``fn(view)``; the view is then re-derived from the new base."""
        base, view_fn = self._base
        if view_fn is None:
            if self._array.size == 0:  # nothing to write (an empty part of an expanded tensor)
                return self
            raise RuntimeError(_INTERNAL_OVERLAP)
        old_base = Tensor._make(base._array.copy(), base._requires_grad)
        old_base.grad_fn, old_base._output_nr = base.grad_fn, base._output_nr
        result = fn(view_fn(old_base), *args, **kwargs)
        self._write(result._array)  # the storage is shared: this writes into the base too
        _adopt_saved_output(result, self)
        from .ops.shape import ViewScatter
        new_base = ViewScatter.apply(old_base, result.to(self.dtype), view_fn)
        base.grad_fn, base._output_nr, base._requires_grad = (
            new_base.grad_fn, new_base._output_nr, new_base._requires_grad)
        new_view = view_fn(new_base)
        self.grad_fn, self._output_nr, self._requires_grad = (
            new_view.grad_fn, new_view._output_nr, new_view._requires_grad)
        from .ops.shape import refresh_views
        refresh_views(base, self)  # the base's other views show the write too
        return self

    def _write(self, values: np.ndarray) -> None:
        """Copy ``values`` into this tensor's storage (torch's casting and shape rules)."""
        if values.shape != self._array.shape:
            try:
                values = np.broadcast_to(values, self._array.shape)
            except ValueError:
                raise RuntimeError(f"output with shape {list(self._array.shape)} doesn't match the "
                                   f"broadcast shape {list(values.shape)}") from None
        if values.dtype != self._array.dtype and not _can_cast(values.dtype, self._array.dtype):
            raise RuntimeError(f"result type {_SCALAR_TYPE[values.dtype.name]} can't be cast to the "
                               f"desired output type {_SCALAR_TYPE[self._array.dtype.name]}")
        target = self._array
        if not target.flags.writeable:  # a view of an expanded tensor: fine if no element repeats
            if _overlaps_itself(target):
                raise RuntimeError(_INTERNAL_OVERLAP)
            target = _writeable_alias(target)
        np.copyto(target, values, casting="unsafe")
        vc = self._vc
        vc[0] += 1
        if len(vc) > 1:  # the storage has views made by split & co: their graph is now unusable
            for ref in vc.pop():
                view = ref()
                if view is not None:
                    view.__class__ = _StaleView

    def add_(self, other: Any, *, alpha: Any = 1) -> "Tensor":
        return self._inplace(_ops.add, other, alpha=alpha)

    def sub_(self, other: Any, *, alpha: Any = 1) -> "Tensor":
        return self._inplace(_ops.sub, other, alpha=alpha)

    def mul_(self, other: Any) -> "Tensor":
        return self._inplace(_ops.mul, other)

    def div_(self, other: Any, *, rounding_mode: str | None = None) -> "Tensor":
        return self._inplace(_ops.div, other, rounding_mode=rounding_mode)

    def pow_(self, exponent: Any) -> "Tensor":
        return self._inplace(_ops.pow, exponent)

    def clamp_(self, min: Any = None, max: Any = None) -> "Tensor":
        return self._inplace(_ops.clamp, min, max)

    clip_ = clamp_

    def masked_fill_(self, mask: "Tensor", value: Any) -> "Tensor":
        if isinstance(mask, Tensor):  # (in place, torch names self's size first)
            _ops._util.broadcast_shapes(self._array.shape, mask._array.shape)
        return self._inplace(_ops.masked_fill, mask, value)

    def neg_(self) -> "Tensor":
        return self._inplace(_ops.neg)

    def exp_(self) -> "Tensor":
        return self._inplace(_ops.exp)

    def relu_(self) -> "Tensor":
        return self._inplace(_ops.relu)

    def sigmoid_(self) -> "Tensor":
        return self._inplace(_ops.sigmoid)

    def tanh_(self) -> "Tensor":
        return self._inplace(_ops.tanh)

    def tril_(self, diagonal: int = 0) -> "Tensor":
        return self._inplace(_ops.tril, diagonal)

    def triu_(self, diagonal: int = 0) -> "Tensor":
        return self._inplace(_ops.triu, diagonal)

    # methods that take their dims as varargs too (x.flip(0, 1)), where the functions want a tuple
    def flip(self, *dims: Any) -> "Tensor":
        if not dims:
            raise TypeError("flip() missing 1 required positional arguments: \"dims\"")
        return _ops.flip(self, tuple(dims[0]) if len(dims) == 1 and isinstance(dims[0], (tuple, list))
                         else dims)

    def tile(self, *dims: Any) -> "Tensor":
        return _ops.tile(self, tuple(dims[0]) if len(dims) == 1 and isinstance(dims[0], (tuple, list))
                         else dims)

    def repeat(self, *repeats: Any) -> "Tensor":
        """This tensor tiled ``repeats[i]`` times along dim i (a method only, as in torch)."""
        return _ops.shape.repeat(self, *repeats)

    def where(self, condition: "Tensor", y: Any) -> "Tensor":
        """``torch.where(condition, self, y)`` (a method only in this argument order, as in torch)."""
        return _ops.where(condition, self, y)

    def sum_to_size(self, *size: Any) -> "Tensor":
        """Summed over the dims that broadcasting ``size`` to this shape would stretch or add: the
        reverse of ``expand`` (a method only, as in torch)."""
        shape = _size(size)
        try:
            ok = np.broadcast_shapes(shape, self._array.shape) == self._array.shape
        except ValueError:
            ok = False
        if not ok:
            raise RuntimeError(f"size {{{list(shape)}}} is not expandable to size "
                               f"{{{list(self._array.shape)}}}.")
        if shape == ():  # torch: a plain full sum (a new tensor even for a 0-d one)
            return _ops.sum(self)
        return _ops.shape.sum_to(self, shape)

    def copy_(self, src: Any) -> "Tensor":
        from .ops._util import check_broadcast_to
        from .ops.shape import Copy
        src = src if isinstance(src, Tensor) else Tensor._make(np.asarray(src))
        check_broadcast_to(src._array.shape, self._array.shape)
        return self._inplace(Copy.apply, src)

    def fill_(self, value: Any) -> "Tensor":
        if isinstance(value, Tensor):
            if value._array.ndim:
                raise RuntimeError("fill_ only supports 0-dimension value tensor but got tensor with "
                                   f"{value._array.ndim} dimensions.")
            return self._overwrite(value, "FillBackward3")
        _check_converts(value, self._array.dtype)
        return self._overwrite(np.asarray(value), "FillBackward2")

    def zero_(self) -> "Tensor":
        return self._overwrite(np.zeros((), self._array.dtype), "ZeroBackward0")

    def _overwrite(self, value: "np.ndarray | Tensor", node_name: str) -> "Tensor":
        """Replace every element by ``value`` (fill_, zero_, uniform_, ...).  Recorded, as torch
        does, as a node named ``node_name`` that gives the old values a zero gradient."""
        from .ops.shape import Overwrite
        return self._inplace(Overwrite.apply, value, node_name)

    # The random fills below draw in the order torch visits this tensor's memory (random.fill_values)
    def uniform_(self, a: float = 0.0, b: float = 1.0, *, generator: Any = None) -> "Tensor":
        from . import random
        return self._overwrite(random.fill_values(self._array, random.uniform_array, a, b,
                                                  generator=generator), "UniformBackward0")

    def normal_(self, mean: float = 0.0, std: float = 1.0, *, generator: Any = None) -> "Tensor":
        from . import random
        return self._overwrite(random.normal_fill(self._array, mean, std, generator), "NormalBackward0")

    def random_(self, from_: int = 0, to: int | None = None, *, generator: Any = None) -> "Tensor":
        from . import random
        if to is None and from_ == 0:
            return self._overwrite(random.fill_values(self._array, random.random_array, generator=generator),
                                   "RandomBackward2")
        name = "RandomBackward1" if to is None else "RandomBackward0"  # torch's overloads: (to), (from, to)
        if to is None:
            from_, to = 0, from_

        def kernel(shape: tuple, dtype: Any, g: Any) -> np.ndarray:
            return random.randint_array(from_, to, shape, dtype, g)
        return self._overwrite(random.fill_values(self._array, kernel, generator=generator), name)

    def bernoulli_(self, p: "float | Tensor" = 0.5, *, generator: Any = None) -> "Tensor":
        """Fill with 0/1 draws: ``p`` a float, or a tensor of probabilities broadcast to self."""
        from . import random
        name = "BernoulliBackward1" if isinstance(p, Tensor) else "BernoulliBackward2"
        p = p._array if isinstance(p, Tensor) else p
        return self._overwrite(random.bernoulli_fill(self._array, p, generator), name)

    def bernoulli(self, p: float | None = None, *, generator: Any = None) -> "Tensor":
        from . import random
        return random.bernoulli(self, p, generator=generator)

    def multinomial(self, num_samples: int, replacement: bool = False, *,
                    generator: Any = None) -> "Tensor":
        from . import random
        return random.multinomial(self, num_samples, replacement, generator=generator)

    def exponential_(self, lambd: float = 1.0, *, generator: Any = None) -> "Tensor":
        from . import random
        return self._overwrite(random.fill_values(self._array, random.exponential_array, lambd,
                                                  generator=generator), "ExponentialBackward0")

    def geometric_(self, p: float, *, generator: Any = None) -> "Tensor":
        from . import random
        return self._overwrite(random.fill_values(self._array, random.geometric_array, p,
                                                  generator=generator), "GeometricBackward0")

    def cauchy_(self, median: float = 0.0, sigma: float = 1.0, *, generator: Any = None) -> "Tensor":
        from . import random
        return self._overwrite(random.fill_values(self._array, random.cauchy_array, median, sigma,
                                                  generator=generator), "CauchyBackward0")

    def log_normal_(self, mean: float = 1.0, std: float = 2.0, *, generator: Any = None) -> "Tensor":
        from . import random
        return self._overwrite(random.fill_values(self._array, random.log_normal_array, mean, std,
                                                  generator=generator), "LogNormalBackward0")

    def __setitem__(self, key: Any, value: Any) -> None:
        from .ops.indexing import index_put, setitem_value, strip_leading_ones
        if _is_whole(key):  # x[:] = v, x[...] = v: torch writes into x itself, with fill_ or copy_
            value = setitem_value(self, value)
            if value._array.ndim == 0 and value._array.shape != self._array.shape:
                self.fill_(value)
            else:
                self.copy_(strip_leading_ones(value).expand(self._array.shape))
            return
        if isinstance(value, Tensor) and (value._array.base is not None or value._array is self._array):
            if _is_index_put(key):  # torch's index_put_ refuses any overlap, even of the same elements
                _check_overlap(self, value, None, full_ok=False)
            else:  # a copy into the view x[key]
                _check_overlap(self[key], value, None, copy=True)
        try:
            self._inplace(index_put, key, value)
        except RuntimeError as e:
            if _is_index_put(key):
                raise
            # torch first takes the view x[key] (index errors) and checks the value against it, then
            # refuses to write into it (a view now, even of x itself)
            with _autograd.no_grad():
                index_put(self.detach(), key, value)
            if str(e).startswith("a leaf Variable"):
                raise RuntimeError("a view of " + str(e)) from None
            raise
        if self.grad_fn is not None and self.grad_fn.node_name is None and not _is_index_put(key):
            self.grad_fn.node_name = "torch::autograd::CopySlices"  # torch copies into a view of x

    def __iadd__(self, other: Any) -> "Tensor":
        return self.add_(other)

    def __isub__(self, other: Any) -> "Tensor":
        return self.sub_(other)

    def __imul__(self, other: Any) -> "Tensor":
        return self.mul_(other)

    def __itruediv__(self, other: Any) -> "Tensor":
        return self.div_(other)

    # ----- operators (the ops themselves live in minigrad.ops) -----------------------------------
    def __add__(self, other: Any) -> "Tensor":
        return _ops.add(self, other)

    def __radd__(self, other: Any) -> "Tensor":
        return _ops.add(self, other)  # self first, as torch's (the node's inputs in that order)

    def __sub__(self, other: Any) -> "Tensor":
        return _ops.sub(self, other)

    def __rsub__(self, other: Any) -> "Tensor":
        out = _ops.sub(other, self)
        if out.grad_fn is not None and type(other) in (int, float, bool):
            out.grad_fn.node_name = "RsubBackward1"  # torch's node for number - tensor
        return out

    def __mul__(self, other: Any) -> "Tensor":
        return _ops.mul(self, other)

    def __rmul__(self, other: Any) -> "Tensor":
        return _ops.mul(self, other)  # self first, as torch's (the node's inputs in that order)

    def __truediv__(self, other: Any) -> "Tensor":
        return _ops.div(self, other)

    def __rtruediv__(self, other: Any) -> "Tensor":
        if type(other) in (int, float, bool):  # as torch's Tensor.__rtruediv__: reciprocal * number
            return _ops.reciprocal(self) * other
        return _ops.div(other, self)

    def __floordiv__(self, other: Any) -> "Tensor":
        return _ops.floor_divide(self, other)

    def __rfloordiv__(self, other: Any) -> "Tensor":
        return _ops.floor_divide(other, self)

    def __mod__(self, other: Any) -> "Tensor":
        return _ops.remainder(self, other)

    def __rmod__(self, other: Any) -> "Tensor":
        return _ops.remainder(other, self)

    def __pow__(self, other: Any) -> "Tensor":
        return _ops.pow(self, other)

    def __rpow__(self, other: Any) -> "Tensor":
        return _ops.pow(other, self)

    def __matmul__(self, other: Any) -> "Tensor":
        return _ops.matmul(self, other)

    def __rmatmul__(self, other: Any) -> "Tensor":
        return _ops.matmul(other, self)

    def __neg__(self) -> "Tensor":
        return _ops.neg(self)

    def __pos__(self) -> "Tensor":
        return self

    def __abs__(self) -> "Tensor":
        return _ops.abs(self)

    def __eq__(self, other: Any) -> "Tensor":  # type: ignore[override]
        return False if other is None else _ops.eq(self, other)

    def __ne__(self, other: Any) -> "Tensor":  # type: ignore[override]
        return True if other is None else _ops.ne(self, other)

    def __lt__(self, other: Any) -> "Tensor":
        return _ops.lt(self, other)

    def __le__(self, other: Any) -> "Tensor":
        return _ops.le(self, other)

    def __gt__(self, other: Any) -> "Tensor":
        return _ops.gt(self, other)

    def __ge__(self, other: Any) -> "Tensor":
        return _ops.ge(self, other)

    def __and__(self, other: Any) -> "Tensor":
        return _ops.logical_op(np.bitwise_and, self, other)

    __rand__ = __and__

    def __or__(self, other: Any) -> "Tensor":
        return _ops.logical_op(np.bitwise_or, self, other)

    __ror__ = __or__

    def __xor__(self, other: Any) -> "Tensor":
        return _ops.logical_op(np.bitwise_xor, self, other)

    __rxor__ = __xor__

    def __invert__(self) -> "Tensor":
        if self._array.dtype.kind not in "iub":
            raise TypeError("~ (bitwise_not) is only supported for integer and bool tensors")
        return Tensor._make(np.invert(self._array))

    def __getitem__(self, key: Any) -> "Tensor":
        return _ops.index(self, key)


def _check_converts(value: Any, dtype: np.dtype) -> None:
    """torch's refusal of a Python number that ``dtype`` cannot hold (inf or nan into an integer,
    a finite number beyond the range; an unsigned byte takes -255..255, wrapping)."""
    if dtype.kind == "b" or dtype == np.float64 or isinstance(value, (bool, np.bool_)):
        return
    v = complex(value).real if not isinstance(value, (int, np.integer)) else int(value)
    if dtype.kind == "f":
        bad = math.isfinite(v) and abs(v) > float(np.finfo(dtype).max)
    else:
        info = np.iinfo(dtype)
        low = -info.max if dtype.kind == "u" else info.min
        bad = not math.isfinite(v) or not low <= v <= info.max
    if bad:
        from .ops._util import C_TYPE
        name = {"int64": "int64_t", "int8": "int8_t", "int16": "int16_t"}.get(dtype.name, C_TYPE[dtype.name])
        raise RuntimeError(f"value cannot be converted to type {name} without overflow")


# the in-place elementwise ops whose operands must broadcast with the tensor written to
# (not sub: torch refuses bool subtraction before it broadcasts)
_ELEMENTWISE = frozenset({"add", "mul", "multiply", "div", "divide", "true_divide",
                          "floor_divide", "remainder", "fmod", "pow", "float_power", "atan2", "hypot",
                          "maximum", "minimum", "copysign", "xlogy", "logaddexp", "logical_and",
                          "logical_or", "logical_xor"})
_INTERNAL_OVERLAP = ("unsupported operation: more than one element of the written-to tensor refers to a "
                     "single memory location. Please clone() the tensor before performing the operation.")


def _overlaps_itself(a: np.ndarray) -> bool:
    """Whether elements of ``a`` share memory (an expanded dim: stride 0, size above 1)."""
    return a.size > 1 and any(st == 0 and n > 1 for n, st in zip(a.shape, a.strides))


def _writeable_alias(a: np.ndarray) -> np.ndarray:
    """``a`` (a view numpy made read-only, as the views of a broadcast array are) as a writeable
    view of the same memory."""
    root = a
    while isinstance(root.base, np.ndarray):
        root = root.base
    if not a.size:
        return np.empty(a.shape, a.dtype)  # nothing to write
    offset = a.__array_interface__["data"][0] - root.__array_interface__["data"][0]
    return np.ndarray(a.shape, a.dtype, buffer=root, offset=offset, strides=a.strides)


def _adopt_saved_output(result: Tensor, target: Tensor) -> None:
    """``target`` now holds the output of an in-place op (computed as ``result``): if the op kept
    its output for backward (sigmoid_, exp_), what it kept is ``target``, whose later in-place
    changes must then make backward refuse, as in torch."""
    node = result.grad_fn
    saved = node._saved if node is not None else ()
    if not saved or type(saved) is not tuple:
        return
    for entry in saved:
        if type(entry) is _autograd.function._SavedOutput and entry.vc is result._vc:
            entry.array, entry.vc, entry.version = target._array, target._vc, target._vc[0]


def _check_overlap(out: Tensor, operand: Tensor, fn: Callable | None, full_ok: bool = True,
                   copy: bool = False) -> None:
    """torch refuses an in-place op whose operand lies partly in the memory it writes (the result
    would depend on the order of the writes): same storage, ranges that overlap, not the very
    same elements (``full_ok``; index_put refuses those too), where the strides must be the same
    too -- except for a ``copy`` (setitem's), which skips the very same elements whatever their
    size-1 dims.  (Not for fill_ and masked_fill_,
    which take the operand as a number; not for strided or broadcast tensors, where torch does
    not look; setitem checks for itself.)"""
    a, b = out._array, operand._array
    owner_a = a if a.base is None else a.base
    if owner_a is not (b if b.base is None else b.base) or not a.size or not b.size:
        return
    if fn in (_ops.masked_fill, _ops.shape.Overwrite.apply, _ops.indexing.index_put) or not (
            _is_dense(a) and _is_dense(b)):
        return
    start_a, start_b = a.__array_interface__["data"][0], b.__array_interface__["data"][0]
    end_a, end_b = start_a + a.nbytes, start_b + b.nbytes
    if full_ok and (start_a, end_a) == (start_b, end_b) and (
            _layout(a) == _layout(b) if copy else a.strides == b.strides):
        return
    if start_a < end_b and start_b < end_a:
        raise RuntimeError("unsupported operation: some elements of the input tensor and the written-to "
                           "tensor refer to a single memory location. Please clone() the tensor before "
                           "performing the operation.")


def _layout(a: np.ndarray) -> list:
    """(size, stride) of each dim but those of size 1 (which leave the elements where they are)."""
    return [(n, st) for n, st in zip(a.shape, a.strides) if n != 1]


def _is_dense(a: np.ndarray) -> bool:
    """Whether ``a``'s elements fill a block of memory with no gaps, in some order of its dims."""
    step = a.itemsize
    for stride, n in sorted((s, n) for s, n in zip(a.strides, a.shape) if n != 1):
        if stride != step:
            return False
        step *= n
    return True


_GRAD_FN_SLOT = Tensor.grad_fn  # the slot itself, which _StaleView hides behind a property


class _StaleView(Tensor):
    """What a view made by a multi-output view op (split, chunk, unbind) becomes once its storage
    is written in place: torch can no longer say what its graph is, so reading its ``grad_fn``
    (hence ``is_leaf``, or recording an op on it) raises -- if it has a graph at all (its own
    node, or a root that requires grad).  Its values and everything else stay usable."""

    __slots__ = ()

    @property
    def grad_fn(self) -> Any:
        node = _GRAD_FN_SLOT.__get__(self)
        if node is None and not self._base[0]._requires_grad:
            return None
        raise RuntimeError(_multi_output_view_message(self, "its base or another view of its base has "
                                                            "been"))

    @grad_fn.setter
    def grad_fn(self, node: Any) -> None:
        _GRAD_FN_SLOT.__set__(self, node)

    @property
    def grad(self) -> "Tensor | None":
        return self._grad

    def __repr__(self) -> str:  # torch shows the node as "<Invalid>"
        from ._format import format_tensor
        shown = Tensor._make(self._array, self._requires_grad)
        text = format_tensor(shown)
        return text.replace("requires_grad=True", "grad_fn=<Invalid>") if self._requires_grad else text

    __str__ = __repr__


_StaleView.__name__ = _StaleView.__qualname__ = "Tensor"  # type(t) reads as a Tensor, as in torch


def _multi_output_view_message(view: Tensor, what: str) -> str:
    """torch's refusal for an output of a multi-output view op, or a view of one, that ``what``
    ("is being", or "its base ... has been") modified in place."""
    output_nr, no_grad = view._base[2]
    node = _GRAD_FN_SLOT.__get__(view)
    # torch names the node without "Backward0"
    name = "" if node is None else node.name().rstrip("0123456789").removesuffix("Backward")
    if no_grad or node is None:
        prefix = ("A view was" if node is None
                  else f"Output {output_nr} of {name} is a view of a view which was")
        message = f"{prefix} created in no_grad mode and {what} modified inplace with grad mode enabled."
    else:
        message = f"Output {output_nr} of {name} is a view and {what} modified inplace."
    if no_grad:
        return message + (" Given that this use case is ambiguous and error-prone, it is forbidden. You "
                          "can clarify your code by moving both the view and the inplace either both "
                          "inside the no_grad block (if you don't want the inplace to be tracked) or both "
                          "outside (if you want the inplace to be tracked).")
    return message + (" This view is the output of a function that returns multiple views. Such functions "
                      "do not allow the output views to be modified inplace. You should replace the "
                      "inplace operation by an out-of-place one.")


_NON_LEAF_GRAD_WARNING = (
    "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad attribute "
    "won't be populated during autograd.backward(). If you indeed want the .grad field to be populated "
    "for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. If you access the non-leaf Tensor "
    "by mistake, make sure you access the leaf Tensor instead. See github.com/pytorch/pytorch/pull/30531 "
    "for more information.")


def _is_whole(key: Any) -> bool:
    """Whether ``key`` is only ``:`` and ``...`` (torch indexes nothing for these: x[:] is x)."""
    parts = key if isinstance(key, tuple) else (key,)
    return all(p is Ellipsis or isinstance(p, slice) and p == slice(None) for p in parts)


def _is_index_put(key: Any) -> bool:
    """Whether torch does ``x[key] = v`` as one index_put_ on x: index arrays, with nothing else
    but ``:`` and ``...`` (any int, slice or None first makes a view, which it copies into)."""
    parts = key if isinstance(key, tuple) else (key,)
    arrays = False
    for p in parts:
        if isinstance(p, (list, range, np.ndarray)) or isinstance(p, Tensor) and p._array.ndim:
            arrays = True
        elif not (p is Ellipsis or isinstance(p, slice) and p == slice(None)):
            return False
    return arrays


def _rebuild(array: np.ndarray, requires_grad: bool) -> Tensor:
    return Tensor._make(array, requires_grad)


# torch's names for dtypes in its casting errors ("result type Float can't be cast to ... Long")
_SCALAR_TYPE = {"float16": "Half", "float32": "Float", "float64": "Double", "uint8": "Byte", "int8": "Char",
                "int16": "Short", "int32": "Int", "int64": "Long", "bool": "Bool"}


def _can_cast(src: np.dtype, dst: np.dtype) -> bool:
    """torch's rule for in-place results: no float -> integer, no number -> bool."""
    if src.kind == "f" and dst.kind != "f":
        return False
    return not (dst.kind == "b" and src.kind != "b")


def _wrap_dim(dim: int, ndim: int) -> int:
    """A possibly negative ``dim`` as an index, with torch's error for one out of range."""
    n = max(ndim, 1)
    if not -n <= dim < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], "
                         f"but got {dim})")
    return dim % n


def _size(args: tuple) -> tuple:
    """``f(2, 3)``, ``f((2, 3))`` and ``f([2, 3])`` all mean the size (2, 3)."""
    if len(args) == 1 and isinstance(args[0], (tuple, list, Size)):
        args = tuple(args[0])
    try:
        size = tuple(operator.index(s) for s in args)
    except TypeError:
        raise TypeError(f"size must be a sequence of ints, got {args!r}") from None
    if any(s < 0 for s in size):
        raise RuntimeError(f"Trying to create tensor with negative dimension: {list(size)}")
    return size


class TensorType:
    """``minigrad.FloatTensor`` and friends: callable like torch's legacy tensor types."""

    def __init__(self, name: str, dtype: DType) -> None:
        self.__name__, self.dtype = name, dtype

    def __call__(self, *args: Any) -> Tensor:
        if len(args) == 1 and not isinstance(args[0], (int, np.integer)):
            data = args[0]
            return Tensor._make(np.array(data._array if isinstance(data, Tensor) else data,
                                         dtype=self.dtype.np))
        return Tensor._make(np.zeros(_size(args), dtype=self.dtype.np))

    def __instancecheck__(self, obj: Any) -> bool:
        return isinstance(obj, Tensor) and obj.dtype is self.dtype

    def __repr__(self) -> str:
        return f"<class '{_dtype.DISPLAY_NAME[0]}.{self.__name__}'>"


_TYPE_NAMES = {"float32": "FloatTensor", "float64": "DoubleTensor", "float16": "HalfTensor",
               "int64": "LongTensor", "int32": "IntTensor", "int16": "ShortTensor",
               "int8": "CharTensor", "uint8": "ByteTensor", "bool": "BoolTensor"}
_TENSOR_TYPES = {name: TensorType(name, _dtype._NAMES[d]) for d, name in _TYPE_NAMES.items()}


from . import autograd as _autograd  # noqa: E402  (autograd and the ops need Tensor defined first)
from . import ops as _ops  # noqa: E402

for _name in _ops.TENSOR_METHODS:
    setattr(Tensor, _name, getattr(_ops, _name))
Tensor.unfold = _ops.windows.unfold  # sliding windows: a method only (torch has no torch.unfold)
Tensor.polygamma = lambda self, n: _ops.polygamma(n, self)  # (n first in torch.polygamma)


def _inplace_method(name: str) -> Callable[..., Tensor]:
    """``x.op_(...)``: ``op(x, ...)`` written back into x (torch's casting and shape rules)."""
    fn = getattr(_ops, name)

    def method(self: Tensor, *args: Any, **kwargs: Any) -> Tensor:
        return self._inplace(fn, *args, **kwargs)
    method.__name__ = method.__qualname__ = name + "_"
    return method


for _name in _ops.INPLACE_MATH:
    setattr(Tensor, _name + "_", _inplace_method(_name))
# the in-place forms of the basic pointwise ops that have no method of their own above
for _name in ("sin", "cos", "log", "log1p", "sqrt", "abs", "absolute", "sign", "floor", "ceil", "round",
              "trunc", "negative", "logical_not"):
    if not hasattr(Tensor, _name + "_"):
        setattr(Tensor, _name + "_", _inplace_method(_name))
