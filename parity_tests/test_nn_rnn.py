"""Recurrent layers (``nn.RNN``, ``nn.LSTM``, ``nn.GRU``, the cells) and ``nn.utils.rnn`` against
torch: initialisation after the same seed, outputs and every gradient over the options that change
the computation (layers, directions, batch_first, unbatched input, given initial state, bias,
relu, projections, packed sequences), dropout between layers drawing torch's masks, second
derivatives, printed text, errors (class and message), and short training runs."""
from __future__ import annotations

import time
import warnings

import numpy as np
import pytest
import torch

import minigrad
from minigrad.testing.programs import Program, compare_programs

LIBS = (torch, minigrad)


@pytest.fixture(autouse=True)
def one_torch_thread():
    """Small ops: torch's thread pool only adds noise; results do not depend on it."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def _make(lib, cls, args, kw, seed=7):
    lib.manual_seed(seed)
    kw = dict(kw)
    if "dtype" in kw:
        kw["dtype"] = getattr(lib, kw["dtype"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # dropout with one layer warns (in both)
        return getattr(lib.nn, cls)(*args, **kw)


def _flat(out) -> list:
    """The tensors of a nested (output, (h, c)) result, in order."""
    if isinstance(out, (tuple, list)):
        return [t for o in out for t in _flat(o)]
    return [out]


# Tolerances: float64 results differ from torch's by summation order only (matmuls of a few
# dozen terms, gradients summed over <= 6 steps): ~1e-15 seen, 1e-12 leaves room.  float32:
# torch's LSTM runs oneDNN kernels with their own accumulation order; a few ulps (eps 1.2e-7) per
# step, accumulated over the steps and both directions: ~8e-7 seen, so rtol 1e-5, atol 1e-5.
TOL = {"float64": dict(rtol=1e-12, atol=1e-12), "float32": dict(rtol=1e-5, atol=1e-5)}


# ----- initialisation: the same seed gives torch's parameters, bit for bit -------------------------
INIT_CASES = [
    ("RNN", (3, 5), {}),
    ("RNN", (3, 5, 2, "relu"), {"bias": False}),
    ("LSTM", (10, 20), {"num_layers": 2, "batch_first": True}),
    ("LSTM", (4, 6), {"num_layers": 3, "bidirectional": True, "proj_size": 2}),
    ("GRU", (4, 6), {"num_layers": 2, "bidirectional": True, "dtype": "float64"}),
    ("RNNCell", (3, 5), {"nonlinearity": "relu"}),
    ("LSTMCell", (3, 5), {"bias": False}),
    ("GRUCell", (3, 5), {"dtype": "float64"}),
]


@pytest.mark.parametrize(("cls", "args", "kw"), INIT_CASES)
def test_initialisation_equals_torch_after_the_same_seed(cls, args, kw):
    t, m = (_make(lib, cls, args, kw) for lib in LIBS)
    t_params, m_params = dict(t.named_parameters()), dict(m.named_parameters())
    assert list(m_params) == list(t_params)  # names and order (state_dict keys)
    for name, p in t_params.items():
        assert m_params[name].dtype.name == str(p.dtype).split(".")[1]
        np.testing.assert_array_equal(m_params[name].detach().numpy(), p.detach().numpy(), err_msg=name)
    assert list(m.state_dict()) == list(t.state_dict())
    # and the generator is left where torch leaves it
    np.testing.assert_array_equal(minigrad.rand(3).numpy(), torch.rand(3).numpy())


def test_module_attributes_match_torch():
    for cls, args, kw in INIT_CASES[:5]:
        t, m = (_make(lib, cls, args, kw) for lib in LIBS)
        for name in ("mode", "input_size", "hidden_size", "num_layers", "bias", "batch_first", "dropout",
                     "bidirectional", "proj_size", "_flat_weights_names", "_all_weights"):
            assert getattr(m, name) == getattr(t, name), (cls, name)
        assert [[tuple(p.shape) for p in ps] for ps in m.all_weights] == \
               [[tuple(p.shape) for p in ps] for ps in t.all_weights]
        assert [None if w is None else tuple(w.shape) for w in m._flat_weights] == \
               [None if w is None else tuple(w.shape) for w in t._flat_weights]
        assert m.flatten_parameters() is None
    assert _make(minigrad, "RNN", (3, 5, 1, "relu"), {}).nonlinearity == "relu"


# ----- values and gradients ------------------------------------------------------------------------
def _run_both(cls, args, kw, x_shape, state_shapes, dtype, train=True):
    """Run the module in both libraries on the same input (and initial state, if shapes are
    given); a weighted sum of every result is differentiated.  Returns per library: the results,
    then the gradients of the input, of the initial state and of every parameter."""
    rng = np.random.default_rng(1)
    x = rng.standard_normal(x_shape)
    states = [rng.standard_normal(s) for s in state_shapes]
    found = []
    for lib in LIBS:
        module = _make(lib, cls, args, dict(kw, dtype=dtype))
        module.train(train)
        xt = lib.tensor(x, dtype=getattr(lib, dtype), requires_grad=True)
        st = [lib.tensor(s, dtype=getattr(lib, dtype), requires_grad=True) for s in states]
        call = [xt] + ([] if not st else [st[0] if len(st) == 1 else tuple(st)])
        results = _flat(module(*call))
        # weights that differ per element: every entry of every result matters
        loss = sum((r * lib.linspace(-1, 2, r.numel(), dtype=r.dtype).reshape(r.shape)).sum()
                   for r in results)
        params = list(module.parameters())
        grads = lib.autograd.grad(loss, [xt, *st, *params])
        found.append(([r.detach().numpy() for r in results], [g.numpy() for g in grads]))
    return found


def _assert_same(found, dtype):
    (t_res, t_grads), (m_res, m_grads) = found
    assert [r.shape for r in m_res] == [r.shape for r in t_res]
    for i, (m, t) in enumerate(zip(m_res + m_grads, t_res + t_grads, strict=True)):
        assert m.dtype == t.dtype
        np.testing.assert_allclose(m, t, err_msg=f"result/gradient {i}", **TOL[dtype])


def _state_shapes(cls, kw, batch):
    """Shapes of h_0 (and c_0) for ``batch`` (None: unbatched)."""
    layers = kw.get("num_layers", 1) * (2 if kw.get("bidirectional") else 1)
    hidden = 5
    h = (layers, hidden) if batch is None else (layers, batch, hidden)
    if cls != "LSTM":
        return [h]
    proj = kw.get("proj_size", 0) or hidden
    return [h[:-1] + (proj,), h]


OPTIONS = [
    {},
    {"num_layers": 2},
    {"bidirectional": True},
    {"num_layers": 2, "bidirectional": True, "batch_first": True},
    {"bias": False, "batch_first": True},
]


@pytest.mark.parametrize("cls", ["RNN", "LSTM", "GRU"])
@pytest.mark.parametrize("kw", OPTIONS, ids=lambda kw: ",".join(f"{k}={v}" for k, v in kw.items()) or "-")
@pytest.mark.parametrize("layout", ["batched", "unbatched"])
@pytest.mark.parametrize("given_state", [False, True])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_sequence_modules_match_torch(cls, kw, layout, given_state, dtype):
    length, batch = 4, 3
    if layout == "unbatched":
        x_shape, batch_of_state = (length, 3), None
    else:
        x_shape, batch_of_state = ((batch, length, 3) if kw.get("batch_first") else (length, batch, 3)), batch
    states = _state_shapes(cls, kw, batch_of_state) if given_state else []
    _assert_same(_run_both(cls, (3, 5), kw, x_shape, states, dtype), dtype)


@pytest.mark.parametrize(("cls", "args", "kw"), [
    ("RNN", (3, 5), {"nonlinearity": "relu", "num_layers": 2, "bidirectional": True}),
    ("RNN", (3, 5, 2, "relu"), {}),
    ("LSTM", (3, 5), {"proj_size": 2}),
    ("LSTM", (3, 5), {"proj_size": 3, "num_layers": 2, "bidirectional": True, "batch_first": True}),
])
@pytest.mark.parametrize("given_state", [False, True])
def test_relu_and_projections_match_torch(cls, args, kw, given_state):
    num_layers = args[2] if len(args) > 2 else kw.get("num_layers", 1)
    states = _state_shapes(cls, dict(kw, num_layers=num_layers), 2) if given_state else []
    x_shape = (2, 4, 3) if kw.get("batch_first") else (4, 2, 3)
    _assert_same(_run_both(cls, args, kw, x_shape, states, "float64"), "float64")


@pytest.mark.parametrize("cls", ["RNN", "LSTM", "GRU"])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("train", [True, False])
def test_dropout_between_layers_draws_torchs_masks(cls, dtype, train):
    """In training the outputs of all but the last layer go through dropout, with the masks
    torch draws from the same generator; in eval mode nothing is dropped."""
    kw = {"num_layers": 3, "dropout": 0.4, "bidirectional": True}
    _assert_same(_run_both(cls, (3, 5), kw, (4, 2, 3), [], dtype, train=train), dtype)


def test_empty_batch_matches_torch():
    for cls in ("RNN", "LSTM", "GRU"):
        shapes = [[tuple(t.shape) for t in _flat(_make(lib, cls, (3, 5), {})(lib.zeros(4, 0, 3)))]
                  for lib in LIBS]
        assert shapes[1] == shapes[0]


@pytest.mark.parametrize("cls", ["RNN", "LSTM", "GRU"])
def test_second_derivatives_match_torch(cls):
    """The gradient norm's gradient, through the whole recurrence (float64: torch's reference
    kernels; its float32 LSTM runs oneDNN, which has no double backward)."""
    rng = np.random.default_rng(2)
    x = rng.standard_normal((5, 2, 3))
    found = []
    for lib in LIBS:
        module = _make(lib, cls, (3, 4), {"num_layers": 2, "bidirectional": True, "dtype": "float64"})
        xt = lib.tensor(x, requires_grad=True)
        out, _ = module(xt)
        params = list(module.parameters())
        grads = lib.autograd.grad((out * out).sum(), [xt, *params], create_graph=True)
        again = lib.autograd.grad(sum((g * g).sum() for g in grads), [xt, *params])
        found.append([t.detach().numpy() for t in (*grads, *again)])
    for m, t in zip(found[1], found[0], strict=True):
        np.testing.assert_allclose(m, t, rtol=1e-11, atol=1e-12)


# ----- cells -------------------------------------------------------------------------------------
@pytest.mark.parametrize(("cls", "kw"), [
    ("RNNCell", {}), ("RNNCell", {"nonlinearity": "relu", "bias": False}),
    ("LSTMCell", {}), ("LSTMCell", {"bias": False}), ("GRUCell", {}), ("GRUCell", {"bias": False}),
])
@pytest.mark.parametrize("batched", [True, False])
@pytest.mark.parametrize("given_state", [False, True])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_cells_match_torch(cls, kw, batched, given_state, dtype):
    batch = (2,) if batched else ()
    states = [batch + (5,)] * (2 if cls == "LSTMCell" else 1) if given_state else []
    _assert_same(_run_both(cls, (3, 5), kw, batch + (3,), states, dtype), dtype)


def test_a_cell_run_over_a_sequence_equals_the_layer():
    """LSTMCell stepped by hand with the layer's weights gives the layer's output."""
    minigrad.manual_seed(0)
    layer = minigrad.nn.LSTM(3, 4, dtype=minigrad.float64)
    cell = minigrad.nn.LSTMCell(3, 4, dtype=minigrad.float64)
    cell.load_state_dict({k[:-3]: v for k, v in layer.state_dict().items()})
    x = minigrad.randn(5, 2, 3, dtype=minigrad.float64)
    out, (h, c) = layer(x)
    state = None
    for t in range(5):
        state = cell(x[t], state)
        np.testing.assert_allclose(state[0].detach().numpy(), out[t].detach().numpy(), rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(state[1].detach().numpy(), c[0].detach().numpy(), rtol=1e-14, atol=1e-15)


# ----- packed and padded sequences -------------------------------------------------------------
def _packed_run(lib, cls, kw, lengths, enforce_sorted, given_state):
    U = lib.nn.utils.rnn
    rng = np.random.default_rng(3)
    batch_first = kw.get("batch_first", False)
    n, longest = len(lengths), max(lengths)
    x = lib.tensor(rng.standard_normal((n, longest, 3) if batch_first else (longest, n, 3)),
                   dtype=lib.float64, requires_grad=True)
    module = _make(lib, cls, (3, 4), dict(kw, dtype="float64"))
    packed = U.pack_padded_sequence(x, lengths, batch_first=batch_first, enforce_sorted=enforce_sorted)
    states = []
    call = [packed]
    if given_state:
        layers = kw.get("num_layers", 1) * (2 if kw.get("bidirectional") else 1)
        states = [lib.tensor(rng.standard_normal((layers, n, 4)), dtype=lib.float64, requires_grad=True)
                  for _ in range(2 if cls == "LSTM" else 1)]
        call.append(tuple(states) if cls == "LSTM" else states[0])
    out, hidden = module(*call)
    padded, out_lengths = U.pad_packed_sequence(out, batch_first=batch_first, total_length=longest + 1)
    results = [packed.data, packed.batch_sizes, out.data, padded, out_lengths, *_flat(hidden)]
    loss = (padded * lib.linspace(-1, 2, padded.numel(), dtype=padded.dtype).reshape(padded.shape)).sum() \
        + sum((h * h).sum() for h in _flat(hidden))
    grads = lib.autograd.grad(loss, [x, *states, *module.parameters()])
    indices = [out.sorted_indices, out.unsorted_indices]
    return ([r.detach().numpy() for r in results] + [g.numpy() for g in grads],
            [None if i is None else i.tolist() for i in indices])


@pytest.mark.parametrize("cls", ["RNN", "LSTM", "GRU"])
@pytest.mark.parametrize("kw", [{}, {"num_layers": 2, "bidirectional": True},
                                {"batch_first": True, "bidirectional": True}],
                         ids=["default", "2 layers bidirectional", "batch_first bidirectional"])
@pytest.mark.parametrize(("lengths", "enforce_sorted"), [([4, 4, 2, 1], True), ([2, 4, 1, 3], False)])
@pytest.mark.parametrize("given_state", [False, True])
def test_packed_sequences_match_torch(cls, kw, lengths, enforce_sorted, given_state):
    """Each sequence stops at its length: its last hidden state is the one at its end (or, going
    backwards, at its start), and the padding neither runs nor gets a gradient."""
    (t_vals, t_idx), (m_vals, m_idx) = (_packed_run(lib, cls, kw, lengths, enforce_sorted, given_state)
                                        for lib in LIBS)
    assert m_idx == t_idx
    for i, (m, t) in enumerate(zip(m_vals, t_vals, strict=True)):
        assert m.dtype == t.dtype and m.shape == t.shape, i
        np.testing.assert_allclose(m, t, rtol=1e-12, atol=1e-12, err_msg=f"value {i}")


@pytest.mark.parametrize("code", [
    lambda lib, s: lib.nn.utils.rnn.pad_sequence(s),
    lambda lib, s: lib.nn.utils.rnn.pad_sequence(s, batch_first=True, padding_value=-1.5),
    lambda lib, s: lib.nn.utils.rnn.pad_sequence(s, padding_side="left"),
    lambda lib, s: lib.nn.utils.rnn.pad_sequence(iter(s), True, 2.0, "left"),
    lambda lib, s: lib.nn.utils.rnn.pack_sequence(s, enforce_sorted=False).data,
    lambda lib, s: lib.nn.utils.rnn.unpack_sequence(lib.nn.utils.rnn.pack_sequence(s, enforce_sorted=False)),
    lambda lib, s: lib.nn.utils.rnn.unpad_sequence(lib.nn.utils.rnn.pad_sequence(s), lib.tensor([3, 5, 1])),
    lambda lib, s: lib.nn.utils.rnn.pad_packed_sequence(
        lib.nn.utils.rnn.pack_sequence(s, enforce_sorted=False), batch_first=True, padding_value=9.0),
    lambda lib, s: lib.nn.utils.rnn.pack_padded_sequence(
        lib.nn.utils.rnn.pad_sequence(s, batch_first=True), lib.tensor([3, 5, 1]), batch_first=True,
        enforce_sorted=False).data,
    lambda lib, s: lib.nn.utils.rnn.pad_sequence([s[0], s[1].double()]),  # the first one's dtype
])
def test_padding_and_packing_match_torch(code):
    rng = np.random.default_rng(4)
    seqs = [rng.standard_normal((n, 2)) for n in (3, 5, 1)]
    found = []
    for lib in LIBS:
        s = [lib.tensor(a, dtype=lib.float32, requires_grad=True) for a in seqs]
        out = _flat(code(lib, s))
        floats = [o for o in out if o.is_floating_point()]
        grads = lib.autograd.grad(sum((o * o).sum() for o in floats), s, allow_unused=True)
        found.append([o.detach().numpy() for o in out] + [None if g is None else g.numpy() for g in grads])
    for m, t in zip(found[1], found[0], strict=True):
        if t is None:
            assert m is None
            continue
        assert m.dtype == t.dtype and m.shape == t.shape
        np.testing.assert_array_equal(m, t)  # copies and zeros only: exact


def test_packed_sequence_is_torchs_named_tuple():
    made = []
    for lib in LIBS:
        U = lib.nn.utils.rnn
        p = U.pack_sequence([lib.ones(2, 1), lib.ones(3, 1)], enforce_sorted=False)
        data, batch_sizes, sorted_indices, unsorted_indices = p
        made.append((type(p).__name__, p._fields, batch_sizes.dtype.name if hasattr(batch_sizes.dtype, "name")
                     else str(batch_sizes.dtype), batch_sizes.tolist(), sorted_indices.tolist(),
                     unsorted_indices.tolist(), p.double().data.dtype.is_floating_point,
                     U.invert_permutation(lib.tensor([2, 0, 1])).tolist(), p.is_cuda))
    made[0] = (*made[0][:2], "int64", *made[0][3:])  # torch.int64 has no .name
    assert made[1] == made[0]


# ----- printed text ------------------------------------------------------------------------------
def _all_modules(lib):
    nn = lib.nn
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return nn.Sequential(
            nn.RNN(10, 20), nn.RNN(10, 20, 2, "relu"), nn.LSTM(10, 20, num_layers=2, batch_first=True),
            nn.LSTM(3, 5, proj_size=2, bias=False, dropout=0.5, bidirectional=True),
            nn.GRU(4, 4, dropout=0.25),
            nn.RNNCell(3, 4), nn.RNNCell(3, 4, bias=False, nonlinearity="relu"), nn.LSTMCell(2, 3),
            nn.GRUCell(2, 3, bias=False))


def test_print_matches_torch():
    assert repr(_all_modules(minigrad)) == repr(_all_modules(torch))
    assert repr(minigrad.nn.LSTM(10, 20, num_layers=2, batch_first=True)) == \
        "LSTM(10, 20, num_layers=2, batch_first=True)"


def test_one_layer_with_dropout_warns_as_torch():
    messages = []
    for lib in LIBS:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            lib.nn.GRU(3, 4, dropout=0.5)
        messages.append([(c.category, str(c.message)) for c in caught])
    assert messages[1] == messages[0] and len(messages[0]) == 1


# ----- errors: torch's exception class and message -------------------------------------------------
def _r(lib, *shape, **kw):
    return lib.ones(*shape, **kw)


def _packed(lib, *shape):
    return lib.nn.utils.rnn.pack_padded_sequence(_r(lib, *shape), [shape[0], 1])


ERROR_CASES = {
    "input size": lambda L: L.nn.RNN(10, 20)(_r(L, 3, 2, 5)),
    "4-D input RNN": lambda L: L.nn.RNN(10, 20)(_r(L, 3, 2, 2, 10)),
    "1-D input RNN": lambda L: L.nn.RNN(10, 20)(_r(L, 10)),
    "4-D input LSTM": lambda L: L.nn.LSTM(10, 20)(_r(L, 3, 2, 2, 10)),
    "4-D input GRU": lambda L: L.nn.GRU(10, 20)(_r(L, 3, 2, 2, 10)),
    "hidden size": lambda L: L.nn.RNN(10, 20)(_r(L, 3, 2, 10), _r(L, 2, 2, 20)),
    "hidden size, bidirectional": lambda L: L.nn.GRU(10, 20, bidirectional=True)(_r(L, 3, 2, 10),
                                                                                 _r(L, 1, 2, 20)),
    "hidden size, batch_first": lambda L: L.nn.GRU(10, 20, batch_first=True)(_r(L, 3, 2, 10),
                                                                             _r(L, 1, 2, 20)),
    "2-D hidden for batched input": lambda L: L.nn.RNN(10, 20)(_r(L, 3, 2, 10), _r(L, 2, 20)),
    "3-D hidden for unbatched input": lambda L: L.nn.RNN(10, 20)(_r(L, 3, 10), _r(L, 1, 1, 20)),
    "input dtype": lambda L: L.nn.RNN(10, 20)(_r(L, 3, 2, 10, dtype=L.float64)),
    "empty sequence": lambda L: L.nn.RNN(10, 20)(_r(L, 0, 2, 10)),
    "LSTM cell state size": lambda L: L.nn.LSTM(10, 20)(_r(L, 3, 2, 10), (_r(L, 1, 2, 20), _r(L, 1, 3, 20))),
    "LSTM hidden size": lambda L: L.nn.LSTM(10, 20)(_r(L, 3, 2, 10), (_r(L, 1, 3, 20), _r(L, 1, 3, 20))),
    "LSTM projected hidden size": lambda L: L.nn.LSTM(10, 20, proj_size=5)(_r(L, 3, 2, 10),
                                                                          (_r(L, 1, 2, 20), _r(L, 1, 2, 20))),
    "LSTM 2-D states for batched input": lambda L: L.nn.LSTM(10, 20)(_r(L, 3, 2, 10),
                                                                     (_r(L, 2, 20), _r(L, 2, 20))),
    "LSTM 3-D state for unbatched input": lambda L: L.nn.LSTM(10, 20)(_r(L, 3, 10),
                                                                      (_r(L, 1, 2, 20), _r(L, 2, 20))),
    "packed GRU input size": lambda L: L.nn.GRU(5, 3)(_packed(L, 3, 2, 4)),
    "packed LSTM input size": lambda L: L.nn.LSTM(5, 3)(_packed(L, 3, 2, 4)),
    "packed GRU hidden size": lambda L: L.nn.GRU(4, 3)(_packed(L, 3, 2, 4), _r(L, 1, 3, 3)),
    "cell input size": lambda L: L.nn.RNNCell(10, 20)(_r(L, 2, 5)),
    "cell hidden size": lambda L: L.nn.RNNCell(10, 20)(_r(L, 2, 10), _r(L, 2, 7)),
    "cell batch": lambda L: L.nn.RNNCell(10, 20)(_r(L, 2, 10), _r(L, 3, 20)),
    "cell 1-D hidden for batched input": lambda L: L.nn.RNNCell(10, 20)(_r(L, 2, 10), _r(L, 20)),
    "cell 2-D hidden for unbatched input": lambda L: L.nn.RNNCell(10, 20)(_r(L, 10), _r(L, 2, 20)),
    "cell 3-D input": lambda L: L.nn.RNNCell(10, 20)(_r(L, 2, 2, 10)),
    "cell input dtype": lambda L: L.nn.RNNCell(10, 20)(_r(L, 2, 10, dtype=L.float64)),
    "GRUCell 3-D hidden": lambda L: L.nn.GRUCell(10, 20)(_r(L, 2, 10), _r(L, 1, 2, 20)),
    "GRUCell hidden size": lambda L: L.nn.GRUCell(10, 20)(_r(L, 2, 10), _r(L, 2, 7)),
    "LSTMCell 3-D cell state": lambda L: L.nn.LSTMCell(10, 20)(_r(L, 2, 10), (_r(L, 2, 20), _r(L, 1, 2, 20))),
    "LSTMCell input size": lambda L: L.nn.LSTMCell(10, 20)(_r(L, 2, 5)),
    "LSTMCell cell state size": lambda L: L.nn.LSTMCell(10, 20)(_r(L, 2, 10), (_r(L, 2, 20), _r(L, 2, 7))),
    "LSTMCell cell state batch": lambda L: L.nn.LSTMCell(10, 20)(_r(L, 2, 10), (_r(L, 2, 20), _r(L, 3, 20))),
    "RNNCell unknown nonlinearity": lambda L: L.nn.RNNCell(10, 3, nonlinearity="x")(_r(L, 2, 10)),
    "RNN unknown nonlinearity": lambda L: L.nn.RNN(10, 20, nonlinearity="sigmoid"),
    "RNN proj_size": lambda L: L.nn.RNN(10, 20, proj_size=3),
    "GRU proj_size": lambda L: L.nn.GRU(10, 20, proj_size=3),
    "LSTM proj_size too big": lambda L: L.nn.LSTM(10, 20, proj_size=30),
    "LSTM negative proj_size": lambda L: L.nn.LSTM(10, 20, proj_size=-1),
    "dropout above 1": lambda L: L.nn.LSTM(10, 20, dropout=1.5),
    "dropout a bool": lambda L: L.nn.LSTM(10, 20, dropout=True),
    "hidden_size 0": lambda L: L.nn.LSTM(10, 0),
    "input_size 0": lambda L: L.nn.LSTM(0, 3),
    "input_size a float": lambda L: L.nn.LSTM(10.0, 3),
    "hidden_size a float": lambda L: L.nn.GRU(10, 3.0),
    "bias an int": lambda L: L.nn.GRU(10, 3, bias=1),
    "batch_first an int": lambda L: L.nn.GRU(10, 3, batch_first=1),
    "num_layers 0": lambda L: L.nn.LSTM(10, 3, num_layers=0),
    "RNNBase unknown mode": lambda L: L.nn.RNNBase("FOO", 3, 4),
    "RNNBase has no forward": lambda L: L.nn.RNNBase("LSTM", 3, 4)(_r(L, 2, 1, 3)),
    "pad_sequence of nothing": lambda L: L.nn.utils.rnn.pad_sequence([]),
    "pad_sequence padding_side": lambda L: L.nn.utils.rnn.pad_sequence([_r(L, 2)], padding_side="middle"),
    "pad_sequence of an int": lambda L: L.nn.utils.rnn.pad_sequence(5),
    "pack lengths not sorted": lambda L: L.nn.utils.rnn.pack_padded_sequence(_r(L, 3, 2, 4), [1, 2]),
    "pack a zero length": lambda L: L.nn.utils.rnn.pack_padded_sequence(_r(L, 3, 2, 4), [2, 0]),
    "pack too many lengths": lambda L: L.nn.utils.rnn.pack_padded_sequence(_r(L, 3, 2, 4), [2, 1, 1]),
    "pack an empty tensor": lambda L: L.nn.utils.rnn.pack_padded_sequence(_r(L, 0, 2, 4), [1, 1]),
    "unpack to a shorter total_length": lambda L: L.nn.utils.rnn.pad_packed_sequence(_packed(L, 3, 2, 4),
                                                                                     total_length=2),
}


@pytest.mark.parametrize("case", list(ERROR_CASES))
def test_errors_match_torch(case):
    raised = []
    for lib in LIBS:
        with pytest.raises(Exception) as info, warnings.catch_warnings():  # noqa: PT011  (compared below)
            warnings.simplefilter("ignore")
            ERROR_CASES[case](lib)
        raised.append(info.value)
    t_err, m_err = raised
    assert type(m_err) is type(t_err), (t_err, m_err)
    # in-process minigrad names its dtypes minigrad.float32
    assert str(m_err).replace("minigrad.", "torch.") == str(t_err)


# ----- whole programs, compared statement by statement by the fuzzer's runner ---------------------
PROGRAMS = {
    "lstm with given state, values and gradients of every result": [
        "T.manual_seed(0)", "m = T.nn.LSTM(3, 4, num_layers=2, bidirectional=True, dtype=T.float64)",
        "x0 = T.randn(5, 2, 3, dtype=T.float64, requires_grad=True)",
        "x1 = T.randn(4, 2, 4, dtype=T.float64, requires_grad=True)",
        "x2 = T.randn(4, 2, 4, dtype=T.float64, requires_grad=True)",
        "v0, (v1, v2) = m(x0, (x1, x2))", "loss = (v0 * v0).sum() + v1.sum() + v2.sum()",
        "g = T.autograd.grad(loss, [x0, x1, x2], create_graph=True)",
        "gg = T.autograd.grad(g[0].sum() + g[1].sum(), [x0, x1])"],
    "gru and rnn, batch_first and unbatched": [
        "T.manual_seed(1)", "m = T.nn.GRU(2, 3, batch_first=True)", "r = T.nn.RNN(3, 2, nonlinearity='relu')",
        "x0 = T.randn(2, 4, 2, requires_grad=True)", "v0, v1 = m(x0)", "v2, v3 = r(v0[0])",
        "loss = v2.sum() + v1.sum() + v3.sum()", "g = T.autograd.grad(loss, [x0])"],
    "cells in a loop": [
        "T.manual_seed(2)", "c = T.nn.GRUCell(2, 3, dtype=T.float64)",
        "d = T.nn.LSTMCell(3, 2, dtype=T.float64)",
        "x0 = T.randn(3, 4, 2, dtype=T.float64, requires_grad=True)", "v0 = c(x0[0])", "v1 = c(x0[1], v0)",
        "v2, v3 = d(v1)", "v4, v5 = d(v0, (v2, v3))", "loss = v4.sum() * v5.sum()",
        "g = T.autograd.grad(loss, [x0], create_graph=True)", "gg = T.autograd.grad(g[0].sum(), [x0])"],
}


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_program_agrees_with_torch(name):
    lines = PROGRAMS[name]
    assert compare_programs(Program(lines, ["stmt"] * len(lines))) is None


# ----- training --------------------------------------------------------------------------------
def _sequence_sum_losses(lib, cls, dtype, steps=20):
    """Regress the running sum of a sequence (every step) with a recurrent layer and a Linear
    head, trained with Adam; returns each step's loss."""
    gen = np.random.default_rng(5)
    x = gen.uniform(-1, 1, (16, 8, 2))  # (batch, time, features)
    y = np.cumsum(x[..., :1] - x[..., 1:], axis=1)
    lib.manual_seed(0)
    nn = lib.nn
    rnn = getattr(nn, cls)(2, 12, num_layers=2, batch_first=True, dtype=getattr(lib, dtype))
    head = nn.Linear(12, 1, dtype=getattr(lib, dtype))
    opt = lib.optim.Adam([*rnn.parameters(), *head.parameters()], lr=0.02)
    xt, yt = lib.tensor(x, dtype=getattr(lib, dtype)), lib.tensor(y, dtype=getattr(lib, dtype))
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        out, _ = rnn(xt)
        loss = nn.functional.mse_loss(head(out), yt)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses


