"""Convolution, pooling and padding layers against torch: initialisation after the same seed,
printed text, node names, errors (class and message), 'same' padding with even kernels, padding
modes, unbatched input, max pooling's ties, and a small CNN trained by both engines on
scikit-learn's 8x8 digits.  (Values and gradients of the functional forms, first and second order,
are in the op registry: ``minigrad/testing/_registry_conv.py``.)"""
from __future__ import annotations

import importlib
import re
import warnings

import numpy as np
import pytest
import torch

import minigrad
from minigrad.testing import check_parity


def F(lib):
    return importlib.import_module(lib.__name__ + ".nn.functional")


@pytest.fixture(autouse=True)
def one_torch_thread():
    """Small ops: torch's thread pool only adds noise; results do not depend on it."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


# ----- initialisation: the same seed gives torch's weights, bit for bit ----------------------------
INIT_CASES = [
    ("Conv2d", (1, 16, 3), {}),
    ("Conv2d", (4, 6, (3, 2)), {"groups": 2, "stride": 2}),
    ("Conv2d", (3, 5, 2), {"bias": False, "padding": "same"}),
    ("Conv2d", (2, 3, 3), {"dtype": "float64"}),
    ("Conv1d", (3, 4, 5), {"padding": 2, "padding_mode": "reflect"}),
    ("Conv1d", (2, 2, 1), {"groups": 2}),
]


@pytest.mark.parametrize(("cls", "args", "kw"), INIT_CASES)
def test_initialisation_equals_torch_after_the_same_seed(cls, args, kw):
    made = {}
    for lib in (torch, minigrad):
        lib.manual_seed(7)
        kwargs = dict(kw, dtype=getattr(lib, kw["dtype"])) if "dtype" in kw else kw
        made[lib.__name__] = getattr(lib.nn, cls)(*args, **kwargs)
    t, m = made["torch"], made["minigrad"]
    t_params = dict(t.named_parameters())
    m_params = dict(m.named_parameters())
    assert list(m_params) == list(t_params)
    for name, p in t_params.items():
        assert m_params[name].dtype.name == str(p.dtype).split(".")[1]
        np.testing.assert_array_equal(m_params[name].detach().numpy(), p.detach().numpy(), err_msg=name)
    # and the generator is left where torch leaves it
    np.testing.assert_array_equal(minigrad.rand(3).numpy(), torch.rand(3).numpy())


# ----- printed text ------------------------------------------------------------------------------
def _all_layers(lib):
    nn = lib.nn
    return nn.Sequential(
        nn.Conv1d(2, 3, 3), nn.Conv2d(1, 16, 3),
        nn.Conv2d(2, 4, (3, 2), stride=2, padding=1, dilation=2, groups=2, bias=False,
                  padding_mode="reflect"),
        nn.Conv2d(1, 2, 3, padding="same"), nn.Conv2d(1, 2, 3, padding="valid"),
        nn.Conv1d(1, 2, 2, stride=(2,)), nn.MaxPool2d(2),
        nn.MaxPool2d((2, 3), stride=1, padding=1, dilation=2, return_indices=True, ceil_mode=True),
        nn.MaxPool1d(2), nn.AvgPool2d(2), nn.AvgPool2d(3, 1, 1, True, False, 2), nn.AvgPool1d(2),
        nn.AvgPool1d(3, 1, 1, True, False), nn.AdaptiveAvgPool2d((None, 3)), nn.AdaptiveAvgPool2d(1),
        nn.AdaptiveAvgPool1d(4), nn.Unflatten(1, (2, 3)), nn.Flatten(), nn.Unfold(2),
        nn.Fold((4, 4), 2, padding=1), nn.ZeroPad2d(1), nn.ZeroPad2d((1, 2, 0, 1)), nn.ZeroPad1d(2),
        nn.ConstantPad1d(2, 3.5), nn.ConstantPad2d((1, 0, 2, 0), 1), nn.ReflectionPad1d(2),
        nn.ReflectionPad2d((1, 1, 2, 0)), nn.ReplicationPad1d((1, 2)), nn.ReplicationPad2d(1),
        nn.CircularPad1d(1), nn.CircularPad2d(1))


def test_print_matches_torch():
    assert repr(_all_layers(minigrad)) == repr(_all_layers(torch))


def test_module_attributes_match_torch():
    for name in ("kernel_size", "stride", "padding", "dilation", "groups", "padding_mode",
                 "_reversed_padding_repeated_twice"):
        for args, kw in [((2, 3, (3, 2)), {"padding": (1, 2)}),
                         ((2, 3, 4), {"padding": "same", "dilation": 2}),
                         ((2, 3, 3), {"padding": "valid"})]:
            t, m = torch.nn.Conv2d(*args, **kw), minigrad.nn.Conv2d(*args, **kw)
            assert getattr(m, name) == getattr(t, name), (name, args, kw)


# ----- node names --------------------------------------------------------------------------------
def _create_graph_grad(lib, out, x):
    return lib.autograd.grad(out.sum(), x, create_graph=True)[0]


# case -> fn(lib, Fn, x, w) with x (2, 3, 6, 6) and w (4, 3, 3, 3), both requiring grad
NODE_CASES = {
    "conv2d": lambda lib, Fn, x, w: Fn.conv2d(x, w),
    "conv2d unbatched": lambda lib, Fn, x, w: Fn.conv2d(x[0], w),
    "conv1d": lambda lib, Fn, x, w: Fn.conv1d(x[:, :, 0], w[:, :, 0]),
    "conv2d same, even kernel": lambda lib, Fn, x, w: Fn.conv2d(x, w[:, :, :2, :2], padding="same"),
    "max_pool2d": lambda lib, Fn, x, w: Fn.max_pool2d(x, 2),
    "max_pool2d unbatched": lambda lib, Fn, x, w: Fn.max_pool2d(x[0], 2),
    "max_pool1d": lambda lib, Fn, x, w: Fn.max_pool1d(x[:, :, 0], 2),
    "avg_pool2d": lambda lib, Fn, x, w: Fn.avg_pool2d(x, 2),
    "avg_pool1d": lambda lib, Fn, x, w: Fn.avg_pool1d(x[:, :, 0], 2),
    "adaptive_avg_pool2d": lambda lib, Fn, x, w: Fn.adaptive_avg_pool2d(x, 3),
    "adaptive_avg_pool2d to 1": lambda lib, Fn, x, w: Fn.adaptive_avg_pool2d(x, 1),
    "adaptive_avg_pool1d": lambda lib, Fn, x, w: Fn.adaptive_avg_pool1d(x[:, :, 0], 3),
    "pad constant": lambda lib, Fn, x, w: Fn.pad(x, (1, 1)),
    "pad reflect 1-D": lambda lib, Fn, x, w: Fn.pad(x[:, :, 0], (1, 1), mode="reflect"),
    "pad reflect 2-D": lambda lib, Fn, x, w: Fn.pad(x, (1, 1, 1, 1), mode="reflect"),
    "pad replicate 1-D": lambda lib, Fn, x, w: Fn.pad(x[:, :, 0], (1, 1), mode="replicate"),
    "pad replicate 2-D": lambda lib, Fn, x, w: Fn.pad(x, (1, 1, 1, 1), mode="replicate"),
    "unfold": lambda lib, Fn, x, w: Fn.unfold(x, 2),
    "fold": lambda lib, Fn, x, w: Fn.fold(Fn.unfold(x, 2), (6, 6), 2),
}


@pytest.mark.filterwarnings("ignore:Using padding='same'")
@pytest.mark.parametrize("case", list(NODE_CASES))
def test_node_names_match_torch(case):
    rng = np.random.default_rng(0)
    x, w = rng.standard_normal((2, 3, 6, 6)), rng.standard_normal((4, 3, 3, 3))
    names = []
    for lib in (torch, minigrad):
        xt, wt = lib.tensor(x, requires_grad=True), lib.tensor(w, requires_grad=True)
        out = NODE_CASES[case](lib, F(lib), xt, wt)
        names.append(out.grad_fn.name())
    assert names[1] == names[0]


# the gradient w.r.t. the input of each op, taken with create_graph=True: fn(F, x, w)
BACKWARD_CASES = {
    "conv2d": lambda Fn, x, w: Fn.conv2d(x, w),
    "conv1d": lambda Fn, x, w: Fn.conv1d(x[:, :, 0], w[:, :, 0]),
    "max_pool2d": lambda Fn, x, w: Fn.max_pool2d(x, 2),
    "avg_pool2d": lambda Fn, x, w: Fn.avg_pool2d(x, 3, 2, 1),
    "adaptive_avg_pool2d": lambda Fn, x, w: Fn.adaptive_avg_pool2d(x, 4),
    "reflect pad": lambda Fn, x, w: Fn.pad(x, (1, 2, 2, 1), mode="reflect"),
    "replicate pad": lambda Fn, x, w: Fn.pad(x[0], (1, 2), mode="replicate"),
    "constant pad": lambda Fn, x, w: Fn.pad(x, (1, 2)),
    "unfold": lambda Fn, x, w: Fn.unfold(x, 2),
}


@pytest.mark.parametrize("case", list(BACKWARD_CASES))
def test_backward_graphs_as_torch(case):
    """With create_graph=True the input's gradient has torch's node, requires grad exactly when
    torch's does (the backward of a convolution or a pooling stays connected to the input even
    where the weight does not require grad), and differentiating it again w.r.t. the input gives
    what torch gives: zeros, or None (allow_unused) where torch leaves it undefined."""
    rng = np.random.default_rng(0)
    x, w = rng.standard_normal((2, 3, 6, 6)), rng.standard_normal((4, 3, 3, 3))
    seen = []
    for lib in (torch, minigrad):
        xt = lib.tensor(x, requires_grad=True)
        out = BACKWARD_CASES[case](F(lib), xt, lib.tensor(w))
        g = _create_graph_grad(lib, out, xt)
        again = lib.autograd.grad(g.sum(), xt, allow_unused=True)[0] if g.requires_grad else "no graph"
        seen.append((g.grad_fn.name() if g.grad_fn is not None else None, g.requires_grad,
                     again if again is None or isinstance(again, str) else again.numpy().tolist()))
    assert seen[1] == seen[0]


# ----- errors: torch's exception class and message ---------------------------------------------
def _x(lib, *shape):
    return lib.ones(*shape)


ERROR_CASES = {
    "conv2d 2-D input": lambda lib: F(lib).conv2d(_x(lib, 8, 8), _x(lib, 4, 3, 3, 3)),
    "conv2d 5-D input": lambda lib: F(lib).conv2d(_x(lib, 1, 2, 3, 8, 8), _x(lib, 4, 3, 3, 3)),
    "conv1d 4-D weight": lambda lib: F(lib).conv1d(_x(lib, 2, 3, 8), _x(lib, 4, 3, 3, 3)),
    "channel mismatch": lambda lib: F(lib).conv2d(_x(lib, 2, 3, 8, 8), _x(lib, 4, 2, 3, 3)),
    "channel mismatch, unbatched": lambda lib: F(lib).conv2d(_x(lib, 3, 8, 8), _x(lib, 4, 2, 3, 3)),
    "channel mismatch with groups": lambda lib: F(lib).conv2d(_x(lib, 2, 3, 8, 8), _x(lib, 4, 3, 3, 3),
                                                              groups=2),
    "out channels not divisible by groups": lambda lib: F(lib).conv2d(_x(lib, 2, 3, 8, 8),
                                                                      _x(lib, 4, 1, 3, 3), groups=3),
    "no filters": lambda lib: F(lib).conv2d(_x(lib, 2, 3, 8, 8), _x(lib, 0, 3, 3, 3)),
    "kernel bigger than input": lambda lib: F(lib).conv2d(_x(lib, 2, 3, 8, 8), _x(lib, 4, 3, 9, 9)),
    "dilated kernel bigger than input": lambda lib: F(lib).conv2d(_x(lib, 2, 3, 8, 8), _x(lib, 4, 3, 3, 3),
                                                                  dilation=4),
    "conv1d kernel bigger than input": lambda lib: F(lib).conv1d(_x(lib, 2, 3, 8), _x(lib, 4, 3, 9)),
    "bias of the wrong size": lambda lib: F(lib).conv2d(_x(lib, 2, 3, 8, 8), _x(lib, 4, 3, 3, 3), _x(lib, 3)),
    "zero stride": lambda lib: F(lib).conv2d(_x(lib, 2, 3, 8, 8), _x(lib, 4, 3, 3, 3), stride=0),
    "negative padding": lambda lib: F(lib).conv2d(_x(lib, 2, 3, 8, 8), _x(lib, 4, 3, 3, 3), padding=(1, -1)),
    "zero dilation": lambda lib: F(lib).conv2d(_x(lib, 2, 3, 8, 8), _x(lib, 4, 3, 3, 3), dilation=0),
    "zero groups": lambda lib: F(lib).conv2d(_x(lib, 2, 3, 8, 8), _x(lib, 4, 3, 3, 3), groups=0),
    "'same' with stride": lambda lib: F(lib).conv2d(_x(lib, 2, 3, 8, 8), _x(lib, 4, 3, 3, 3), stride=2,
                                                    padding="same"),
    "bad padding string": lambda lib: F(lib).conv2d(_x(lib, 2, 3, 8, 8), _x(lib, 4, 3, 3, 3), padding="full"),
    "padding of the wrong length": lambda lib: F(lib).conv2d(_x(lib, 2, 3, 8, 8), _x(lib, 4, 3, 3, 3),
                                                             padding=(1, 1, 1)),
    "double input, float weight": lambda lib: F(lib).conv2d(_x(lib, 2, 3, 8, 8).double(),
                                                            _x(lib, 4, 3, 3, 3)),
    "float input, double weight": lambda lib: F(lib).conv2d(_x(lib, 2, 3, 8, 8),
                                                            _x(lib, 4, 3, 3, 3).double()),
    "float input, double bias": lambda lib: F(lib).conv2d(_x(lib, 2, 3, 8, 8), _x(lib, 4, 3, 3, 3),
                                                          _x(lib, 4).double()),
    "Conv2d zero groups": lambda lib: lib.nn.Conv2d(2, 4, 3, groups=0),
    "Conv2d in_channels not divisible": lambda lib: lib.nn.Conv2d(3, 4, 3, groups=2),
    "Conv2d out_channels not divisible": lambda lib: lib.nn.Conv2d(2, 3, 3, groups=2),
    "Conv2d bad padding string": lambda lib: lib.nn.Conv2d(2, 3, 3, padding="full"),
    "Conv2d 'same' with stride": lambda lib: lib.nn.Conv2d(2, 3, 3, stride=2, padding="same"),
    "Conv2d bad padding_mode": lambda lib: lib.nn.Conv2d(2, 3, 3, padding_mode="mirror"),
    "max_pool2d 2-D input": lambda lib: F(lib).max_pool2d(_x(lib, 8, 8), 2),
    "max_pool2d window bigger than input": lambda lib: F(lib).max_pool2d(_x(lib, 2, 3, 8, 8), 9),
    "max_pool2d too much padding": lambda lib: F(lib).max_pool2d(_x(lib, 2, 3, 8, 8), 3, padding=2),
    "max_pool2d too much padding, dilated": lambda lib: F(lib).max_pool2d(_x(lib, 2, 3, 8, 8), 3, padding=2,
                                                                          dilation=2),
    "max_pool2d zero kernel": lambda lib: F(lib).max_pool2d(_x(lib, 2, 3, 8, 8), 0, stride=1),
    "max_pool2d zero stride": lambda lib: F(lib).max_pool2d(_x(lib, 2, 3, 8, 8), 2, stride=0),
    "max_pool2d zero dilation": lambda lib: F(lib).max_pool2d(_x(lib, 2, 3, 8, 8), 2, dilation=0),
    "max_pool2d 3 kernel sizes": lambda lib: F(lib).max_pool2d(_x(lib, 2, 3, 8, 8), (2, 2, 2)),
    "max_pool2d empty channels": lambda lib: F(lib).max_pool2d(_x(lib, 2, 0, 4, 4), 2),
    "max_pool1d 1-D input": lambda lib: F(lib).max_pool1d(_x(lib, 8), 2),
    "max_pool1d window bigger than input": lambda lib: F(lib).max_pool1d(_x(lib, 2, 3, 4), 5),
    "max_pool1d too much padding": lambda lib: F(lib).max_pool1d(_x(lib, 2, 3, 4), 2, padding=2),
    "max_pool1d zero kernel": lambda lib: F(lib).max_pool1d(_x(lib, 2, 3, 4), 0),
    "max_pool1d 2 kernel sizes": lambda lib: F(lib).max_pool1d(_x(lib, 2, 3, 4), (2, 2)),
    "avg_pool2d 2-D input": lambda lib: F(lib).avg_pool2d(_x(lib, 8, 8), 2),
    "avg_pool2d window bigger than input": lambda lib: F(lib).avg_pool2d(_x(lib, 2, 3, 1, 1), 2),
    "avg_pool2d too much padding": lambda lib: F(lib).avg_pool2d(_x(lib, 2, 3, 8, 8), 3, padding=2),
    "avg_pool2d zero divisor": lambda lib: F(lib).avg_pool2d(_x(lib, 2, 3, 8, 8), 2, divisor_override=0),
    "avg_pool1d 1-D input": lambda lib: F(lib).avg_pool1d(_x(lib, 8), 2),
    "avg_pool1d 2 kernel sizes": lambda lib: F(lib).avg_pool1d(_x(lib, 3, 8), (2, 2)),
    "adaptive_avg_pool2d 1-D input": lambda lib: F(lib).adaptive_avg_pool2d(_x(lib, 8), 2),
    "adaptive_avg_pool2d 3 sizes": lambda lib: F(lib).adaptive_avg_pool2d(_x(lib, 2, 3, 8, 8), (2, 2, 2)),
    "adaptive_avg_pool2d negative size": lambda lib: F(lib).adaptive_avg_pool2d(_x(lib, 2, 3, 8, 8), -1),
    "adaptive_avg_pool2d empty input": lambda lib: F(lib).adaptive_avg_pool2d(_x(lib, 2, 3, 0, 4), 2),
    "adaptive_avg_pool1d 2 sizes": lambda lib: F(lib).adaptive_avg_pool1d(_x(lib, 2, 3, 8), (2, 2)),
    "pad odd length": lambda lib: F(lib).pad(_x(lib, 2, 3), (1,)),
    "pad too long": lambda lib: F(lib).pad(_x(lib, 2, 3), (1, 1, 1, 1, 1, 1)),
    "pad crops below zero": lambda lib: F(lib).pad(_x(lib, 2, 3, 4), (-5, 0)),
    "pad unknown mode": lambda lib: F(lib).pad(_x(lib, 2, 3, 4), (1, 1), mode="mirror"),
    "reflect pad as large as the input": lambda lib: F(lib).pad(_x(lib, 2, 3, 4, 4), (4, 4, 1, 1),
                                                                mode="reflect"),
    "reflect pad with a value": lambda lib: F(lib).pad(_x(lib, 2, 3, 4), (1, 1), mode="reflect", value=2.0),
    "reflect pad of a 1-D input": lambda lib: F(lib).pad(_x(lib, 4), (1, 1), mode="reflect"),
    "replicate pad of 2 dims of a 5-D input": lambda lib: F(lib).pad(_x(lib, 1, 1, 2, 3, 4), (1, 1, 1, 1),
                                                                     mode="replicate"),
    "replicate pad of an empty input": lambda lib: F(lib).pad(_x(lib, 2, 3, 0), (1, 1), mode="replicate"),
    "unfold kernel bigger than input": lambda lib: F(lib).unfold(_x(lib, 2, 3, 4, 4), 5),
    "unfold zero stride": lambda lib: F(lib).unfold(_x(lib, 2, 3, 4, 4), 2, stride=0),
    "unfold negative padding": lambda lib: F(lib).unfold(_x(lib, 2, 3, 4, 4), 2, padding=-1),
    "unfold 3 kernel sizes": lambda lib: F(lib).unfold(_x(lib, 2, 3, 4, 4), (2, 2, 2)),
    "unfold empty channels": lambda lib: F(lib).unfold(_x(lib, 2, 0, 4, 4), 2),
    "fold wrong number of blocks": lambda lib: F(lib).fold(_x(lib, 2, 12, 9), (5, 5), 2),
    "fold channels not divisible": lambda lib: F(lib).fold(_x(lib, 2, 13, 9), (4, 4), 2),
    "fold 1-D input": lambda lib: F(lib).fold(_x(lib, 9), (4, 4), 2),
}


@pytest.mark.parametrize("case", list(ERROR_CASES))
def test_errors_match_torch(case):
    raised = []
    for lib in (torch, minigrad):
        with pytest.raises(Exception) as info:  # noqa: PT011  (the class is compared below)
            ERROR_CASES[case](lib)
        raised.append(info.value)
    t_err, m_err = raised
    assert type(m_err) is type(t_err), (t_err, m_err)
    assert _sets_sorted(str(m_err)) == _sets_sorted(str(t_err))


def _sets_sorted(message: str) -> str:
    """torch prints a Python set in some messages ({'same', 'valid'}): its order depends on the
    process's string hashing, so compare the elements sorted."""
    return re.sub(r"\{([^{}]*)\}", lambda m: "{" + ", ".join(sorted(m.group(1).split(", "))) + "}", message)


