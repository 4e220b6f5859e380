"""Transposed convolution, channel and alpha dropout, interpolation and pixel shuffle against
torch: initialisation after the same seed, printed text, ``output_size``, errors and warnings
(class and message), node names, dropout masks bit for bit, interpolation indices, and a small
convolutional autoencoder trained by both engines on scikit-learn's 8x8 digits.  (Values and
gradients of the functional forms, first and second order, are in the op registry:
``minigrad/testing/_registry_upsampling.py``.)"""
from __future__ import annotations

import importlib
import warnings

import numpy as np
import pytest
import torch

import minigrad
from minigrad.testing.programs import Program, compare_programs


def F(lib):
    return importlib.import_module(lib.__name__ + ".nn.functional")


@pytest.fixture(autouse=True)
def one_torch_thread():
    """torch's bilinear kernel depends on the thread count for 3-channel inputs; fix it at one."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


# ----- initialisation: the same seed gives torch's weights, bit for bit ----------------------------
INIT_CASES = [
    ("ConvTranspose2d", (16, 8, 4), {"stride": 2, "padding": 1}),
    ("ConvTranspose2d", (4, 6, (3, 2)), {"groups": 2, "output_padding": 1, "stride": 2}),
    ("ConvTranspose2d", (3, 5, 2), {"bias": False}),
    ("ConvTranspose2d", (2, 3, 3), {"dtype": "float64", "dilation": 2}),
    ("ConvTranspose1d", (3, 4, 5), {"padding": 2}),
    ("ConvTranspose1d", (2, 2, 1), {"groups": 2}),
]


@pytest.mark.parametrize(("cls", "args", "kw"), INIT_CASES)
def test_initialisation_equals_torch_after_the_same_seed(cls, args, kw):
    made = {}
    for lib in (torch, minigrad):
        lib.manual_seed(7)
        kwargs = dict(kw, dtype=getattr(lib, kw["dtype"])) if "dtype" in kw else kw
        made[lib.__name__] = getattr(lib.nn, cls)(*args, **kwargs)
    t, m = made["torch"], made["minigrad"]
    t_params, m_params = dict(t.named_parameters()), dict(m.named_parameters())
    assert list(m_params) == list(t_params)
    for name, p in t_params.items():
        assert tuple(m_params[name].shape) == tuple(p.shape)
        assert m_params[name].dtype.name == str(p.dtype).split(".")[1]
        np.testing.assert_array_equal(m_params[name].detach().numpy(), p.detach().numpy(), err_msg=name)
    np.testing.assert_array_equal(minigrad.rand(3).numpy(), torch.rand(3).numpy())  # generator in step


# ----- printed text and attributes ------------------------------------------------------------------
def _all_layers(lib):
    nn = lib.nn
    return nn.Sequential(
        nn.ConvTranspose2d(16, 8, 4, 2, 1),
        nn.ConvTranspose2d(4, 6, (3, 2), stride=2, output_padding=1, groups=2, bias=False, dilation=2),
        nn.ConvTranspose1d(2, 3, 3), nn.ConvTranspose1d(2, 3, 3, padding=(1,), output_padding=0),
        nn.Dropout1d(), nn.Dropout2d(0.2), nn.Dropout3d(0.1, inplace=True), nn.AlphaDropout(0.3),
        nn.FeatureAlphaDropout(), nn.Upsample(scale_factor=2), nn.Upsample(size=(4, 5), mode="bilinear"),
        nn.Upsample(scale_factor=(2, 3), mode="bicubic", align_corners=True), nn.Upsample(size=3),
        nn.UpsamplingNearest2d(scale_factor=2), nn.UpsamplingBilinear2d(size=(3, 4)), nn.PixelShuffle(2),
        nn.PixelUnshuffle(3))


def test_print_matches_torch():
    assert repr(_all_layers(minigrad)) == repr(_all_layers(torch))


def test_module_attributes_match_torch():
    names = ("in_channels", "out_channels", "kernel_size", "stride", "padding", "dilation", "output_padding",
             "groups", "padding_mode", "transposed")
    for args, kw in [((2, 4, (3, 2)), {"padding": (1, 2), "output_padding": 1, "stride": 2}),
                     ((2, 4, 3), {"groups": 2, "dilation": 2})]:
        t, m = torch.nn.ConvTranspose2d(*args, **kw), minigrad.nn.ConvTranspose2d(*args, **kw)
        for name in names:
            assert getattr(m, name) == getattr(t, name), (name, args, kw)
    for kw in [{"scale_factor": 2}, {"scale_factor": (1, 2.5)}, {"size": 4, "mode": "bilinear"}]:
        t, m = torch.nn.Upsample(**kw), minigrad.nn.Upsample(**kw)
        for name in ("name", "size", "scale_factor", "mode", "align_corners", "recompute_scale_factor"):
            assert getattr(m, name) == getattr(t, name), (name, kw)


# ----- forward(input, output_size) ------------------------------------------------------------------
@pytest.mark.parametrize(("cls", "args", "shape", "output_size"), [
    ("ConvTranspose2d", (2, 3, 3, 2, 1), (1, 2, 4, 4), (8, 8)),
    ("ConvTranspose2d", (2, 3, 3, 2, 1), (1, 2, 4, 4), [7, 8]),
    ("ConvTranspose2d", (2, 3, 3, 2, 1), (2, 4, 4), (3, 8, 7)),
    ("ConvTranspose2d", (2, 3, 3, 2, 1), (1, 2, 4, 4), (1, 3, 8, 8)),
    ("ConvTranspose1d", (2, 3, 4, 3), (1, 2, 5), (16,)),
    ("ConvTranspose1d", (2, 3, 4, 3), (1, 2, 5), [18]),
])
def test_output_size_picks_the_output_padding(cls, args, shape, output_size):
    x = np.random.default_rng(0).standard_normal(shape)
    outs = []
    for lib in (torch, minigrad):
        lib.manual_seed(0)
        layer = getattr(lib.nn, cls)(*args, dtype=lib.float64)
        outs.append(layer(lib.tensor(x), output_size=output_size).detach().numpy())
    assert outs[1].shape == outs[0].shape
    np.testing.assert_allclose(outs[1], outs[0], rtol=1e-12, atol=1e-12)  # (float64: sums of <= 18 terms)


# ----- errors and warnings ------------------------------------------------------------------------
def _x(lib, *shape):
    return lib.zeros(*shape)


ERROR_CASES = {
    "conv_transpose2d output_padding too large": lambda lib: F(lib).conv_transpose2d(
        _x(lib, 1, 2, 3, 3), _x(lib, 2, 3, 3, 3), stride=2, output_padding=2),
    "conv_transpose2d output too small": lambda lib: F(lib).conv_transpose2d(
        _x(lib, 1, 2, 3, 3).double(), _x(lib, 2, 3, 3, 3).double(), padding=3),
    "conv_transpose2d negative padding": lambda lib: F(lib).conv_transpose2d(
        _x(lib, 1, 2, 3, 3), _x(lib, 2, 3, 3, 3), padding=-1),
    "conv_transpose2d negative output_padding": lambda lib: F(lib).conv_transpose2d(
        _x(lib, 1, 2, 3, 3), _x(lib, 2, 3, 3, 3), output_padding=-1),
    "conv_transpose2d zero stride": lambda lib: F(lib).conv_transpose2d(
        _x(lib, 1, 2, 3, 3), _x(lib, 2, 3, 3, 3), stride=0),
    "conv_transpose2d zero groups": lambda lib: F(lib).conv_transpose2d(
        _x(lib, 1, 2, 3, 3), _x(lib, 2, 3, 3, 3), groups=0),
    "conv_transpose2d wrong channels": lambda lib: F(lib).conv_transpose2d(_x(lib, 1, 3, 3, 3),
                                                                           _x(lib, 2, 3, 3, 3)),
    "conv_transpose2d wrong bias": lambda lib: F(lib).conv_transpose2d(
        _x(lib, 1, 2, 3, 3), _x(lib, 2, 3, 3, 3), _x(lib, 2)),
    "conv_transpose2d groups not dividing": lambda lib: F(lib).conv_transpose2d(
        _x(lib, 1, 3, 3, 3), _x(lib, 3, 3, 3, 3), groups=2),
    "conv_transpose2d 2-D input": lambda lib: F(lib).conv_transpose2d(_x(lib, 3, 3), _x(lib, 2, 3, 3, 3)),
    "conv_transpose2d 3 strides": lambda lib: F(lib).conv_transpose2d(
        _x(lib, 1, 2, 3, 3), _x(lib, 2, 3, 3, 3), stride=(1, 2, 3)),
    "conv_transpose2d string padding": lambda lib: F(lib).conv_transpose2d(
        _x(lib, 1, 2, 3, 3), _x(lib, 2, 3, 3, 3), padding="same"),
    "conv_transpose2d dtypes": lambda lib: F(lib).conv_transpose2d(_x(lib, 1, 2, 3, 3).double(),
                                                                   _x(lib, 2, 3, 3, 3)),
    "conv_transpose2d empty spatial": lambda lib: F(lib).conv_transpose2d(_x(lib, 1, 2, 0, 3),
                                                                          _x(lib, 2, 3, 3, 3)),
    "conv_transpose1d 4-D weight": lambda lib: F(lib).conv_transpose1d(_x(lib, 1, 2, 3), _x(lib, 2, 3, 3, 3)),
    "conv_transpose1d dilation 0 (double)": lambda lib: F(lib).conv_transpose1d(
        _x(lib, 1, 2, 3).double(), _x(lib, 2, 3, 3).double(), dilation=0),
    "ConvTranspose2d reflect": lambda lib: lib.nn.ConvTranspose2d(2, 3, 3, padding_mode="reflect"),
    "ConvTranspose2d groups": lambda lib: lib.nn.ConvTranspose2d(3, 4, 3, groups=2),
    "ConvTranspose2d output_size out of range": lambda lib: lib.nn.ConvTranspose2d(2, 3, 3, 2)(
        _x(lib, 1, 2, 4, 4), output_size=(12, 9)),
    "ConvTranspose2d output_size of 3": lambda lib: lib.nn.ConvTranspose2d(2, 3, 3, 2)(
        _x(lib, 1, 2, 4, 4), output_size=(9, 9, 9)),
    "interpolate nearest with align_corners": lambda lib: F(lib).interpolate(_x(lib, 1, 1, 4), scale_factor=2,
                                                                             align_corners=True),
    "interpolate size and scale": lambda lib: F(lib).interpolate(_x(lib, 1, 1, 4), size=3, scale_factor=2),
    "interpolate neither size nor scale": lambda lib: F(lib).interpolate(_x(lib, 1, 1, 4)),
    "interpolate wrong number of sizes": lambda lib: F(lib).interpolate(_x(lib, 1, 1, 4, 4), size=(3,)),
    "interpolate float size": lambda lib: F(lib).interpolate(_x(lib, 1, 1, 4, 4), size=(3.0, 2)),
    "interpolate wrong number of scales": lambda lib: F(lib).interpolate(_x(lib, 1, 1, 4, 4),
                                                                         scale_factor=(2, 2, 2)),
    "interpolate recompute with size": lambda lib: F(lib).interpolate(_x(lib, 1, 1, 4), size=3,
                                                                      recompute_scale_factor=True),
    "interpolate linear of 4-D": lambda lib: F(lib).interpolate(_x(lib, 1, 1, 4, 4), size=3, mode="linear"),
    "interpolate bilinear of 3-D": lambda lib: F(lib).interpolate(_x(lib, 1, 1, 4), size=3, mode="bilinear"),
    "interpolate 2-D input": lambda lib: F(lib).interpolate(_x(lib, 4, 4), size=3),
    "interpolate unknown mode": lambda lib: F(lib).interpolate(_x(lib, 1, 1, 4), size=3, mode="cubic"),
    "interpolate to size 0": lambda lib: F(lib).interpolate(_x(lib, 1, 1, 4, 5), size=0),
    "interpolate tiny scale": lambda lib: F(lib).interpolate(_x(lib, 2, 2, 4), scale_factor=0.1,
                                                             mode="linear"),
    "interpolate empty spatial": lambda lib: F(lib).interpolate(_x(lib, 1, 1, 2, 2, 0), size=3),
    "interpolate empty channels": lambda lib: F(lib).interpolate(_x(lib, 1, 0, 2, 2), size=3),
    "interpolate antialias of 3-D": lambda lib: F(lib).interpolate(_x(lib, 1, 1, 4), size=3, mode="linear",
                                                                   antialias=True),
    "interpolate infinite scale": lambda lib: F(lib).interpolate(_x(lib, 1, 1, 4), scale_factor=float("inf")),
    "pixel_shuffle channels": lambda lib: F(lib).pixel_shuffle(_x(lib, 1, 8, 2, 2), 3),
    "pixel_shuffle zero factor": lambda lib: F(lib).pixel_shuffle(_x(lib, 1, 8, 2, 2), 0),
    "pixel_shuffle 2-D": lambda lib: F(lib).pixel_shuffle(_x(lib, 2, 2), 1),
    "pixel_shuffle float factor": lambda lib: F(lib).pixel_shuffle(_x(lib, 1, 8, 2, 2), 2.0),
    "pixel_unshuffle height": lambda lib: F(lib).pixel_unshuffle(_x(lib, 1, 1, 3, 4), 2),
    "pixel_unshuffle width": lambda lib: F(lib).pixel_unshuffle(_x(lib, 1, 1, 4, 3), 2),
    "dropout2d p > 1": lambda lib: F(lib).dropout2d(_x(lib, 1, 2, 3, 3), 1.5),
    "Dropout2d p < 0": lambda lib: lib.nn.Dropout2d(-0.1),
    "dropout1d 4-D": lambda lib: F(lib).dropout1d(_x(lib, 1, 2, 3, 3)),
    "dropout2d 1-D": lambda lib: F(lib).dropout2d(_x(lib, 3)),
    "feature_alpha_dropout 1-D": lambda lib: F(lib).feature_alpha_dropout(_x(lib, 3), training=True),
}


@pytest.mark.filterwarnings("ignore:dropout2d")
@pytest.mark.parametrize("case", list(ERROR_CASES))
def test_errors_match_torch(case):
    raised = []
    for lib in (torch, minigrad):
        with pytest.raises(Exception) as info:  # noqa: PT011  (the class is compared below)
            ERROR_CASES[case](lib)
        raised.append(info.value)
    t_err, m_err = raised
    assert type(m_err) is type(t_err), (t_err, m_err)
    assert str(m_err).replace("minigrad.Size", "torch.Size") == str(t_err)


WARNING_CASES = {
    "dropout2d of 3-D": lambda lib: F(lib).dropout2d(_x(lib, 2, 3, 4)),
    "dropout2d of 5-D": lambda lib: F(lib).dropout2d(_x(lib, 1, 2, 3, 4, 2)),
    "dropout3d of 3-D": lambda lib: F(lib).dropout3d(_x(lib, 2, 3, 4)),
    "upsample": lambda lib: F(lib).upsample(_x(lib, 1, 1, 2), scale_factor=2),
    "upsample_nearest": lambda lib: F(lib).upsample_nearest(_x(lib, 1, 1, 2, 2), scale_factor=2),
    "upsample_bilinear": lambda lib: F(lib).upsample_bilinear(_x(lib, 1, 1, 2, 2), scale_factor=2),
}


@pytest.mark.parametrize("case", list(WARNING_CASES))
def test_warnings_match_torch(case):
    seen = []
    for lib in (torch, minigrad):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            WARNING_CASES[case](lib)
        seen.append([(w.category, str(w.message), w.filename) for w in caught])
    assert seen[1] == seen[0]  # (stacklevel: the warnings point at this file, as torch's)


# ----- node names -----------------------------------------------------------------------------------
NODE_CASES = {
    "conv_transpose2d": lambda Fn, x: Fn.conv_transpose2d(x, x[0, :, None, :2, :2], stride=2),
    "conv_transpose1d unbatched": lambda Fn, x: Fn.conv_transpose1d(x[0, :, 0], x[0, :, None, 0, :2]),
    "nearest 1-d": lambda Fn, x: Fn.interpolate(x[:, :, 0], scale_factor=2),
    "nearest 2-d": lambda Fn, x: Fn.interpolate(x, size=(5, 3)),
    "nearest-exact 2-d": lambda Fn, x: Fn.interpolate(x, size=(5, 3), mode="nearest-exact"),
    "linear": lambda Fn, x: Fn.interpolate(x[:, :, 0], size=5, mode="linear"),
    "bilinear": lambda Fn, x: Fn.interpolate(x, scale_factor=1.5, mode="bilinear", align_corners=True),
    "bicubic": lambda Fn, x: Fn.interpolate(x, size=7, mode="bicubic"),
    "trilinear": lambda Fn, x: Fn.interpolate(x[None], size=2, mode="trilinear"),
    "nearest 3-d": lambda Fn, x: Fn.interpolate(x[None], size=2),
    "area": lambda Fn, x: Fn.interpolate(x, size=2, mode="area"),
    "pixel_shuffle": lambda Fn, x: Fn.pixel_shuffle(x, 2),
    "pixel_unshuffle": lambda Fn, x: Fn.pixel_unshuffle(x, 2),
    "dropout2d": lambda Fn, x: Fn.dropout2d(x),
    "dropout1d unbatched": lambda Fn, x: Fn.dropout1d(x[0, :, 0]),
    "alpha_dropout": lambda Fn, x: Fn.alpha_dropout(x, training=True),
    "feature_alpha_dropout p=1": lambda Fn, x: Fn.feature_alpha_dropout(x, 1.0, training=True),
}


@pytest.mark.parametrize("case", list(NODE_CASES))
def test_node_names_match_torch(case):
    x = np.random.default_rng(0).standard_normal((2, 4, 4, 4))
    names = []
    for lib in (torch, minigrad):
        lib.manual_seed(0)
        out = NODE_CASES[case](F(lib), lib.tensor(x, requires_grad=True))
        names.append(out.grad_fn.name())
    assert names[1] == names[0]


# ----- dropout: the same channels dropped as torch, bit for bit --------------------------------------
@pytest.mark.parametrize(("name", "shape"), [
    ("dropout1d", (4, 6, 5)), ("dropout1d", (6, 5)), ("dropout2d", (3, 8, 2, 2)),
    ("dropout3d", (2, 3, 2, 2, 2)),
    ("dropout3d", (5, 2, 2, 2)), ("alpha_dropout", (4, 5)), ("feature_alpha_dropout", (3, 6, 2)),
])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("inplace", [False, True])
def test_dropout_masks_equal_torch_after_the_same_seed(name, shape, dtype, inplace):
    """The same elements zeroed (or set to alpha dropout's value), the same gradient, the same
    result object for in-place calls, and the generator left where torch leaves it."""
    x = np.linspace(-1, 1, int(np.prod(shape))).reshape(shape)
    seen = []
    for lib in (torch, minigrad):
        lib.manual_seed(3)
        leaf = lib.tensor(x, dtype=getattr(lib, dtype), requires_grad=True)
        y = leaf * 1
        out = getattr(F(lib), name)(y, 0.4, training=True, inplace=inplace)
        grad = lib.autograd.grad((out * out).sum(), leaf)[0]
        seen.append((out.detach().numpy(), grad.numpy(), out is y, lib.rand(2).numpy()))
    (t_out, t_grad, t_same, t_next), (m_out, m_grad, m_same, m_next) = seen
    np.testing.assert_array_equal(m_out, t_out)
    # the gradient 2 * x * mask**2: one rounding per product, identical too
    np.testing.assert_array_equal(m_grad, t_grad)
    assert m_same == t_same
    np.testing.assert_array_equal(m_next, t_next)


def test_dropout_layers_pass_the_input_through_in_eval_mode():
    x = minigrad.randn(2, 3, 4, 4)
    for layer in (minigrad.nn.Dropout1d(), minigrad.nn.Dropout2d(), minigrad.nn.Dropout3d(),
                  minigrad.nn.AlphaDropout(), minigrad.nn.FeatureAlphaDropout()):
        layer.eval()
        assert layer(x[:, :, 0] if isinstance(layer, minigrad.nn.Dropout1d) else x) is not None
        assert layer.training is False
    y = minigrad.nn.Dropout2d().eval()(x)
    assert y is x


# ----- interpolation: torch's source positions, torch's values ---------------------------------------
def _positions(shape):
    """Every element holds its own flat index: a resized copy shows which input each output took."""
    return np.arange(np.prod(shape), dtype=np.float64).reshape(shape)


@pytest.mark.parametrize("mode", ["nearest", "nearest-exact"])
@pytest.mark.parametrize(("shape", "kw"), [
    ((1, 2, 5), {"scale_factor": 1.7}), ((1, 1, 7), {"size": 3}), ((1, 1, 4), {"scale_factor": 2}),
    ((1, 1, 5), {"scale_factor": 0.74, "recompute_scale_factor": True}),
    ((2, 1, 4, 6), {"scale_factor": (1.023, 3.83)}), ((1, 1, 4, 6), {"scale_factor": (2.05, 3.63)}),
    ((1, 1, 3, 7), {"size": (70, 70)}),  # (a large output: torch's other nearest kernel)
    ((1, 1, 5, 2), {"scale_factor": (0.74, 1.1)}), ((1, 1, 2, 3, 4), {"size": (3, 5, 2)}),
    ((1, 1, 3, 1, 2), {"scale_factor": (2.5, 3.0, 1.5)}),
])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_nearest_picks_torchs_input_positions(mode, shape, kw, dtype):
    x = _positions(shape)
    outs = [F(lib).interpolate(lib.tensor(x, dtype=getattr(lib, dtype)), mode=mode, **kw).numpy()
            for lib in (torch, minigrad)]
    np.testing.assert_array_equal(outs[1], outs[0])


# float32 (eps 1.2e-7): 'linear' is bit for bit (two taps as one fma, as torch's kernel); bilinear,
#   trilinear and bicubic weigh and add the taps in another order than torch's fused 2-D kernels:
#   measured worst difference 4 ulp of values of size ~3 -> 2e-6 absolute; bound 1e-5 relative
#   and 1e-5 absolute.  float64: the same, measured 5e-15; bound 1e-12.
LINEAR_TOLERANCES = {"float32": (1e-5, 1e-5), "float64": (1e-12, 1e-12)}


@pytest.mark.parametrize(("mode", "shape", "kw"), [
    ("linear", (2, 3, 5), {"size": 12}), ("linear", (1, 1, 9), {"scale_factor": 0.6}),
    ("linear", (1, 2, 4), {"scale_factor": 2.5, "align_corners": True}),
    ("bilinear", (2, 3, 4, 5), {"scale_factor": 2}), ("bilinear", (1, 8, 3, 4), {"size": (7, 5)}),
    ("bilinear", (1, 1, 5, 6), {"size": (80, 70), "align_corners": True}),
    ("bicubic", (1, 2, 4, 4), {"size": (9, 5)}), ("bicubic", (1, 1, 3, 5), {"scale_factor": 1.5,
                                                                          "align_corners": True}),
    ("trilinear", (1, 2, 2, 3, 4), {"size": (3, 4, 2)}),
    ("area", (1, 2, 6, 6), {"size": (4, 3)}), ("area", (1, 1, 7), {"scale_factor": 0.5}),
])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_interpolation_values_and_gradients_match_torch(mode, shape, kw, dtype):
    rng = np.random.default_rng(0)
    x = rng.standard_normal(shape)
    seen = []
    for lib in (torch, minigrad):
        leaf = lib.tensor(x, dtype=getattr(lib, dtype), requires_grad=True)
        out = F(lib).interpolate(leaf, mode=mode, **kw)
        upstream = lib.tensor(np.cos(np.arange(out.numel())).reshape(tuple(out.shape)),
                              dtype=getattr(lib, dtype))
        grad = lib.autograd.grad((out * upstream).sum(), leaf)[0]
        seen.append((out.detach().numpy(), grad.numpy()))
    rtol, atol = LINEAR_TOLERANCES[dtype]
    if mode == "linear":
        np.testing.assert_array_equal(seen[1][0], seen[0][0])
    for m, t in zip(seen[1], seen[0], strict=True):
        np.testing.assert_allclose(m, t, rtol=rtol, atol=atol)


def test_pixel_unshuffle_undoes_pixel_shuffle():
    x = minigrad.randn(2, 8, 3, 5)
    y = minigrad.nn.functional.pixel_shuffle(x, 2)
    assert tuple(y.shape) == (2, 2, 6, 10)
    np.testing.assert_array_equal(minigrad.nn.functional.pixel_unshuffle(y, 2).numpy(), x.numpy())


# ----- programs: values, first and second derivatives as torch's -------------------------------------
PROGRAMS = {
    # output_padding adds a row no window reaches: it holds the bias only, and gets its gradient
    "conv_transpose2d with output_padding, bias, second order": [
        "x0 = T.tensor([[[[0.5, -1.0], [2.0, 0.25]], [[1.5, 0.5], [-0.5, 1.0]]]], requires_grad=True)",
        "x1 = T.tensor([[[[1.0, -0.5], [0.25, 2.0]]], [[[0.5, 1.5], [-1.0, 0.75]]]], requires_grad=True)",
        "x2 = T.tensor([0.1, -0.2], requires_grad=True)",
        "v0 = F.conv_transpose2d(x0, x1, x2, stride=2, padding=(0, 1), output_padding=1, groups=2)",
        "loss = (v0 * v0).sum()", "g = T.autograd.grad(loss, [x0, x1, x2], create_graph=True)",
        "gg = T.autograd.grad(g[0].sum() + g[1].sum() + g[2].sum(), [x0, x1, x2])"],
    # output_padding below the dilation but not below the stride: windows reach past it
    "conv_transpose1d with dilation and output_padding": [
        "x0 = T.tensor([[[0.5, -1.0, 2.0]]], dtype=T.float64, requires_grad=True)",
        "x1 = T.tensor([[[1.0, -0.5]], ], dtype=T.float64, requires_grad=True)",
        "v0 = F.conv_transpose1d(x0, x1, stride=1, dilation=3, output_padding=2)",
        "loss = (v0 * v0.detach().cos()).sum()", "g = T.autograd.grad(loss, [x0, x1], create_graph=True)",
        "gg = T.autograd.grad((g[1] * g[1]).sum(), [x0])"],
    "bilinear with align_corners, second order": [
        "x0 = T.tensor([[[[0.5, -1.0, 2.0], [2.0, 0.25, -0.5]]]], dtype=T.float64, requires_grad=True)",
        "v0 = F.interpolate(x0, size=(3, 5), mode='bilinear', align_corners=True)",
        "v1 = F.interpolate(x0, scale_factor=1.5, mode='bilinear')",
        "loss = (v0 * v0).sum() + v1.sum()", "g = T.autograd.grad(loss, [x0], create_graph=True)",
        "gg = T.autograd.grad((g[0] * g[0]).sum(), [x0])"],
    "nearest upsampling in a graph": [
        "x0 = T.tensor([[[1.0, -2.0, 0.5]]], requires_grad=True)",
        "v0 = F.interpolate(x0 * 2, scale_factor=2)", "v1 = F.interpolate(x0, size=5, mode='nearest-exact')",
        "loss = (v0 ** 2).sum() + (v1 ** 3).sum()", "g = T.autograd.grad(loss, [x0], create_graph=True)",
        "gg = T.autograd.grad(g[0].sum(), [x0])"],
    "pixel shuffle round trip": [
        "x0 = T.arange(16.0).reshape(1, 4, 2, 2).requires_grad_()", "v0 = F.pixel_shuffle(x0, 2)",
        "v1 = F.pixel_unshuffle(v0 * v0, 2)", "loss = (v1 * T.arange(16.0).reshape(1, 4, 2, 2)).sum()",
        "g = T.autograd.grad(loss, [x0], create_graph=True)", "gg = T.autograd.grad(g[0].sum(), [x0])"],
    "dropout2d and feature alpha dropout after a seed": [
        "x0 = T.tensor([[[[1.0, 2.0]], [[3.0, 4.0]], [[5.0, 6.0]]], [[[-1.0, -2.0]], [[-3.0, -4.0]], "
        "[[-5.0, -6.0]]]], requires_grad=True)",
        "T.manual_seed(5)", "v0 = F.dropout2d(x0, 0.5)",
        "v1 = F.feature_alpha_dropout(x0, 0.3, training=True)", "v2 = F.dropout3d(x0[0], 0.5)",
        "loss = (v0 * v1).sum() + v2.sum()", "g = T.autograd.grad(loss, [x0])", "v3 = T.rand(2)"],
}


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_program_agrees_with_torch(name):
    lines = PROGRAMS[name]
    report = compare_programs(Program(lines, ["stmt"] * len(lines)))
    assert report is None, report


# ----- a convolutional autoencoder on the digits, trained by both -----------------------------------
def _autoencoder(lib):
    nn = lib.nn
    return nn.Sequential(
        nn.Conv2d(1, 6, 3, stride=2, padding=1), nn.ReLU(), nn.Dropout2d(0.2),          # 8x8 -> 4x4
        nn.ConvTranspose2d(6, 4, 3, stride=2, padding=1, output_padding=1), nn.Tanh(),   # -> 8x8
        nn.Conv2d(4, 4, 3, padding=1), nn.PixelShuffle(2),                              # -> 1x16x16
        nn.Upsample(scale_factor=0.5, mode="bilinear"), nn.Sigmoid())                   # -> 1x8x8


def _autoencoder_trajectory(lib, np_dtype, steps):
    from sklearn.datasets import load_digits

    images = (load_digits().images / 16.0).astype(np_dtype)[:, None]  # (1797, 1, 8, 8) in [0, 1]
    lib.manual_seed(0)  # the weights and the dropout masks come from the generator
    model = _autoencoder(lib).to(getattr(lib, np.dtype(np_dtype).name))
    opt = lib.optim.Adam(model.parameters(), lr=0.01)
    losses = []
    for step in range(steps):
        batch = lib.tensor(images[32 * step: 32 * step + 32])
        opt.zero_grad()
        loss = lib.nn.functional.mse_loss(model(batch), batch)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return np.array(losses), [p.detach().numpy().copy() for p in model.parameters()]


# (rtol, atol) per dtype, and why:
# float64: the same operations up to summation order inside the convolutions (9-54 terms) and
#   the bilinear resize (torch's fused 2-D weights vs two 1-D passes here): an ulp here and there,
#   carried through 20 Adam steps.  Measured worst difference: 3e-16 relative (losses ~0.1-0.18),
#   2e-16 absolute (parameters).  Bound 1e-10 relative, as test_nn_conv.py.
# float32 (eps 1.2e-7): the same with float32 rounding.  Measured worst difference 1.7e-7 relative
#   (losses), 1.1e-7 absolute (parameters); bound 1e-5 relative plus 5e-6 absolute, as test_nn_conv.py.
AUTOENCODER_TOLERANCES = {np.float64: (1e-10, 1e-12), np.float32: (1e-5, 5e-6)}


@pytest.mark.parametrize("np_dtype", [np.float64, np.float32], ids=["float64", "float32"])
def test_conv_autoencoder_trains_like_torch(np_dtype):
    rtol, atol = AUTOENCODER_TOLERANCES[np_dtype]
    t_losses, t_params = _autoencoder_trajectory(torch, np_dtype, steps=20)
    m_losses, m_params = _autoencoder_trajectory(minigrad, np_dtype, steps=20)
    np.testing.assert_allclose(m_losses, t_losses, rtol=rtol, atol=atol)
    assert t_losses[-5:].mean() < t_losses[:5].mean() * 0.8  # it learns: the steps are not noise
    for m, t in zip(m_params, t_params, strict=True):
        np.testing.assert_allclose(m, t, rtol=rtol, atol=atol)
