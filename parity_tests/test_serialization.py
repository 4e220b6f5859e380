"""minigrad.save / minigrad.load: exact round trips of tensors and state dicts, training that
resumes bit-identically from a checkpoint, and files that must be refused without running them.

torch.load answers hostile or foreign files with pickle's own errors (pickle is its format);
minigrad never unpickles, so it raises RuntimeError naming the problem instead.
"""
import collections
import io
import pickle
import zipfile

import numpy as np
import pytest
import torch

import minigrad
from minigrad import nn, optim


def round_trip(obj):
    buffer = io.BytesIO()
    minigrad.save(obj, buffer)
    buffer.seek(0)
    return minigrad.load(buffer)


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64", "uint8", "int8", "int16",
                                   "int32", "int64", "bool"])
def test_tensors_of_every_dtype_come_back_exactly(dtype):
    values = np.array([[0, 1, 5], [7, 3, 1]]).astype(dtype)
    if values.dtype.kind == "f":
        values[0, 0], values[1, 2] = np.nan, -np.inf
    t = minigrad.tensor(values)
    loaded = round_trip(t)
    assert loaded.dtype == t.dtype and loaded.shape == t.shape
    assert np.array_equal(loaded.numpy(), values, equal_nan=values.dtype.kind == "f")


def test_nested_structures_and_python_values():
    w = minigrad.tensor([1.5, -2.0], requires_grad=True)
    obj = {
        "w": w, "again": [w, (w,)], 3: "int key", (1, "a"): None, 2.5: True,
        "numbers": [0, -1, 2**80, 0.1, -0.0, float("inf"), 1e-310],
        "text": "héllo ✓", "array": np.arange(6, dtype=np.int32).reshape(2, 3),
        "ordered": collections.OrderedDict([("b", 1), ("a", 2)]),
        "counter": collections.Counter([5, 5, 9]), "empty": {}, "scalar": minigrad.tensor(3),
        "np_scalar": np.float32(0.1),
    }
    loaded = round_trip(obj)
    assert list(loaded) == list(obj)
    assert loaded["w"].requires_grad and loaded["w"].tolist() == [1.5, -2.0]
    assert loaded["again"][0] is loaded["w"] and loaded["again"][1][0] is loaded["w"]
    assert type(loaded["again"][1]) is tuple
    assert loaded[3] == "int key" and loaded[(1, "a")] is None and loaded[2.5] is True
    assert loaded["numbers"] == obj["numbers"] and type(loaded["numbers"][2]) is int
    assert str(loaded["numbers"][4]) == "-0.0"
    assert loaded["text"] == obj["text"] and np.array_equal(loaded["array"], obj["array"])
    assert type(loaded["ordered"]) is collections.OrderedDict and list(loaded["ordered"]) == ["b", "a"]
    assert loaded["counter"] == obj["counter"] and type(loaded["counter"]) is collections.Counter
    assert loaded["empty"] == {} and loaded["scalar"].item() == 3
    assert loaded["scalar"].dtype == minigrad.int64 and loaded["scalar"].shape == ()
    assert type(loaded["np_scalar"]) is np.float32 and loaded["np_scalar"] == np.float32(0.1)


def test_nan_survives():
    assert np.isnan(round_trip([float("nan")])[0])


def test_parameters_stay_parameters():
    p = nn.Parameter(minigrad.tensor([1.0, 2.0]))
    loaded = round_trip({"p": p, "frozen": nn.Parameter(minigrad.ones(2), requires_grad=False)})
    assert isinstance(loaded["p"], nn.Parameter) and loaded["p"].requires_grad
    assert isinstance(loaded["frozen"], nn.Parameter) and not loaded["frozen"].requires_grad


def test_paths_are_written_under_their_own_name(tmp_path):
    path = tmp_path / "model.pt"  # np.savez alone would append ".npz"
    minigrad.save({"x": minigrad.ones(2)}, path)
    assert path.exists() and list(tmp_path.iterdir()) == [path]
    assert minigrad.load(str(path))["x"].tolist() == [1.0, 1.0]
    assert minigrad.load(path, map_location="cpu", weights_only=True)["x"].tolist() == [1.0, 1.0]


def test_unsupported_objects_are_refused_when_saving():
    for obj in ({1, 2}, lambda: 0, object(), np.array([object()]), b"bytes"):
        with pytest.raises(TypeError):
            minigrad.save(obj, io.BytesIO())


def make_model(seed=0):
    minigrad.manual_seed(seed)
    return nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 3))


