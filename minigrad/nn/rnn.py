"""Recurrent layers: ``RNN``, ``LSTM``, ``GRU`` (multi-layer, bidirectional, over whole sequences)
and the single-step ``RNNCell``, ``LSTMCell``, ``GRUCell``, with torch.nn's names and behaviour.

Each step is composed from Tensor ops (``F.linear``, ``sigmoid``, ``tanh``, ``chunk``...), so
gradients of any order come from the ops themselves.  The arithmetic follows torch's CPU kernels
(``aten/src/ATen/native/RNN.cpp``), in the same order, so float64 results agree to rounding:

    RNN:   h' = act(W_hh h + b_hh + (W_ih x + b_ih))                          act = tanh or relu
    LSTM:  i, f, g, o = chunk(W_hh h + b_hh + (W_ih x + b_ih), 4)
           c' = sigmoid(f) * c + sigmoid(i) * tanh(g),   h' = sigmoid(o) * tanh(c')
           (with ``proj_size``: h' = (sigmoid(o) * tanh(c')) W_hr^T)
    GRU:   r, z, n from chunk(W_ih x + b_ih, 3) and chunk(W_hh h + b_hh, 3):
           r = sigmoid(r_h + r_i), z = sigmoid(z_h + z_i), n = tanh(n_i + n_h * r),
           h' = (h - n) * z + n

As in torch, a layer first projects the whole input sequence with W_ih in one matmul, then runs
the recurrence step by step.  A ``PackedSequence`` (``nn.utils.rnn``) is run with its batch
shrinking as sequences end; a padded input is the special case where it never does.
"""
from __future__ import annotations

import math
import numbers
import warnings
from typing import Any, Callable

import numpy as np

from .._creation import empty, zeros
from .._tensor import Tensor
from ..autograd.function import Function
from ..ops.shape import cat, stack
from . import functional as F
from . import init
from .module import Module
from .parameter import Parameter
from .utils.rnn import PackedSequence

__all__ = ["RNNBase", "RNN", "LSTM", "GRU", "RNNCellBase", "RNNCell", "LSTMCell", "GRUCell"]

_GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}


class _Pieces(Function):
    """x cut along ``dim`` into pieces of the given ``sizes`` (each piece squeezed to drop ``dim``
    with ``squeeze``, as ``unbind``), as the outputs of one node.  Backward: the pieces'
    gradients joined back with one ``cat`` (``stack``).  ``split``/``unbind`` would give each piece
    a node whose backward scatters into zeros of x's full size: over a sequence's steps that is
    quadratic in its length.  The pieces are copies: a later in-place change of x (a given
    initial state) cannot reach the values the steps saved."""

    @staticmethod
    def forward(ctx, x, dim, sizes, squeeze):
        ctx.dim, ctx.squeeze = dim, squeeze
        a = x._array
        lead = (slice(None),) * dim
        if squeeze:
            return tuple(a[lead + (i,)].copy() for i in range(a.shape[dim]))
        ends = np.cumsum(sizes).tolist()
        return tuple(a[lead + (slice(end - n, end),)].copy() for n, end in zip(sizes, ends))

    @staticmethod
    def backward(ctx, *grads):
        joined = stack(grads, ctx.dim) if ctx.squeeze else cat(grads, ctx.dim)
        return joined, None, None, None


def _unbind(x: Tensor) -> tuple:
    return _Pieces.apply(x, 0, None, True)


def _chunk(x: Tensor, n: int) -> tuple:
    """x's last dim cut into ``n`` equal pieces (the gates)."""
    size = x.shape[-1] // n
    return _Pieces.apply(x, x.dim() - 1, [size] * n, False)


# ----- one step of each cell, from the input's projection gi = W_ih x + b_ih -------------------
def _rnn_tanh_step(gi: Tensor, h: Tensor, w_hh: Tensor, b_hh: Tensor | None) -> Tensor:
    return (F.linear(h, w_hh, b_hh) + gi).tanh()


