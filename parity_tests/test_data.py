"""minigrad.utils.data against torch.utils.data: the same seed gives the same batches, element for
element; collation, lengths, random_split and every error."""
import collections

import numpy as np
import pytest
import torch
import torch.utils.data as tdata

import minigrad
import minigrad.utils.data as mdata

LIBS = [(torch, tdata), (minigrad, mdata)]


def dataset(lib, data, n=23):
    x = np.arange(n * 2, dtype=np.float64).reshape(n, 2)
    return data.TensorDataset(lib.tensor(x), lib.tensor(np.arange(n)))


def epochs(lib, data, n_epochs=3, seed=7, **loader_kw):
    """Every batch of several epochs, as numpy arrays, plus the next global random number (which
    shows whether the loader consumed the global generator exactly as much as torch's)."""
    lib.manual_seed(seed)
    loader = data.DataLoader(dataset(lib, data), **loader_kw)
    batches = [[[t.numpy() for t in batch] for batch in loader] for _ in range(n_epochs)]
    return batches, lib.rand(3).numpy(), len(loader)


def assert_same_batches(a, b):
    assert len(a) == len(b)
    for epoch_a, epoch_b in zip(a, b, strict=True):
        assert len(epoch_a) == len(epoch_b)
        for batch_a, batch_b in zip(epoch_a, epoch_b, strict=True):
            for x, y in zip(batch_a, batch_b, strict=True):
                assert x.dtype == y.dtype and np.array_equal(x, y)


@pytest.mark.parametrize("loader_kw", [
    {"batch_size": 4, "shuffle": True},
    {"batch_size": 5, "shuffle": True, "drop_last": True},
    {"batch_size": 1, "shuffle": True},
    {"batch_size": 30, "shuffle": True},
    {"batch_size": 4},
    {"batch_size": 6, "drop_last": True},
], ids=lambda kw: "-".join(f"{k}={v}" for k, v in kw.items()))
def test_same_seed_same_batches_as_torch(loader_kw):
    t_batches, t_next, t_len = epochs(torch, tdata, **loader_kw)
    m_batches, m_next, m_len = epochs(minigrad, mdata, **loader_kw)
    assert_same_batches(t_batches, m_batches)
    assert np.array_equal(t_next, m_next)  # the global generator advanced identically
    assert m_len == t_len == len(m_batches[0])


class Squares:
    """A map-style dataset of mixed samples, built for either library."""

    def __init__(self, lib, n=11):
        self.lib, self.n = lib, n

    def __getitem__(self, i):
        return self.lib.tensor([float(i), i * i]), i, {"half": i / 2, "name": f"s{i}"}

    def __len__(self):
        return self.n


def test_custom_dataset_batches_match_torch():
    results = []
    for lib, data in LIBS:
        lib.manual_seed(5)
        loader = data.DataLoader(Squares(lib), batch_size=3, shuffle=True)
        results.append([(x.numpy(), i.numpy(), d["half"].numpy(), d["name"])
                        for _ in range(2) for x, i, d in loader])
    for (tx, ti, th, tn), (mx, mi, mh, mn) in zip(*results, strict=True):
        for t, m in ((tx, mx), (ti, mi), (th, mh)):
            assert t.dtype == m.dtype and np.array_equal(t, m)
        assert tn == mn


def test_tensor_dataset_batches_equal_the_generic_path_with_gradients():
    """The DataLoader gathers a TensorDataset's batch in one indexing op; a dataset that returns
    the same samples through its own __getitem__ takes the generic path (index, then stack).
    Same batches, and the same gradient back to the dataset's tensor."""
    class SameSamples(mdata.TensorDataset):
        def __getitem__(self, index):
            return tuple(t[index] for t in self.tensors)

    grads = []
    for cls in (mdata.TensorDataset, SameSamples):
        x = minigrad.tensor(np.arange(14.0).reshape(7, 2), requires_grad=True)
        minigrad.manual_seed(2)
        batches = list(mdata.DataLoader(cls(x, minigrad.arange(7)), batch_size=3, shuffle=True))
        sum((b[0] * b[0]).sum() + b[1].sum() for b in batches).backward()
        grads.append(([[t.detach().numpy() for t in b] for b in batches], x.grad.numpy()))
    (fast, fast_grad), (generic, generic_grad) = grads
    for a, b in zip(fast, generic, strict=True):
        for ta, tb in zip(a, b, strict=True):
            assert ta.dtype == tb.dtype and np.array_equal(ta, tb)
    assert np.array_equal(fast_grad, generic_grad) and np.array_equal(fast_grad, 2 * x.numpy(force=True))