# ----- 'same' padding, padding modes, unbatched input --------------------------------------------
@pytest.mark.parametrize("kernel", [(2, 2), (4, 3), (1, 2), (3, 3)])
@pytest.mark.parametrize("dilation", [1, 2])
def test_same_padding_keeps_the_size_with_even_kernels_too(kernel, dilation):
    """The odd one out of an even kernel's padding goes at the end, as in torch, with torch's
    warning when the kernel is even and the dilation odd (torch gives it once per process, so
    only minigrad's is checked here)."""
    rng = np.random.default_rng(1)
    x, w, b = rng.standard_normal((2, 3, 5, 6)), rng.standard_normal((4, 3, *kernel)), rng.standard_normal(4)
    even = any(k % 2 == 0 for k in kernel) and dilation % 2 == 1
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = F(minigrad).conv2d(minigrad.tensor(x), minigrad.tensor(w), padding="same", dilation=dilation)
    assert tuple(out.shape) == (2, 4, 5, 6)
    assert any("padding='same' with even kernel lengths" in str(c.message) for c in caught) == even
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check_parity(lambda *t: F(minigrad).conv2d(*t, padding="same", dilation=dilation),
                     lambda *t: F(torch).conv2d(*t, padding="same", dilation=dilation), x, w, b,
                     allow_errors=False)
        for lib_module in ("Conv2d",):
            torch.manual_seed(3)
            minigrad.manual_seed(3)
            t_conv = getattr(torch.nn, lib_module)(3, 4, kernel, padding="same", dilation=dilation)
            m_conv = getattr(minigrad.nn, lib_module)(3, 4, kernel, padding="same", dilation=dilation)
            np.testing.assert_allclose(m_conv(minigrad.tensor(x, dtype=minigrad.float32)).detach().numpy(),
                                       t_conv(torch.tensor(x, dtype=torch.float32)).detach().numpy(),
                                       rtol=1e-5, atol=1e-6)  # float32 sums of 3*k terms, another order