def _rnn_relu_step(gi: Tensor, h: Tensor, w_hh: Tensor, b_hh: Tensor | None) -> Tensor:
    return (F.linear(h, w_hh, b_hh) + gi).relu()


def _lstm_step(gi: Tensor, hc: tuple, w_hh: Tensor, b_hh: Tensor | None,
               w_hr: Tensor | None = None) -> tuple[Tensor, Tensor]:
    h, c = hc
    i, f, g, o = _chunk(F.linear(h, w_hh, b_hh) + gi, 4)
    c = f.sigmoid() * c + i.sigmoid() * g.tanh()
    h = o.sigmoid() * c.tanh()
    if w_hr is not None:  # the projected LSTM: the hidden state is a smaller linear map of h
        h = h.matmul(w_hr.t())
    return h, c


def _gru_step(gi: Tensor, h: Tensor, w_hh: Tensor, b_hh: Tensor | None) -> Tensor:
    i_r, i_z, i_n = _chunk(gi, 3)
    h_r, h_z, h_n = _chunk(F.linear(h, w_hh, b_hh), 3)
    r = (h_r + i_r).sigmoid()
    z = (h_z + i_z).sigmoid()
    n = (i_n + h_n * r).tanh()
    return (h - n) * z + n


_STEPS: dict[str, Callable] = {"RNN_TANH": _rnn_tanh_step, "RNN_RELU": _rnn_relu_step,
                               "LSTM": _lstm_step, "GRU": _gru_step}


# ----- a whole sequence ------------------------------------------------------------------------
def _rows(hidden: Any, start: int, stop: int) -> Any:
    """Rows start:stop (batch entries) of a hidden state, or of both parts of an LSTM's."""
    if isinstance(hidden, tuple):
        return tuple(t[start:stop] for t in hidden)
    return hidden[start:stop]


def _join(parts: list) -> Any:
    """Hidden states of consecutive batch rows, joined into one."""
    if len(parts) == 1:
        return parts[0]
    if isinstance(parts[0], tuple):
        return tuple(cat([p[k] for p in parts], 0) for k in range(len(parts[0])))
    return cat(parts, 0)


def _output_of(hidden: Any) -> Tensor:
    return hidden[0] if isinstance(hidden, tuple) else hidden


def _run_direction(step: Callable, gis: list, batch_sizes: list, hidden: Any, weights: tuple,
                   reverse: bool) -> tuple[list, Any]:
    """Run ``step`` over the projected inputs ``gis`` (one per time step, ``batch_sizes[t]`` rows
    each, never growing): (outputs in time order, final hidden state).

    When the batch shrinks, the sequences that just ended are the last rows: their hidden state
    is final and is set aside (forward), or, running backwards, they join with their initial
    state (torch's PackedLayer and ReversedPackedLayer)."""
    outputs = []
    if not reverse:
        finished, last = [], batch_sizes[0]
        for gi, n in zip(gis, batch_sizes):
            if n < last:
                finished.append(_rows(hidden, n, last))
                hidden = _rows(hidden, 0, n)
            last = n
            hidden = step(gi, hidden, *weights)
            outputs.append(_output_of(hidden))
        return outputs, _join([hidden] + finished[::-1])
    initial, last = hidden, batch_sizes[-1]
    hidden = _rows(initial, 0, last) if last < batch_sizes[0] else initial
    for gi, n in zip(gis[::-1], batch_sizes[::-1]):
        if n > last:
            hidden = _join([hidden, _rows(initial, last, n)])
        last = n
        hidden = step(gi, hidden, *weights)
        outputs.append(_output_of(hidden))
    return outputs[::-1], hidden