def test_shuffle_with_an_explicit_generator():
    results = []
    for lib, data in LIBS:
        lib.manual_seed(0)
        gen = lib.Generator().manual_seed(1234)
        loader = data.DataLoader(dataset(lib, data), batch_size=4, shuffle=True, generator=gen)
        order = [batch[1].tolist() for _ in range(3) for batch in loader]
        results.append((order, lib.rand(2).tolist(), gen.initial_seed()))
    assert results[0] == results[1]


def test_random_sampler_with_replacement_and_more_samples():
    for kw in ({"replacement": True, "num_samples": 70}, {"num_samples": 50}):
        orders = []
        for lib, data in LIBS:
            lib.manual_seed(3)
            sampler = data.RandomSampler(range(23), **kw)
            orders.append((list(sampler), list(sampler), len(sampler)))
        assert orders[0] == orders[1]


def test_batch_sampler_and_sequential_sampler():
    for drop_last in (False, True):
        t = list(tdata.BatchSampler(tdata.SequentialSampler(range(10)), 3, drop_last))
        m = list(mdata.BatchSampler(mdata.SequentialSampler(range(10)), 3, drop_last))
        assert m == t
        assert len(mdata.BatchSampler(range(10), 3, drop_last)) == len(t)


def test_loader_with_batch_sampler_or_without_batching():
    for lib, data in LIBS:
        ds = dataset(lib, data, n=5)
        loader = data.DataLoader(ds, batch_sampler=[[4, 0], [2]])
        assert [b[1].tolist() for b in loader] == [[4, 0], [2]] and len(loader) == 2
        single = list(data.DataLoader(ds, batch_size=None))
        assert len(single) == 5 and single[3][1].tolist() == 3 and single[3][0].shape == (2,)


def test_custom_collate_fn():
    for lib, data in LIBS:
        loader = data.DataLoader(dataset(lib, data, n=6), batch_size=4, collate_fn=len)
        assert list(loader) == [4, 2]


Point = collections.namedtuple("Point", ["x", "y"])


@pytest.mark.parametrize("batch", [
    [1, 2, 3],
    [1.5, 2.0],
    [True, False],
    [np.float32(1.5), np.float32(2.0)],
    [np.int32(4), np.int32(5)],
    [np.arange(3, dtype=np.int16), np.arange(3, dtype=np.int16) * 2],
    [np.ones((2, 2)), np.zeros((2, 2))],
    [(1, 2.0), (3, 4.0)],
    [[1, 2], [3, 4]],
    [{"a": 1, "b": 0.5}, {"a": 2, "b": 1.5}],
    [Point(1, 2.0), Point(3, 4.0)],
    [{"img": np.ones(2, np.float32), "meta": ("s", 3)}, {"img": np.zeros(2, np.float32), "meta": ("t", 4)}],
], ids=lambda b: type(b[0]).__name__)
def test_default_collate_like_torch(batch):
    t, m = tdata.default_collate(batch), mdata.default_collate(batch)

    def same(a, b):
        if isinstance(a, torch.Tensor):
            assert isinstance(b, minigrad.Tensor)
            assert a.numpy().dtype == b.numpy().dtype and np.array_equal(a.numpy(), b.numpy())
        elif isinstance(a, dict):
            assert type(a) is type(b) and list(a) == list(b)
            for k in a:
                same(a[k], b[k])
        elif isinstance(a, (list, tuple)):
            assert type(a) is type(b) and len(a) == len(b)
            for x, y in zip(a, b, strict=True):
                same(x, y)
        else:
            assert a == b
    same(t, m)


def test_default_collate_stacks_tensors():
    for lib, data in LIBS:
        out = data.default_collate([lib.ones(2, 3), lib.zeros(2, 3)])
        assert tuple(out.shape) == (2, 2, 3)