@pytest.mark.parametrize("opt_name", ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad"])
def test_checkpoint_resumes_training_bit_identically(tmp_path, opt_name):
    """Train 6 steps; checkpoint model, optimizer and scheduler; train 6 more.  A fresh model
    restored from the checkpoint and trained the same 6 steps ends bit-identical."""
    kw = {"lr": 0.05, "momentum": 0.9} if opt_name in ("SGD", "RMSprop") else {"lr": 0.05}
    rng = np.random.default_rng(0)
    batches = [(minigrad.tensor(rng.standard_normal((5, 4)), dtype=minigrad.float32),
                minigrad.tensor(rng.integers(0, 3, 5))) for _ in range(12)]
    loss_fn = nn.CrossEntropyLoss()

    def train(model, opt, sched, part):
        for x, y in part:
            opt.zero_grad()
            loss_fn(model(x), y).backward()
            opt.step()
            sched.step()

    model = make_model()
    opt = getattr(optim, opt_name)(model.parameters(), **kw)
    sched = optim.lr_scheduler.StepLR(opt, step_size=4, gamma=0.5)
    train(model, opt, sched, batches[:6])
    path = tmp_path / "checkpoint.pt"
    minigrad.save({"model": model.state_dict(), "optimizer": opt.state_dict(),
                   "scheduler": sched.state_dict(), "epoch": 6}, path)
    train(model, opt, sched, batches[6:])

    checkpoint = minigrad.load(path)
    restored = make_model(seed=1)  # different initial weights: all must come from the file
    opt2 = getattr(optim, opt_name)(restored.parameters(), **kw)
    sched2 = optim.lr_scheduler.StepLR(opt2, step_size=4, gamma=0.5)
    restored.load_state_dict(checkpoint["model"])
    opt2.load_state_dict(checkpoint["optimizer"])
    sched2.load_state_dict(checkpoint["scheduler"])
    assert checkpoint["epoch"] == 6
    train(restored, opt2, sched2, batches[6:])
    for (name, a), (_, b) in zip(model.state_dict().items(), restored.state_dict().items(),
                                 strict=True):
        assert np.array_equal(a.numpy(), b.numpy()), name
    assert sched2.get_last_lr() == sched.get_last_lr()


# ----- files that must be refused, without running anything ---------------------------------------
class _CreatesFile:
    """Unpickling this calls open(path, 'w'): the file appearing would prove code ran."""

    def __init__(self, path):
        self.path = str(path)

    def __reduce__(self):
        return (open, (self.path, "w"))


def assert_refused(data, match, marker):
    with pytest.raises(RuntimeError, match=match):
        minigrad.load(io.BytesIO(data))
    assert not marker.exists(), "loading executed the file's payload"


@pytest.mark.parametrize("protocol", [0, 2, pickle.HIGHEST_PROTOCOL])
def test_malicious_pickle_is_refused_and_not_run(tmp_path, protocol):
    marker = tmp_path / "pwned"
    data = pickle.dumps({"weights": _CreatesFile(marker)}, protocol=protocol)
    assert_refused(data, "is a pickle", marker)
    pickle.loads(data)["weights"].close()  # the payload is real: unpickling creates the file
    assert marker.exists()


def rebuilt(good, **entries):
    """A copy of the archive ``good`` with some entries (``name=bytes``) replaced or added."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(out, "w") as dst:
        for name in src.namelist():
            dst.writestr(name, entries.pop(name, None) or src.read(name))
        for name, data in entries.items():
            dst.writestr(name, data)
    return out.getvalue()


def npy(array, allow_pickle=False):
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=allow_pickle)
    return buffer.getvalue()


def saved(obj):
    buffer = io.BytesIO()
    minigrad.save(obj, buffer)
    return buffer.getvalue()


def test_pickle_hidden_in_an_npz_object_array_is_refused(tmp_path):
    marker = tmp_path / "pwned"
    hostile = npy(np.array([_CreatesFile(marker)], dtype=object), allow_pickle=True)
    good = saved({"x": minigrad.ones(1)})
    # as the index itself, and as the tensor entry a genuine index points to
    assert_refused(rebuilt(good, **{"__minigrad__.npy": hostile}), "not a valid minigrad", marker)
    assert_refused(rebuilt(good, **{"t0.npy": hostile}), "not a valid minigrad", marker)


def test_torch_save_files_are_refused(tmp_path):
    buffer = io.BytesIO()
    torch.save({"w": torch.ones(2)}, buffer)
    assert_refused(buffer.getvalue(), "torch.save archive", tmp_path / "unused")


def with_index(edit):
    """A checkpoint of {"x": tensor, "n": 5} whose JSON index went through ``edit``."""
    good = saved({"x": minigrad.ones(2), "n": 5})
    with zipfile.ZipFile(io.BytesIO(good)) as archive:
        text = np.load(io.BytesIO(archive.read("__minigrad__.npy"))).tobytes().decode()
    edited = edit(text)
    assert edited != text
    return rebuilt(good, **{"__minigrad__.npy": npy(np.frombuffer(edited.encode(), np.uint8))})


@pytest.mark.parametrize("make_bad", [
    lambda: b"",
    lambda: b"not a checkpoint at all",
    lambda: saved([1])[:200],  # truncated
    lambda: with_index(lambda t: t.replace('"version": 1', '"version": 9')),
    lambda: with_index(lambda t: t.replace('"tensor"', '"tensr"')),
    lambda: with_index(lambda t: t.replace('"array": "t0"', '"array": "t7"')),
    lambda: with_index(lambda t: t.replace('"array": "t0"', '"array": "__minigrad__"')),
    lambda: with_index(lambda t: t.replace('["int", 5]', '["int", "5"]')),
    lambda: with_index(lambda t: t.replace('"root": ["dict"', '"root": ["eval"')),
    lambda: with_index(lambda t: t.replace('"root": ["dict", [', '"root": ["dict", [[1], ')),
    lambda: with_index(lambda t: t[:-5]),  # not JSON
    lambda: with_index(lambda t: "[" * 100000 + "]" * 100000),  # too deep
], ids=["empty", "text", "truncated", "version", "kind", "missing-array", "index-as-array",
        "wrong-payload", "unknown-container", "bad-entry", "not-json", "too-deep"])
def test_malformed_files_raise_a_clear_error(make_bad):
    with pytest.raises(RuntimeError, match="minigrad.load: "):
        minigrad.load(io.BytesIO(make_bad()))


def test_a_plain_npz_without_index_is_refused():
    buffer = io.BytesIO()
    np.savez(buffer, x=np.ones(3))
    with pytest.raises(RuntimeError, match="no '__minigrad__' index"):
        minigrad.load(io.BytesIO(buffer.getvalue()))


def npy_header_only(shape, dtype=np.float32):
    """A .npy entry whose header declares ``shape`` but carries no data (a forged size)."""
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        buffer, {"descr": np.lib.format.dtype_to_descr(np.dtype(dtype)), "fortran_order": False,
                 "shape": shape})
    return buffer.getvalue()  # (the header function writes the magic string too)


@pytest.mark.parametrize("shape", [(2**40 * 7 // 4,), (2**34, 4)], ids=["7TiB", "64GiB"])
def test_a_forged_huge_shape_is_refused_before_allocating(shape):
    good = saved({"x": minigrad.ones(2)})
    with pytest.raises(RuntimeError, match=r"entry 't0.npy' declares a float32 array of shape"):
        minigrad.load(io.BytesIO(rebuilt(good, **{"t0.npy": npy_header_only(shape)})))


def zip_bomb(n_bytes):
    """A checkpoint whose tensor entry is ``n_bytes`` of zeros, deflated to a tiny file."""
    good = saved({"x": minigrad.ones(2)})
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as src, \
            zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        dst.writestr("__minigrad__.npy", src.read("__minigrad__.npy"))
        dst.writestr("t0.npy", npy(np.zeros(n_bytes // 4, dtype=np.float32)))
    return out.getvalue()


def test_a_zip_bomb_is_refused_and_max_bytes_lets_a_trusted_one_in():
    data = zip_bomb(32 * 2**20)  # 32 MiB of zeros deflate to ~32 KiB
    assert len(data) < 2**20
    with pytest.raises(RuntimeError, match="max_bytes=.*the file's own size"):
        minigrad.load(io.BytesIO(data))
    x = minigrad.load(io.BytesIO(data), max_bytes=64 * 2**20)["x"]
    assert x.shape == (8 * 2**20,) and not x.numpy().any()


def test_every_file_save_writes_is_within_the_default_limit():
    state = {"w": minigrad.randn(300, 200), "b": minigrad.zeros(200, dtype=minigrad.float64),
             "step": minigrad.tensor(3), "flags": minigrad.ones(5, dtype=minigrad.bool)}
    loaded = round_trip(state)
    assert all(np.array_equal(loaded[k].numpy(), state[k].numpy()) for k in state)


def test_an_integer_tensor_marked_requires_grad_is_refused():
    """torch: "Only Tensors of floating point and complex dtype can require gradients"; save never
    writes such a tensor, so a file that has one was forged."""
    good = saved({"n": minigrad.tensor([1, 2]), "k": 5})
    with zipfile.ZipFile(io.BytesIO(good)) as archive:
        text = np.load(io.BytesIO(archive.read("__minigrad__.npy"))).tobytes().decode()
    edited = text.replace('"requires_grad": false', '"requires_grad": true')
    assert edited != text
    forged = rebuilt(good, **{"__minigrad__.npy": npy(np.frombuffer(edited.encode(), np.uint8))})
    with pytest.raises(RuntimeError, match="int64 tensor is marked requires_grad"):
        minigrad.load(io.BytesIO(forged))
