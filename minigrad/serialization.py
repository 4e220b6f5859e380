"""``save`` / ``load``: checkpoints that cannot run code when loaded.

torch.save pickles, and unpickling a file can execute anything its author put in it.  minigrad
writes a numpy ``.npz`` archive instead: one ``.npy`` entry per tensor or array (numeric dtypes
only, read back with ``allow_pickle=False``) plus a JSON index, stored as the entry
``__minigrad__``, that describes the object: which containers, numbers, strings and tensors it
holds and in what order.  Loading parses that JSON, checks every node, and rebuilds only the types
listed below; nothing in the file is ever imported or called.

Storable: tensors and ``nn.Parameter``s (with ``requires_grad``; the same tensor object stored
twice comes back as one object), numpy arrays and scalars, None, bool, int, float, str, and lists,
tuples, dicts, OrderedDicts and Counters of those (dict keys of any storable type).  That covers
the ``state_dict`` of a model, an optimizer and a learning-rate scheduler.
"""
from __future__ import annotations

import io
import json
import os
import zipfile
from collections import Counter, OrderedDict
from typing import Any, BinaryIO

import numpy as np

from . import _dtype
from ._tensor import Tensor, device

_INDEX = "__minigrad__"
_FORMAT = {"format": "minigrad", "version": 1}
_MAPPINGS = {"dict": dict, "OrderedDict": OrderedDict, "Counter": Counter}
_SEQUENCES = {"list": list, "tuple": tuple}
_SCALARS = {"bool": bool, "int": int, "str": str}

FileLike = str | os.PathLike | BinaryIO


def save(obj: Any, f: FileLike) -> None:
    """Write ``obj`` to ``f`` (a path, or a binary file object opened for writing)."""
    arrays: dict[str, np.ndarray] = {}
    index = dict(_FORMAT, root=_encode(obj, arrays, {}))
    arrays[_INDEX] = np.frombuffer(json.dumps(index).encode(), dtype=np.uint8)
    if isinstance(f, (str, os.PathLike)):
        with open(f, "wb") as fh:  # open it ourselves: np.savez would append '.npz' to the name
            np.savez(fh, **arrays)
    else:
        np.savez(f, **arrays)


def load(f: FileLike, map_location: Any = None, *, weights_only: bool | None = None) -> Any:
    """Read back what ``save`` wrote.  ``map_location`` may only name the CPU; ``weights_only``
    is accepted for torch's signature and changes nothing: these files can only hold data.

    Raises RuntimeError, without executing anything, for a pickle (including torch.save's files)
    or any file that is not a well-formed minigrad checkpoint."""
    if map_location is not None:
        device(map_location)
    if isinstance(f, (str, os.PathLike)):
        with open(f, "rb") as fh:
            data = fh.read()
    else:
        data = f.read()
    try:
        archive = _open_archive(data)
        index = json.loads(archive[_INDEX].tobytes().decode())
        if not isinstance(index, dict) or any(index.get(k) != v for k, v in _FORMAT.items()):
            raise ValueError("its index does not describe a minigrad checkpoint of version 1")
        return _decode(index.get("root"), archive, {})
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, OSError, EOFError,
            zipfile.BadZipFile, RecursionError) as error:  # any parsing failure: the file is bad
        raise RuntimeError(f"minigrad.load: not a valid minigrad checkpoint: {error}") from None


def _open_archive(data: bytes) -> Any:
    """The npz archive in ``data``, refusing pickles and torch's (pickle-based) zip format."""
    if data[:1] == b"\x80" or data[:1] in (b"(", b"]", b"}"):  # pickle protocol 2+ / protocol 0
        raise _refuse("a pickle")
    if not data.startswith(b"PK"):
        raise ValueError("it is not a zip (.npz) archive")
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    if any(name.endswith(".pkl") for name in names):
        raise _refuse("a torch.save archive (its data.pkl is a pickle)")
    archive = np.load(io.BytesIO(data), allow_pickle=False)
    if _INDEX not in archive.files:
        raise ValueError(f"it has no '{_INDEX}' index entry")
    return archive


def _refuse(what: str) -> RuntimeError:
    return RuntimeError(f"minigrad.load: the file is {what}. minigrad does not unpickle: loading a "
                        "pickle can run arbitrary code. Only files written by minigrad.save load.")


