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

Sizes are checked before anything is allocated: ``save`` stores arrays uncompressed, so a genuine
checkpoint's arrays fit in the file itself, and by default ``load`` refuses an array whose
declared size would take the arrays past the file's size (a forged shape of terabytes, or a zip
bomb: a small compressed entry that inflates to gigabytes).
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
from ._tensor import Tensor, _require_cpu

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


def load(f: FileLike, map_location: Any = None, *, weights_only: bool | None = None,
         max_bytes: int | None = None) -> Any:
    """Read back what ``save`` wrote.  ``map_location`` may only name the CPU; ``weights_only``
    is accepted for torch's signature and changes nothing: these files can only hold data.

    ``max_bytes`` caps the total size of the arrays the file may declare; by default the file's
    own size, which every file ``save`` wrote satisfies.  Pass a larger number to load an archive
    whose entries were compressed afterwards.

    Raises RuntimeError, without executing anything and before allocating, for a pickle
    (including torch.save's files), arrays larger than ``max_bytes``, or any file that is not a
    well-formed minigrad checkpoint."""
    if map_location is not None:
        _require_cpu(map_location)
    if isinstance(f, (str, os.PathLike)):
        with open(f, "rb") as fh:
            data = fh.read()
    else:
        data = f.read()
    try:
        archive = _open_archive(data, len(data) if max_bytes is None else max_bytes)
        index = json.loads(archive[_INDEX].tobytes().decode())
        if not isinstance(index, dict) or any(index.get(k) != v for k, v in _FORMAT.items()):
            raise ValueError("its index does not describe a minigrad checkpoint of version 1")
        return _decode(index.get("root"), archive, {})
    except _TooLarge as error:
        raise RuntimeError(f"minigrad.load: {error}") from None
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, OSError, EOFError,
            zipfile.BadZipFile, RecursionError) as error:  # any parsing failure: the file is bad
        raise RuntimeError(f"minigrad.load: not a valid minigrad checkpoint: {error}") from None


class _TooLarge(Exception):
    """An entry declares more bytes than the caller allows."""


def _open_archive(data: bytes, max_bytes: int) -> Any:
    """The npz archive in ``data``, refusing pickles, torch's (pickle-based) zip format, and
    entries whose declared arrays add up to more than ``max_bytes``."""
    if data[:1] == b"\x80" or data[:1] in (b"(", b"]", b"}"):  # pickle protocol 2+ / protocol 0
        raise _refuse("a pickle")
    if not data.startswith(b"PK"):
        raise ValueError("it is not a zip (.npz) archive")
    zf = zipfile.ZipFile(io.BytesIO(data))
    names = zf.namelist()
    if any(name.endswith(".pkl") for name in names):
        raise _refuse("a torch.save archive (its data.pkl is a pickle)")
    _check_declared_sizes(zf, max_bytes)
    archive = np.load(io.BytesIO(data), allow_pickle=False)
    if _INDEX not in archive.files:
        raise ValueError(f"it has no '{_INDEX}' index entry")
    return archive


def _check_declared_sizes(zf: zipfile.ZipFile, max_bytes: int) -> None:
    """Read each ``.npy`` entry's header (shape and dtype, a few hundred bytes) and add up the
    bytes its array would take, refusing before numpy allocates anything."""
    total = 0
    for name in zf.namelist():
        with zf.open(name) as fp:
            version = np.lib.format.read_magic(fp)  # ValueError for anything but .npy
            read_header = (np.lib.format.read_array_header_1_0 if version == (1, 0)
                           else np.lib.format.read_array_header_2_0)
            shape, _, dtype = read_header(fp)
        count = 1
        for n in shape:
            count *= int(n)
        total += count * dtype.itemsize
        if total > max_bytes:
            raise _TooLarge(f"entry {name!r} declares a {dtype} array of shape {tuple(shape)}, "
                            f"which takes the file's arrays to {total:,} bytes, more than "
                            f"max_bytes={max_bytes:,} (by default the file's own size: minigrad.save "
                            "does not compress). Pass a larger max_bytes only for a file you trust.")


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
    requires_grad = payload.get("requires_grad") is True
    if requires_grad and array.dtype.kind != "f":  # save never writes this: the file was forged
        raise ValueError(f"a {array.dtype} tensor is marked requires_grad, which only floating "
                         "point tensors can be")
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