@pytest.mark.parametrize("padding_mode", ["zeros", "reflect", "replicate", "circular"])
@pytest.mark.parametrize(("cls", "shape", "kw"), [
    ("Conv2d", (2, 3, 5, 6), {"padding": (1, 2), "stride": (2, 1)}),
    ("Conv2d", (3, 5, 6), {"padding": "same", "dilation": 2}),
    ("Conv1d", (2, 3, 7), {"padding": 2}),
    ("Conv1d", (3, 7), {"padding": "same"}),
])
def test_padding_modes_match_torch(padding_mode, cls, shape, kw):
    """Values and gradients (input, weight, bias; first and second order) of the modules."""
    rng = np.random.default_rng(2)
    x = rng.standard_normal(shape)
    made = {}
    for lib in (torch, minigrad):
        lib.manual_seed(5)
        made[lib] = getattr(lib.nn, cls)(3, 4, 3, padding_mode=padding_mode, dtype=lib.float64, **kw)
    weights = [made[torch].weight.detach().numpy(), made[torch].bias.detach().numpy()]

    def run(lib):
        def fn(x, w, b):
            conv = made[lib]
            return conv._conv_forward(x, w, b)
        return fn

    check_parity(run(minigrad), run(torch), x, *weights, allow_errors=False)


def test_max_pool_ties_go_to_the_first_element_of_the_window():
    x = np.array([[[[1.0, 1.0, 0.0, 2.0], [1.0, 1.0, 2.0, 2.0], [0.0, 0.0, 0.0, 0.0]]]])
    for kw in [{"kernel_size": 2}, {"kernel_size": 2, "stride": 1},
               {"kernel_size": 3, "stride": 1, "padding": 1}, {"kernel_size": 2, "ceil_mode": True}]:
        outs = [F(lib).max_pool2d(lib.tensor(x, requires_grad=True), return_indices=True, **kw)
                for lib in (torch, minigrad)]
        np.testing.assert_array_equal(outs[1][1].numpy(), outs[0][1].numpy(), err_msg=str(kw))
        grads = []
        for lib, (out, _) in zip((torch, minigrad), outs, strict=True):
            leaf = out.grad_fn.next_functions[0][0].variable
            grads.append(lib.autograd.grad(out.sum(), leaf)[0].numpy())
        np.testing.assert_array_equal(grads[1], grads[0], err_msg=str(kw))