# ----- encoding: object -> JSON node (arrays go to `arrays`) ----------------------------------------
def _encode(obj: Any, arrays: dict[str, np.ndarray], seen: dict[int, str]) -> list:
    """A JSON node ``[kind, payload]`` for ``obj``."""
    if obj is None:
        return ["none", None]
    if isinstance(obj, bool):
        return ["bool", obj]
    if isinstance(obj, int):
        return ["int", int(obj)]
    if isinstance(obj, float):
        return ["float", obj.hex()]  # exact, and covers inf and nan, which JSON cannot
    if isinstance(obj, str):
        return ["str", obj]
    if isinstance(obj, Tensor):
        from .nn.parameter import Parameter  # here: nn imports much of minigrad
        if id(obj) not in seen:
            seen[id(obj)] = name = f"t{len(arrays)}"
            arrays[name] = obj._array
        return ["tensor", {"array": seen[id(obj)], "requires_grad": obj.requires_grad,
                           "parameter": isinstance(obj, Parameter)}]
    if isinstance(obj, (np.ndarray, np.generic)):
        _dtype.from_numpy_dtype(obj.dtype)  # numeric only: object arrays would need pickle
        name = f"a{len(arrays)}"
        arrays[name] = np.asarray(obj)
        return ["ndarray" if isinstance(obj, np.ndarray) else "npscalar", name]
    for kind, cls in _MAPPINGS.items():
        if type(obj) is cls:
            return [kind, [[_encode(k, arrays, seen), _encode(v, arrays, seen)] for k, v in obj.items()]]
    for kind, cls in _SEQUENCES.items():
        if type(obj) is cls:
            return [kind, [_encode(v, arrays, seen) for v in obj]]
    raise TypeError(f"minigrad.save cannot store an object of type {type(obj).__name__}: it stores "
                    "tensors, numpy arrays, None, bool, int, float, str and lists, tuples and dicts "
                    "of them")


# ----- decoding: JSON node -> object, checking everything -------------------------------------------
def _decode(node: Any, archive: Any, tensors: dict[str, Tensor]) -> Any:
    if not (isinstance(node, list) and len(node) == 2 and isinstance(node[0], str)):
        raise ValueError(f"malformed index node {node!r:.80}")
    kind, payload = node
    if kind == "none" and payload is None:
        return None
    if kind in _SCALARS and type(payload) is _SCALARS[kind]:
        return payload
    if kind == "float" and isinstance(payload, str):
        return float.fromhex(payload)
    if kind == "tensor" and isinstance(payload, dict):
        name = payload.get("array")
        if name not in tensors:
            tensors[name] = _tensor(_array(archive, name), payload)
        return tensors[name]
    if kind == "ndarray":
        return _array(archive, payload)
    if kind == "npscalar":
        return _array(archive, payload)[()]
    if kind in _SEQUENCES and isinstance(payload, list):
        return _SEQUENCES[kind](_decode(v, archive, tensors) for v in payload)
    if kind in _MAPPINGS and isinstance(payload, list):
        if not all(isinstance(kv, list) and len(kv) == 2 for kv in payload):
            raise ValueError(f"malformed {kind} entries")
        items = {_decode(k, archive, tensors): _decode(v, archive, tensors) for k, v in payload}
        return _MAPPINGS[kind](items)
    raise ValueError(f"unknown or malformed index node of kind {kind!r}")


def _tensor(array: np.ndarray, payload: dict) -> Tensor:
    requires_grad = payload.get("requires_grad") is True and array.dtype.kind == "f"
    if payload.get("parameter") is True:
        from .nn.parameter import Parameter
        return Parameter(Tensor._make(array), requires_grad)
    return Tensor._make(array, requires_grad)


def _array(archive: Any, name: Any) -> np.ndarray:
    if not isinstance(name, str) or name == _INDEX or name not in archive.files:
        raise ValueError(f"the index refers to a missing array {name!r:.40}")
    array = archive[name]
    if not isinstance(array, np.ndarray):
        raise ValueError(f"entry {name!r} is not a numpy array")
    _dtype.from_numpy_dtype(array.dtype)  # only dtypes minigrad has (TypeError otherwise)
    return array