def test_random_split_lengths_and_fractions():
    for lengths in ([5, 10, 8], [0.3, 0.3, 0.4], [0.5, 0.5], [1.0]):
        splits = []
        for lib, data in LIBS:
            lib.manual_seed(11)
            parts = data.random_split(range(23), lengths)
            splits.append(([list(p) for p in parts], [p.indices for p in parts]))
        assert splits[0] == splits[1]
    splits = [[list(p) for p in data.random_split(range(10), [3, 7],
                                                  generator=lib.Generator().manual_seed(42))]
              for lib, data in LIBS]
    assert splits[0] == splits[1]


def test_random_split_warns_for_an_empty_split():
    for _lib, data in LIBS:
        with pytest.warns(UserWarning, match="Length of split at index 2 is 0"):
            parts = data.random_split(range(3), [0.5, 0.5, 0.0])
        assert [len(p) for p in parts] == [2, 1, 0]


def test_subset_and_dataset_length():
    for lib, data in LIBS:
        sub = data.Subset(dataset(lib, data, n=8), [6, 2, 5])
        assert len(sub) == 3 and sub[1][1].item() == 2


# ----- errors: same exception class as torch ---------------------------------------------------------
def both_raise(exc, fn, match=None):
    for lib, data in LIBS:
        with pytest.raises(exc, match=match):
            fn(lib, data)


def test_tensor_dataset_size_mismatch():
    both_raise(AssertionError, lambda lib, data: data.TensorDataset(lib.ones(3), lib.ones(4)),
               "Size mismatch between tensors")


def test_dataset_base_class_needs_getitem():
    both_raise(NotImplementedError, lambda lib, data: data.Dataset()[0],
               "Subclasses of Dataset should implement __getitem__")


@pytest.mark.parametrize(("kw", "match"), [
    ({"num_workers": -1}, "num_workers option should be non-negative"),
    ({"sampler": [0, 1], "shuffle": True}, "sampler option is mutually exclusive with shuffle"),
    ({"batch_sampler": [[0]], "batch_size": 2}, "batch_sampler option is mutually exclusive"),
    ({"batch_sampler": [[0]], "drop_last": True}, "batch_sampler option is mutually exclusive"),
    ({"batch_size": None, "drop_last": True}, "batch_size=None option disables auto-batching"),
    ({"batch_size": 0}, "batch_size should be a positive integer value"),
    ({"batch_size": 2, "drop_last": 1}, "drop_last should be a boolean value"),
])
def test_loader_option_errors(kw, match):
    both_raise(ValueError, lambda lib, data: data.DataLoader(dataset(lib, data), **kw), match)


def test_random_sampler_errors():
    both_raise(ValueError, lambda lib, data: data.RandomSampler(range(3), num_samples=0),
               "num_samples should be a positive integer value")
    both_raise(TypeError, lambda lib, data: data.RandomSampler(range(3), replacement=1),
               "replacement should be a boolean value")


def test_random_split_errors():
    both_raise(ValueError, lambda lib, data: data.random_split(range(5), [2, 2]),
               "Sum of input lengths does not equal the length of the input dataset")
    both_raise(ValueError, lambda lib, data: data.random_split(range(5), [1.2, -0.2]),
               "Fraction at index 0 is not between 0 and 1")


def test_collate_errors():
    both_raise(RuntimeError, lambda lib, data: data.default_collate([[1, 2], [3]]),
               "each element in list of batch should be of equal size")
    both_raise(TypeError, lambda lib, data: data.default_collate([object(), object()]),
               "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists")
    both_raise(TypeError, lambda lib, data: data.default_collate([np.array(["a"]), np.array(["b"])]),
               "default_collate: batch must contain")
    both_raise(RuntimeError, lambda lib, data: data.default_collate([lib.ones(2), lib.ones(3)]),
               "stack expects each tensor to be equal size")