@pytest.mark.parametrize(("shape", "args"), [((1, 1, 2, 1), ((1, 2), 1, (0, 1), (1, 2))),
                                             ((1, 1, 1, 1), ((2, 1), 1, (1, 0), (2, 1))),
                                             ((2, 1, 3), (2, 1, 1, 3))])
def test_max_pool_windows_of_padding_only_as_torch(shape, args):
    """A dilated window can skip the whole input: its max is -inf, and torch reports the index
    where its scan would start (possibly outside the window, or the plane) and sends the gradient
    there when it is inside the plane."""
    results = []
    for lib in (torch, minigrad):
        x = lib.zeros(*shape, requires_grad=True)
        pool = F(lib).max_pool2d if len(shape) == 4 else F(lib).max_pool1d
        out, indices = pool(x, *args, return_indices=True)
        out.sum().backward()
        results.append([out.detach().numpy(), indices.numpy(), x.grad.numpy()])
    for m, t in zip(results[1], results[0], strict=True):
        np.testing.assert_array_equal(m, t)


@pytest.mark.parametrize("module", [
    lambda nn: nn.MaxPool2d(2), lambda nn: nn.MaxPool2d(3, 2, 1, ceil_mode=True),
    lambda nn: nn.MaxPool1d(3, 2, 1),
    lambda nn: nn.AvgPool2d(3, 2, 1, ceil_mode=True, count_include_pad=False), lambda nn: nn.AvgPool1d(2),
    lambda nn: nn.AdaptiveAvgPool2d((2, None)), lambda nn: nn.AdaptiveAvgPool1d(3),
    lambda nn: nn.Unflatten(-1, (2, -1)),
    lambda nn: nn.MaxPool2d(2, return_indices=True), lambda nn: nn.Unfold((2, 3), 2, 1, (1, 2)),
    lambda nn: nn.ZeroPad2d((1, 2, -1, 1)), lambda nn: nn.ConstantPad1d((2, 1), -1.5),
    lambda nn: nn.ReflectionPad2d((1, 2, 3, 0)), lambda nn: nn.ReflectionPad1d(3),
    lambda nn: nn.ReplicationPad2d((0, 2, 1, 1)), lambda nn: nn.ReplicationPad1d(4),
    lambda nn: nn.CircularPad2d(2), lambda nn: nn.CircularPad1d((1, 3)),
])
def test_parameter_free_layers_match_torch(module):
    rng = np.random.default_rng(3)
    for shape in [(2, 3, 6, 8), (3, 6, 8)]:
        x = rng.standard_normal(shape)
        if "1d" in repr(module(torch.nn)):
            x = x[..., 0, :]
        check_parity(lambda t: module(minigrad.nn)(t), lambda t: module(torch.nn)(t), x, allow_errors=False)