@pytest.mark.parametrize("cls", ["RNN", "LSTM", "GRU"])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_training_trajectory_matches_torch(cls, dtype):
    t_losses, m_losses = (_sequence_sum_losses(lib, cls, dtype) for lib in LIBS)
    assert m_losses[-1] < 0.7 * m_losses[0]  # it learns
    # float64: rounding only, amplified mildly by 20 Adam steps.  float32: Adam's first steps move
    # every weight by ~lr whatever the gradient's size, so ulp-level gradient differences reach
    # the weights; 1e-4 relative over 20 steps.
    np.testing.assert_allclose(m_losses, t_losses, rtol=1e-10 if dtype == "float64" else 1e-4)


def test_a_long_sequence_is_not_slow():
    """50 steps, batch 32, hidden 64: forward and backward take a few hundredths of a second
    (each step's gradient is joined once, not scattered into the whole sequence's)."""
    from threadpoolctl import threadpool_limits
    minigrad.manual_seed(0)
    with threadpool_limits(1):
        for cls in ("LSTM", "GRU"):
            layer = getattr(minigrad.nn, cls)(64, 64)
            x = minigrad.randn(50, 32, 64, requires_grad=True)
            best = float("inf")
            for _ in range(2):
                start = time.perf_counter()
                out, _ = layer(x)
                out.sum().backward()
                best = min(best, time.perf_counter() - start)
            assert best < 1.0, (cls, best)