def _run_layers(mode: str, input: Tensor, batch_sizes: list | None, hx: Any, weights: list,
                num_layers: int, dropout: float, training: bool, bidirectional: bool) -> tuple:
    """The stacked (bi)directional recurrence (torch's ``_VF.rnn_tanh``/``lstm``/``gru``).

    ``input`` is (L, N, H_in), or a packed sequence's data (sum of batch_sizes, H_in) when
    ``batch_sizes`` is given; ``hx`` is (layers * directions, N, H) (a pair for LSTM);
    ``weights`` lists each layer and direction's (w_ih, w_hh, b_ih, b_hh[, w_hr]), biases None
    when absent.  Returns (output, h_n) or (output, (h_n, c_n))."""
    step = _STEPS[mode]
    directions = 2 if bidirectional else 1
    packed = batch_sizes is not None
    if not packed:
        if input.shape[0] == 0:
            raise RuntimeError("Expected sequence length to be larger than 0 in RNN")
        sizes = [input.shape[1]] * input.shape[0]
    else:
        sizes = batch_sizes
    lstm = mode == "LSTM"
    h0 = _unbind(hx[0] if lstm else hx)
    c0 = _unbind(hx[1]) if lstm else None
    finals = []
    layer_input = input
    for layer in range(num_layers):
        outs = []
        for d in range(directions):
            k = layer * directions + d
            w_ih, w_hh, b_ih, b_hh, *w_hr = weights[k]
            projected = F.linear(layer_input, w_ih, b_ih)
            gis = _Pieces.apply(projected, 0, sizes, False) if packed else _unbind(projected)
            hidden = (h0[k], c0[k]) if lstm else h0[k]
            steps, final = _run_direction(step, list(gis), sizes, hidden, (w_hh, b_hh, *w_hr), d == 1)
            outs.append(cat(steps, 0) if packed else stack(steps, 0))
            finals.append(final)
        layer_input = outs[0] if directions == 1 else cat(outs, -1)
        if dropout != 0 and training and layer < num_layers - 1:
            layer_input = F.dropout(layer_input, dropout, True)
    if lstm:
        return layer_input, (stack([f[0] for f in finals], 0), stack([f[1] for f in finals], 0))
    return layer_input, stack(finals, 0)