@pytest.mark.parametrize("batched", [True, False])
def test_fold_module_inverts_unfold_up_to_overlap_counts(batched):
    """Fold(Unfold(x)) multiplies each element by the number of windows covering it, in both."""
    x = np.random.default_rng(4).standard_normal((2, 3, 5, 6) if batched else (3, 5, 6))
    check_parity(lambda t: minigrad.nn.Fold((5, 6), 2, padding=1)(minigrad.nn.Unfold(2, padding=1)(t)),
                 lambda t: torch.nn.Fold((5, 6), 2, padding=1)(torch.nn.Unfold(2, padding=1)(t)), x,
                 allow_errors=False)


# ----- a small CNN trained by both engines on scikit-learn's 8x8 digits --------------------------
def _digits_cnn(lib):
    nn = lib.nn
    return nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),           # 8x8 -> 4x4
        nn.Conv2d(4, 6, 3, padding="same", padding_mode="replicate"), nn.Tanh(),
        nn.AvgPool2d(2, ceil_mode=True),                                     # -> 2x2
        nn.Dropout(0.25), nn.Flatten(), nn.Linear(24, 10))


def _digits_trajectory(lib, np_dtype, mode, steps):
    """Every step's loss and the final parameters, training from ``manual_seed(0)``."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    images = (digits.images / 16.0).astype(np_dtype)[:, None]  # (1797, 1, 8, 8) in [0, 1]
    lib.manual_seed(0)  # the weights and the dropout masks come from the generator
    model = _digits_cnn(lib).to(getattr(lib, np.dtype(np_dtype).name))
    model.train(mode == "train")
    opt = lib.optim.SGD(model.parameters(), lr=0.3, momentum=0.9)
    loss_fn = lib.nn.CrossEntropyLoss()
    losses = []
    for step in range(steps):
        batch = slice(32 * step, 32 * step + 32)
        opt.zero_grad()
        loss = loss_fn(model(lib.tensor(images[batch])), lib.tensor(digits.target[batch]))
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return np.array(losses), [p.detach().numpy().copy() for p in model.parameters()]


# (rtol, atol) per dtype, and why:
# float64: the same operations in the same order up to each engine's summation order inside the
#   convolutions' and the linear layer's products (9-36 terms) and its exp/log/tanh: an ulp here
#   and there, carried through 25 momentum steps.  Measured worst difference: 5e-16 (losses ~2,
#   parameters <= 0.4).  Bound 1e-10 relative, as test_trajectories.py.
# float32 (eps 1.2e-7): the same, with float32 rounding.  Measured worst difference 5e-7 (losses)
#   and 3e-7 (parameters); bound 1e-5 relative plus 5e-6 absolute, as test_trajectories.py.
CNN_TOLERANCES = {np.float64: (1e-10, 1e-13), np.float32: (1e-5, 5e-6)}


@pytest.mark.parametrize("mode", ["train", "eval"])
@pytest.mark.parametrize("np_dtype", [np.float64, np.float32], ids=["float64", "float32"])
def test_cnn_on_digits_trains_like_torch(np_dtype, mode):
    rtol, atol = CNN_TOLERANCES[np_dtype]
    t_losses, t_params = _digits_trajectory(torch, np_dtype, mode, steps=25)
    m_losses, m_params = _digits_trajectory(minigrad, np_dtype, mode, steps=25)
    np.testing.assert_allclose(m_losses, t_losses, rtol=rtol, atol=atol)
    assert t_losses[-5:].mean() < t_losses[:5].mean() - 0.3  # it learns: the steps are not noise
    for m, t in zip(m_params, t_params, strict=True):
        np.testing.assert_allclose(m, t, rtol=rtol, atol=atol)