# ----- iterable datasets, combined datasets, more samplers ----------------------------------------
def _streams(data):
    class Stream(data.IterableDataset):
        """0..n-1 as 0-d int tensors' values: a stream, no index."""

        def __init__(self, n, length=False):
            self.n, self.length = n, length

        def __iter__(self):
            return iter(range(self.n))

    class Sized(Stream):
        def __len__(self):
            return self.n

    return Stream, Sized


def _batches(loader):
    return [b.tolist() if hasattr(b, "tolist") else b for b in loader]


@pytest.mark.parametrize("make", [
    lambda lib, data, S, L: _batches(data.DataLoader(S(7), batch_size=3)),
    lambda lib, data, S, L: _batches(data.DataLoader(S(7), batch_size=3, drop_last=True)),
    lambda lib, data, S, L: _batches(data.DataLoader(S(4), batch_size=None)),
    lambda lib, data, S, L: _batches(data.DataLoader(S(3) + S(2), batch_size=2)),
    lambda lib, data, S, L: [len(data.DataLoader(L(7), batch_size=3)), len(data.DataLoader(L(7), batch_size=3,
                             drop_last=True)), len(data.DataLoader(L(7), batch_size=None)), len(L(3) + L(4))],
    lambda lib, data, S, L: data.DataLoader(S(7), shuffle=True),
    lambda lib, data, S, L: data.DataLoader(S(7), sampler=[1, 2]),
    lambda lib, data, S, L: data.DataLoader(S(7), batch_sampler=[[1]]),
    lambda lib, data, S, L: len(data.DataLoader(S(7), batch_size=3)),
    lambda lib, data, S, L: data.ConcatDataset([S(2)]),
    lambda lib, data, S, L: data.ConcatDataset([]),
    lambda lib, data, S, L: data.get_worker_info(),
])
def test_iterable_datasets_match_torch(make):
    results = []
    for lib, data in LIBS:
        lib.manual_seed(0)
        try:
            out = make(lib, data, *_streams(data))
            results.append(("ok", out, lib.rand(2).tolist()))  # the random stream consumed alike
        except Exception as e:  # noqa: BLE001  (the refusals are compared)
            results.append((type(e).__name__, str(e)))
    assert results[1] == results[0]


@pytest.mark.parametrize("make", [
    lambda lib, data: [data.ConcatDataset([dataset(lib, data, 3), dataset(lib, data, 4)])[i][1].item()
                       for i in (0, 2, 3, 6, -1, -7)],
    lambda lib, data: (dataset(lib, data, 3) + dataset(lib, data, 2))[-8],
    lambda lib, data: [data.StackDataset(dataset(lib, data, 3), dataset(lib, data, 3))[1][1][0].tolist(),
                       sorted(data.StackDataset(a=dataset(lib, data, 3), b=dataset(lib, data, 3))[2])],
    lambda lib, data: data.StackDataset(dataset(lib, data, 3), dataset(lib, data, 4)),
    lambda lib, data: data.StackDataset(),
    lambda lib, data: list(data.SubsetRandomSampler([10, 20, 30, 40, 50])),
    lambda lib, data: list(data.SubsetRandomSampler([10, 20, 30], generator=lib.Generator().manual_seed(3))),
    lambda lib, data: list(data.WeightedRandomSampler([0.1, 0.9, 0.4, 0.0], 10)),
    lambda lib, data: list(data.WeightedRandomSampler([1.0, 2.0, 3.0], 3, replacement=False)),
    lambda lib, data: data.WeightedRandomSampler([[1.0, 2.0]], 3),
    lambda lib, data: data.WeightedRandomSampler([1.0], 0),
    lambda lib, data: [[b[1].tolist() for b in data.DataLoader(dataset(lib, data, 12), batch_size=4,
                        sampler=data.WeightedRandomSampler(np.linspace(0.1, 1, 12).tolist(), 8))]],
])
def test_combined_datasets_and_samplers_match_torch(make):
    results = []
    for lib, data in LIBS:
        lib.manual_seed(0)
        try:
            out = make(lib, data)
            if isinstance(out, tuple):
                out = [t.tolist() for t in out]
            results.append(("ok", out, lib.rand(2).tolist()))
        except Exception as e:  # noqa: BLE001  (the refusals are compared)
            results.append((type(e).__name__, str(e)))
    assert results[1] == results[0]