# ----- the sequence modules --------------------------------------------------------------------
class RNNBase(Module):
    """What ``RNN``, ``LSTM`` and ``GRU`` share: the parameters of every layer and direction,
    their initialisation, argument checks and the printed form.

    For layer ``k`` (and ``_reverse`` for the backward direction) the parameters are
    ``weight_ih_lk`` (gates * hidden_size, input features), ``weight_hh_lk`` (gates * hidden_size,
    hidden_size), ``bias_ih_lk`` and ``bias_hh_lk`` (if ``bias``), and ``weight_hr_lk``
    (proj_size, hidden_size) for a projected LSTM, registered in torch's order.  Each is
    initialised U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)) in that order, as torch draws."""

    def __init__(self, mode: str, input_size: int, hidden_size: int, num_layers: int = 1,
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0,
                 bidirectional: bool = False, proj_size: int = 0, device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__()
        self.mode = mode
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        self.proj_size = proj_size
        num_directions = 2 if bidirectional else 1

        if (not isinstance(dropout, numbers.Number) or not 0 <= dropout <= 1
                or isinstance(dropout, bool)):
            raise ValueError("dropout should be a number in range [0, 1] representing the "
                             "probability of an element being zeroed")
        if dropout > 0 and num_layers == 1:
            warnings.warn("dropout option adds dropout after all but last recurrent layer, so "
                          "non-zero dropout expects num_layers greater than 1, but got "
                          f"dropout={dropout} and num_layers={num_layers}", stacklevel=3)
        if not isinstance(bias, bool):
            raise TypeError(f"bias should be of type bool, got: {type(bias).__name__}")
        if not isinstance(batch_first, bool):
            raise TypeError(f"batch_first should be of type bool, got: {type(batch_first).__name__}")
        if not isinstance(input_size, int):
            raise TypeError(f"input_size should be of type int, got: {type(input_size).__name__}")
        if input_size <= 0:
            raise ValueError("input_size must be greater than zero")
        if not isinstance(hidden_size, int):
            raise TypeError(f"hidden_size should be of type int, got: {type(hidden_size).__name__}")
        if hidden_size <= 0:
            raise ValueError("hidden_size must be greater than zero")
        if num_layers <= 0:
            raise ValueError("num_layers must be greater than zero")
        if proj_size < 0:
            raise ValueError("proj_size should be a positive integer or zero to disable projections")
        if proj_size >= hidden_size:
            raise ValueError("proj_size has to be smaller than hidden_size")
        if mode not in _GATES:
            raise ValueError("Unrecognized RNN mode: " + mode)
        gate_size = _GATES[mode] * hidden_size

        self._flat_weights_names: list[str] = []
        self._all_weights: list[list[str]] = []
        real_hidden_size = proj_size if proj_size > 0 else hidden_size
        for layer in range(num_layers):
            for direction in range(num_directions):
                layer_input_size = input_size if layer == 0 else real_hidden_size * num_directions
                shapes = [(gate_size, layer_input_size), (gate_size, real_hidden_size)]
                names = ["weight_ih_l{}{}", "weight_hh_l{}{}"]
                if bias:
                    shapes += [(gate_size,), (gate_size,)]
                    names += ["bias_ih_l{}{}", "bias_hh_l{}{}"]
                if proj_size > 0:
                    shapes.append((proj_size, hidden_size))
                    names.append("weight_hr_l{}{}")
                suffix = "_reverse" if direction == 1 else ""
                names = [n.format(layer, suffix) for n in names]
                for name, shape in zip(names, shapes):
                    setattr(self, name, Parameter(empty(shape, device=device, dtype=dtype)))
                self._flat_weights_names.extend(names)
                self._all_weights.append(names)
        self.reset_parameters()

    @property
    def _flat_weights(self) -> list:
        """The parameters in torch's flat order (looked up each time, so reassigning one works)."""
        return [getattr(self, name, None) for name in self._flat_weights_names]

    @property
    def all_weights(self) -> list[list[Parameter]]:
        """The parameters, one list per layer and direction."""
        return [[getattr(self, name) for name in names] for names in self._all_weights]

    def flatten_parameters(self) -> None:
        """Packs the weights into one buffer for cuDNN in torch; nothing to do on the CPU."""

    def reset_parameters(self) -> None:
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def _layer_weights(self) -> list:
        """(w_ih, w_hh, b_ih, b_hh[, w_hr]) per layer and direction, biases None when absent."""
        out = []
        for names in self._all_weights:
            w = [getattr(self, n) for n in names]
            if not self.bias:
                w[2:2] = [None, None]
            out.append(tuple(w))
        return out

    # ----- argument checks (torch's messages) ----------------------------------------------------
    def check_input(self, input: Tensor, batch_sizes: list | None) -> None:
        weight_dtype = getattr(self, self._flat_weights_names[0]).dtype
        if input.dtype != weight_dtype:
            raise ValueError(f"RNN input dtype ({input.dtype}) does not match weight dtype "
                             f"({weight_dtype}). Convert input: input.to({weight_dtype}), or convert "
                             f"model: model.to({input.dtype})")
        expected_input_dim = 2 if batch_sizes is not None else 3
        if input.dim() != expected_input_dim:
            raise RuntimeError(f"input must have {expected_input_dim} dimensions, got {input.dim()}")
        if self.input_size != input.size(-1):
            raise RuntimeError(f"input.size(-1) must be equal to input_size. Expected "
                               f"{self.input_size}, got {input.size(-1)}")

    def get_expected_hidden_size(self, input: Tensor, batch_sizes: list | None) -> tuple[int, int, int]:
        if batch_sizes is not None:
            mini_batch = int(batch_sizes[0])
        else:
            mini_batch = input.size(0) if self.batch_first else input.size(1)
        num_directions = 2 if self.bidirectional else 1
        size = self.proj_size if self.proj_size > 0 else self.hidden_size
        return (self.num_layers * num_directions, mini_batch, size)

    def check_hidden_size(self, hx: Tensor, expected_hidden_size: tuple,
                          msg: str = "Expected hidden size {}, got {}") -> None:
        if tuple(hx.size()) != tuple(expected_hidden_size):
            raise RuntimeError(msg.format(expected_hidden_size, list(hx.size())))

    def check_forward_args(self, input: Tensor, hidden: Tensor, batch_sizes: list | None) -> None:
        self.check_input(input, batch_sizes)
        self.check_hidden_size(hidden, self.get_expected_hidden_size(input, batch_sizes))

    def permute_hidden(self, hx: Any, permutation: Tensor | None) -> Any:
        if permutation is None:
            return hx
        if isinstance(hx, tuple):
            return tuple(t.index_select(1, permutation) for t in hx)
        return hx.index_select(1, permutation)

    def _zeros(self, batch: int, size: int, like: Tensor) -> Tensor:
        directions = 2 if self.bidirectional else 1
        return zeros(self.num_layers * directions, batch, size, dtype=like.dtype)

    # ----- running ------------------------------------------------------------------------------
    def _forward_one_state(self, input: Any, hx: Tensor | None) -> tuple[Any, Tensor]:
        """``forward`` of RNN and GRU, whose state is one tensor (LSTM has its own)."""
        name = "RNN" if self.mode.startswith("RNN") else self.mode
        if isinstance(input, PackedSequence):
            data, batch_sizes, sorted_indices, unsorted_indices = input
            sizes = batch_sizes.tolist()
            if hx is None:
                hx = self._zeros(sizes[0], self.hidden_size, data)
            else:
                hx = self.permute_hidden(hx, sorted_indices)
            self.check_forward_args(data, hx, sizes)
            output, hidden = self._run(data, sizes, hx)
            return (PackedSequence(output, batch_sizes, sorted_indices, unsorted_indices),
                    self.permute_hidden(hidden, unsorted_indices))
        if input.dim() not in (2, 3):
            tensor = " tensor" if name == "RNN" else ""
            raise ValueError(f"{name}: Expected input to be 2D or 3D, got {input.dim()}D{tensor} instead")
        is_batched = input.dim() == 3
        batch_dim = 0 if self.batch_first else 1
        if not is_batched:
            input = input.unsqueeze(batch_dim)
            if hx is not None:
                if hx.dim() != 2:
                    raise RuntimeError(f"For unbatched 2-D input, hx should also be 2-D but got "
                                       f"{hx.dim()}-D tensor")
                hx = hx.unsqueeze(1)
        elif hx is not None and hx.dim() != 3:
            raise RuntimeError(f"For batched 3-D input, hx should also be 3-D but got {hx.dim()}-D tensor")
        if hx is None:
            hx = self._zeros(input.size(0) if self.batch_first else input.size(1), self.hidden_size, input)
        self.check_forward_args(input, hx, None)
        output, hidden = self._run_padded(input, hx)
        if not is_batched:
            output = output.squeeze(batch_dim)
            hidden = hidden.squeeze(1)
        return output, hidden

    def _run(self, input: Tensor, batch_sizes: list | None, hx: Any) -> tuple:
        return _run_layers(self.mode, input, batch_sizes, hx, self._layer_weights(), self.num_layers,
                           self.dropout, self.training, self.bidirectional)

    def _run_padded(self, input: Tensor, hx: Any) -> tuple:
        """Run a (L, N, H_in) input, or (N, L, H_in) with ``batch_first``."""
        if self.batch_first:
            input = input.transpose(0, 1)
        output, hidden = self._run(input, None, hx)
        return (output.transpose(0, 1) if self.batch_first else output), hidden

    def extra_repr(self) -> str:
        s = "{input_size}, {hidden_size}"
        if self.proj_size != 0:
            s += ", proj_size={proj_size}"
        if self.num_layers != 1:
            s += ", num_layers={num_layers}"
        if self.bias is not True:
            s += ", bias={bias}"
        if self.batch_first is not False:
            s += ", batch_first={batch_first}"
        if self.dropout != 0:
            s += ", dropout={dropout}"
        if self.bidirectional is not False:
            s += ", bidirectional={bidirectional}"
        return s.format(**self.__dict__)


def _no_proj_size(kwargs: dict) -> None:
    if "proj_size" in kwargs:
        raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")


class RNN(RNNBase):
    """Elman RNN: h_t = act(W_ih x_t + b_ih + W_hh h_(t-1) + b_hh), act ``tanh`` or ``relu``.

    ``rnn(input, h_0=None)`` with input (L, N, H_in), (N, L, H_in) if ``batch_first``, or an
    unbatched (L, H_in), or a PackedSequence; returns (output, h_n): output holds the last layer's
    h_t for every t (both directions side by side), h_n every layer's last h_t."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        _no_proj_size(kwargs)
        if len(args) > 3:
            self.nonlinearity = args[3]
            args = args[:3] + args[4:]
        else:
            self.nonlinearity = kwargs.pop("nonlinearity", "tanh")
        if self.nonlinearity == "tanh":
            mode = "RNN_TANH"
        elif self.nonlinearity == "relu":
            mode = "RNN_RELU"
        else:
            raise ValueError(f"Unknown nonlinearity '{self.nonlinearity}'. Select from 'tanh' or 'relu'.")
        super().__init__(mode, *args, **kwargs)

    def forward(self, input: Any, hx: Tensor | None = None) -> tuple[Any, Tensor]:
        return self._forward_one_state(input, hx)


class LSTM(RNNBase):
    """Long short-term memory: gates i, f, g, o (in that order in the weights), cell state c.

    ``lstm(input, (h_0, c_0)=None)`` returns (output, (h_n, c_n)).  With ``proj_size`` > 0 the
    hidden state is projected to that size by ``weight_hr_lk`` after every step."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__("LSTM", *args, **kwargs)

    def get_expected_cell_size(self, input: Tensor, batch_sizes: list | None) -> tuple[int, int, int]:
        if batch_sizes is not None:
            mini_batch = int(batch_sizes[0])
        else:
            mini_batch = input.size(0) if self.batch_first else input.size(1)
        num_directions = 2 if self.bidirectional else 1
        return (self.num_layers * num_directions, mini_batch, self.hidden_size)

    def check_forward_args(self, input: Tensor, hidden: tuple, batch_sizes: list | None) -> None:
        self.check_input(input, batch_sizes)
        self.check_hidden_size(hidden[0], self.get_expected_hidden_size(input, batch_sizes),
                               "Expected hidden[0] size {}, got {}")
        self.check_hidden_size(hidden[1], self.get_expected_cell_size(input, batch_sizes),
                               "Expected hidden[1] size {}, got {}")

    def _zero_state(self, batch: int, like: Tensor) -> tuple[Tensor, Tensor]:
        real_hidden_size = self.proj_size if self.proj_size > 0 else self.hidden_size
        return self._zeros(batch, real_hidden_size, like), self._zeros(batch, self.hidden_size, like)

    def forward(self, input: Any, hx: tuple | None = None) -> tuple[Any, tuple[Tensor, Tensor]]:
        if isinstance(input, PackedSequence):
            data, batch_sizes, sorted_indices, unsorted_indices = input
            sizes = batch_sizes.tolist()
            if hx is None:
                hx = self._zero_state(sizes[0], data)
            else:  # torch checks nothing here; the state is checked as for a padded input
                hx = self.permute_hidden(tuple(hx), sorted_indices)
                self.check_hidden_size(hx[0], self.get_expected_hidden_size(data, sizes),
                                       "Expected hidden[0] size {}, got {}")
                self.check_hidden_size(hx[1], self.get_expected_cell_size(data, sizes),
                                       "Expected hidden[1] size {}, got {}")
            output, hidden = self._run(data, sizes, hx)
            return (PackedSequence(output, batch_sizes, sorted_indices, unsorted_indices),
                    self.permute_hidden(hidden, unsorted_indices))
        if input.dim() not in (2, 3):
            raise ValueError(f"LSTM: Expected input to be 2D or 3D, got {input.dim()}D instead")
        is_batched = input.dim() == 3
        batch_dim = 0 if self.batch_first else 1
        if not is_batched:
            input = input.unsqueeze(batch_dim)
        if hx is None:
            hx = self._zero_state(input.size(0) if self.batch_first else input.size(1), input)
        else:
            if is_batched:
                if hx[0].dim() != 3 or hx[1].dim() != 3:
                    raise RuntimeError(f"For batched 3-D input, hx and cx should also be 3-D but got "
                                       f"({hx[0].dim()}-D, {hx[1].dim()}-D) tensors")
            else:
                if hx[0].dim() != 2 or hx[1].dim() != 2:
                    raise RuntimeError(f"For unbatched 2-D input, hx and cx should also be 2-D but got "
                                       f"({hx[0].dim()}-D, {hx[1].dim()}-D) tensors")
                hx = (hx[0].unsqueeze(1), hx[1].unsqueeze(1))
        hx = tuple(hx)
        self.check_forward_args(input, hx, None)
        output, hidden = self._run_padded(input, hx)
        if not is_batched:
            output = output.squeeze(batch_dim)
            hidden = (hidden[0].squeeze(1), hidden[1].squeeze(1))
        return output, hidden


class GRU(RNNBase):
    """Gated recurrent unit: gates r, z, n (in that order in the weights).

    ``gru(input, h_0=None)`` returns (output, h_n), shaped as for ``RNN``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        _no_proj_size(kwargs)
        super().__init__("GRU", *args, **kwargs)

    def forward(self, input: Any, hx: Tensor | None = None) -> tuple[Any, Tensor]:
        return self._forward_one_state(input, hx)


# ----- the single-step cells -------------------------------------------------------------------
def _check_cell_input(input: Tensor, input_size: int) -> None:
    if input.size(1) != input_size:
        raise RuntimeError(f"input has inconsistent input_size: got {input.size(1)} expected {input_size}")


def _check_cell_hidden(input: Tensor, hx: Tensor, hidden_size: int, label: int) -> None:
    if input.size(0) != hx.size(0):
        raise RuntimeError(f"Input batch size {input.size(0)} doesn't match hidden{label} batch size "
                           f"{hx.size(0)}")
    if hx.size(1) != hidden_size:
        raise RuntimeError(f"hidden{label} has inconsistent hidden_size: got {hx.size(1)}, expected "
                           f"{hidden_size}")


class RNNCellBase(Module):
    """What the cells share: ``weight_ih`` (chunks * hidden_size, input_size), ``weight_hh``
    (chunks * hidden_size, hidden_size), ``bias_ih`` and ``bias_hh`` (or None without ``bias``),
    each initialised U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)) in that order, as torch."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool, num_chunks: int,
                 device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        self.weight_ih = Parameter(empty((num_chunks * hidden_size, input_size), device=device, dtype=dtype))
        self.weight_hh = Parameter(empty((num_chunks * hidden_size, hidden_size), device=device, dtype=dtype))
        if bias:
            self.bias_ih = Parameter(empty(num_chunks * hidden_size, device=device, dtype=dtype))
            self.bias_hh = Parameter(empty(num_chunks * hidden_size, device=device, dtype=dtype))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def extra_repr(self) -> str:
        s = "{input_size}, {hidden_size}"
        if "bias" in self.__dict__ and self.bias is not True:
            s += ", bias={bias}"
        if "nonlinearity" in self.__dict__ and self.nonlinearity != "tanh":
            s += ", nonlinearity={nonlinearity}"
        return s.format(**self.__dict__)

    def reset_parameters(self) -> None:
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def _batched(self, name: str, input: Tensor, hx: Any) -> bool:
        """Check the input's and hidden state's dims (torch's messages); True if batched."""
        if input.dim() not in (1, 2):
            raise ValueError(f"{name}: Expected input to be 1D or 2D, got {input.dim()}D instead")
        if name == "LSTMCell":
            for idx, value in enumerate(hx or ()):
                if value.dim() not in (1, 2):
                    raise ValueError(f"LSTMCell: Expected hx[{idx}] to be 1D or 2D, got {value.dim()}D "
                                     "instead")
        elif hx is not None and hx.dim() not in (1, 2):
            raise ValueError(f"{name}: Expected hidden to be 1D or 2D, got {hx.dim()}D instead")
        return input.dim() == 2

    def _zero_hidden(self, input: Tensor) -> Tensor:
        return zeros(input.size(0), self.hidden_size, dtype=input.dtype)


class RNNCell(RNNCellBase):
    """One step of an Elman RNN: h' = act(W_ih x + b_ih + W_hh h + b_hh), act tanh or relu.
    ``cell(input, hx=None)`` with input (N, H_in) or unbatched (H_in,)."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, nonlinearity: str = "tanh",
                 device: Any = None, dtype: Any = None) -> None:
        super().__init__(input_size, hidden_size, bias, num_chunks=1, device=device, dtype=dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        is_batched = self._batched("RNNCell", input, hx)
        if not is_batched:
            input = input.unsqueeze(0)
        hx = self._zero_hidden(input) if hx is None else (hx if is_batched else hx.unsqueeze(0))
        if self.nonlinearity == "tanh":
            step = _rnn_tanh_step
        elif self.nonlinearity == "relu":
            step = _rnn_relu_step
        else:
            raise RuntimeError(f"Unknown nonlinearity: {self.nonlinearity}")
        _check_cell_input(input, self.weight_ih.size(1))
        _check_cell_hidden(input, hx, self.weight_hh.size(1), 0)
        ret = step(F.linear(input, self.weight_ih, self.bias_ih), hx, self.weight_hh, self.bias_hh)
        return ret if is_batched else ret.squeeze(0)


class LSTMCell(RNNCellBase):
    """One LSTM step: ``cell(input, (h, c)=None)`` returns (h', c')."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__(input_size, hidden_size, bias, num_chunks=4, device=device, dtype=dtype)

    def forward(self, input: Tensor, hx: tuple | None = None) -> tuple[Tensor, Tensor]:
        is_batched = self._batched("LSTMCell", input, hx)
        if not is_batched:
            input = input.unsqueeze(0)
        if hx is None:
            zero = self._zero_hidden(input)
            hx = (zero, zero)
        elif not is_batched:
            hx = (hx[0].unsqueeze(0), hx[1].unsqueeze(0))
        _check_cell_input(input, self.weight_ih.size(1))
        _check_cell_hidden(input, hx[0], self.weight_hh.size(1), 0)
        _check_cell_hidden(input, hx[1], self.weight_hh.size(1), 1)
        h, c = _lstm_step(F.linear(input, self.weight_ih, self.bias_ih), (hx[0], hx[1]),
                          self.weight_hh, self.bias_hh)
        return (h, c) if is_batched else (h.squeeze(0), c.squeeze(0))


class GRUCell(RNNCellBase):
    """One GRU step: ``cell(input, hx=None)`` returns h'."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__(input_size, hidden_size, bias, num_chunks=3, device=device, dtype=dtype)

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        is_batched = self._batched("GRUCell", input, hx)
        if not is_batched:
            input = input.unsqueeze(0)
        hx = self._zero_hidden(input) if hx is None else (hx if is_batched else hx.unsqueeze(0))
        _check_cell_input(input, self.weight_ih.size(1))
        _check_cell_hidden(input, hx, self.weight_hh.size(1), 0)
        ret = _gru_step(F.linear(input, self.weight_ih, self.bias_ih), hx, self.weight_hh, self.bias_hh)
        return ret if is_batched else ret.squeeze(0)
