"""Random number generation that reproduces torch's CPU generator bit for bit.

After ``minigrad.manual_seed(s)`` the functions here draw exactly the numbers ``torch.manual_seed(s)``
gives torch 2.13 on the CPU, element for element (``np.array_equal``, not a tolerance).  Each
statement below was established by experiment against torch (``parity_tests/test_rng_parity.py``
re-checks them; ``docs/rng_parity.md`` has the notes).

The engine
    torch's CPU generator is MT19937 seeded with ``init_genrand(seed & 0xffffffff)``; numpy's
    ``MT19937`` bit generator with ``_legacy_seeding`` produces the same uint32 stream, so it is used
    as the engine.  ``random()`` is one uint32; ``random64()`` is two, the first one the high half.

Floating-point arithmetic
    torch's CPU kernels are compiled with FMA contraction (the AVX2/AVX512 builds that every modern
    x86-64 CPU dispatches to), so ``x * (to - from) + from`` and ``n * std + mean`` are fused
    multiply-adds: one rounding.  numpy has no fma; ``_fma32``/``_fma64`` compute it exactly
    (error-free transformations plus round-to-odd, Boldo & Melquiond 2008; lanes where those are
    not exact, a product that underflows or overflows, e.g. ``normal_(0, 1e-310)``'s subnormal
    results, are computed with exact rationals instead).  If torch is forced to
    its non-vectorised kernels (``ATEN_CPU_CAPABILITY=default``) it rounds twice instead; set the
    same environment variable for minigrad (read at import) to follow it.

MKL
    torch's source has MKL (VSL) variants of the scalar-p ``bernoulli_`` and of ``exponential_``.
    Measured on an Intel Xeon with torch 2.13's MKL build, neither runs: both consume two uint32 per
    element from the generator and give the values of the generator-based kernels reproduced here
    (as on AMD).  No function of this module draws from an MKL stream.

Known differences (measured, not hidden):
    * float32/float16 ``normal_array`` of 16+ elements under ``ATEN_CPU_CAPABILITY=default``
      (torch's scalar ``normal_fill`` with libm's ``logf/cosf/sinf``) is not implemented: it raises
      ``NotImplementedError``.  Every x86-64 CPU with AVX2 uses the reproduced AVX2 kernel.
"""
from __future__ import annotations

import math
import os
import platform

import numpy as np

__all__ = [
    "Generator", "default_generator", "manual_seed", "seed", "initial_seed", "get_rng_state",
    "set_rng_state", "uniform_array", "normal_array", "randint_array", "random_array",
    "randperm_array", "bernoulli_array", "rand", "rand_like", "randn", "randn_like", "randint",
    "randint_like", "normal", "randperm", "bernoulli", "multinomial", "multinomial_array",
    "exponential_array", "geometric_array", "cauchy_array", "log_normal_array", "poisson",
    "poisson_array", "fill_values", "normal_fill", "bernoulli_fill",
]

from ._missing import missing_attribute_hook as _missing_attribute_hook  # noqa: E402
__getattr__ = _missing_attribute_hook(__name__)  # names torch has and minigrad lacks

DEFAULT_SEED = 67280421310721  # the seed of a fresh torch.Generator()
_MT_N = 624
_STATE_NBYTES = 5056  # sizeof(at::detail::CPUGeneratorImplState)
_U64_MASK = (1 << 64) - 1


def _detect_capability() -> str:
    """'avx2' when torch would dispatch its vectorised (FMA-contracted) kernels, else 'default'."""
    forced = os.environ.get("ATEN_CPU_CAPABILITY", "").strip().lower()
    if forced:
        return "default" if forced == "default" else "avx2"
    if platform.machine().lower() not in ("x86_64", "amd64"):
        return "default"
    try:
        with open("/proc/cpuinfo") as f:
            flags = next((ln for ln in f if ln.startswith("flags")), "").split()
    except OSError:
        return "avx2"
    return "avx2" if {"avx2", "fma"} <= set(flags) else "default"


_CAPABILITY = _detect_capability()


# Whether scalar-p bernoulli (dropout masks) matches torch: measured on Intel and AMD CPUs, torch
# 2.13 runs its generator-based kernel on both (the MKL variant in its source does not run).
SCALAR_BERNOULLI_MATCHES_TORCH = True


# ------------------------------------------------------------------------------------------------
# Generator
# ------------------------------------------------------------------------------------------------

def _check_seed(seed) -> int:
    """torch's rule: a Python int (not bool) in [-2**63, 2**64); negatives wrap modulo 2**64."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise RuntimeError(f"manual_seed expected a long, but got {type(seed).__name__}")
    seed = int(seed)
    if not -(1 << 63) <= seed <= _U64_MASK:
        raise ValueError("Overflow when unpacking long long")
    return seed & _U64_MASK


class Generator:
    """``torch.Generator`` for the CPU: MT19937 plus the cached second Box-Muller sample.

    A fresh generator is seeded with torch's default seed 67280421310721.  ``get_state()`` returns
    torch's 5056-byte layout (``CPUGeneratorImplState``), byte for byte, so a state taken from torch
    can be loaded here and vice versa.
    """

    def __init__(self, device="cpu"):
        dev = "cpu" if device is None else str(getattr(device, "type", device))
        if dev.split(":")[0] != "cpu":
            raise RuntimeError(f"minigrad only has a CPU generator, got device {device!r}")
        self.device = "cpu"
        self._bitgen = np.random.MT19937()
        self._reseed(DEFAULT_SEED)

    # -- seeding ---------------------------------------------------------------------------------
    def _reseed(self, seed: int) -> None:
        self._seed = seed
        self._bitgen._legacy_seeding(seed & 0xFFFFFFFF)
        self._next_double_normal = None  # torch's next_double_normal_sample_
        self._next_float_normal = None   # torch's next_float_normal_sample_ (kept for the state)
        self._pristine = True            # no draw since seeding/set_state: torch's `next` is stored
        self._stored_next = 0

    def manual_seed(self, seed) -> "Generator":
        """Seed like ``torch.Generator.manual_seed``; returns ``self``."""
        self._reseed(_check_seed(seed))
        return self

    def seed(self) -> int:
        """Reseed from the OS entropy source (a full 64-bit value) and return the seed."""
        s = int.from_bytes(os.urandom(8), "little")
        self._reseed(s)
        return s

    def initial_seed(self) -> int:
        return self._seed

    # -- raw draws ---------------------------------------------------------------------------------
    def _u32(self, n: int) -> np.ndarray:
        """``n`` successive ``random()`` values (uint32 held in uint64)."""
        if n <= 0:
            return np.empty(0, np.uint64)
        self._pristine = False
        return self._bitgen.random_raw(n)

    def _u64(self, n: int) -> np.ndarray:
        """``n`` successive ``random64()`` values: (first << 32) | second."""
        r = self._u32(2 * n)
        return (r[0::2] << np.uint64(32)) | r[1::2]

    # -- state -------------------------------------------------------------------------------------
    def _state_array(self) -> np.ndarray:
        """torch's ``CPUGeneratorImplState`` as 5056 uint8 (``get_state`` without the Tensor)."""
        st = self._bitgen.state["state"]
        pos = int(st["pos"])
        buf = np.zeros(_STATE_NBYTES, np.uint8)
        head = np.zeros(3, np.uint64)
        head[0] = self._seed
        left_seeded = np.array([_MT_N + 1 - pos, 1], np.int32)
        buf[0:8] = head[:1].view(np.uint8)
        buf[8:16] = left_seeded.view(np.uint8)
        nxt = self._stored_next if self._pristine else pos
        buf[16:24] = np.array([nxt], np.uint64).view(np.uint8)
        buf[24:5016] = np.asarray(st["key"], np.uint64).view(np.uint8)
        if self._next_double_normal is not None:
            buf[5024:5032] = np.array([self._next_double_normal], np.float64).view(np.uint8)
            buf[5040:5044] = np.array([1], np.int32).view(np.uint8)
        if self._next_float_normal is not None:
            buf[5048:5052] = np.array([self._next_float_normal], np.float32).view(np.uint8)
            buf[5052] = 1
        return buf

    def get_state(self):
        """The state as a uint8 Tensor of 5056 elements, laid out exactly like torch's."""
        return _to_tensor(self._state_array(), False)

    def set_state(self, new_state) -> "Generator":
        """Load a state from ``get_state`` (minigrad or torch: Tensor, ndarray or bytes)."""
        buf = _state_bytes(new_state)
        seed = int(buf[0:8].view(np.uint64)[0])
        left, seeded = (int(v) for v in buf[8:16].view(np.int32))
        nxt = int(buf[16:24].view(np.uint64)[0])
        if not (seeded and 0 < left <= _MT_N and nxt <= _MT_N):
            raise RuntimeError("Invalid mt19937 state")
        key = (buf[24:5016].view(np.uint64) & np.uint64(0xFFFFFFFF)).astype(np.uint32)
        self._bitgen.state = {"bit_generator": "MT19937",
                              "state": {"key": key, "pos": _MT_N + 1 - left}}
        self._seed = seed
        self._pristine = True
        self._stored_next = nxt
        normal_valid = int(buf[5040:5044].view(np.int32)[0])
        self._next_double_normal = float(buf[5024:5032].view(np.float64)[0]) if normal_valid else None
        self._next_float_normal = (float(buf[5048:5052].view(np.float32)[0]) if buf[5052] else None)
        return self

    def __repr__(self) -> str:
        return f"<minigrad.Generator object (seed={self._seed})>"


def _state_bytes(state) -> np.ndarray:
    if isinstance(state, (bytes, bytearray, memoryview)):
        arr = np.frombuffer(bytes(state), np.uint8)
    else:
        if hasattr(state, "detach"):
            state = state.detach()
        if hasattr(state, "numpy"):
            state = state.numpy()
        arr = np.asarray(state)
        if arr.dtype != np.uint8:
            raise TypeError(f"RNG state must be a uint8 tensor, got {arr.dtype}")
    arr = _c_array(arr).reshape(-1)
    if arr.size != _STATE_NBYTES:
        raise RuntimeError(f"Expected a CPUGeneratorImplState of size {_STATE_NBYTES} but found "
                           f"the input RNG state size to be {arr.size}")
    return arr.copy()


default_generator = Generator()


def manual_seed(seed) -> Generator:
    """``torch.manual_seed``: ``int(seed)`` then seeds the default generator, which it returns."""
    return default_generator.manual_seed(int(seed))


def seed() -> int:
    """``torch.seed``: a non-deterministic 64-bit seed for the default generator, returned."""
    return default_generator.seed()


def initial_seed() -> int:
    return default_generator.initial_seed()


def get_rng_state():
    """``torch.get_rng_state``: the default generator's state (uint8 Tensor, 5056 bytes)."""
    return default_generator.get_state()


def set_rng_state(new_state) -> None:
    default_generator.set_state(new_state)


def _gen(generator) -> Generator:
    if generator is None:
        return default_generator
    if not isinstance(generator, Generator):
        raise TypeError(f"generator must be a minigrad.Generator, got {type(generator).__name__}")
    return generator


# ------------------------------------------------------------------------------------------------
# exact fused multiply-add (numpy has none)
# ------------------------------------------------------------------------------------------------

def _two_sum(a, b):
    s = a + b
    bb = s - a
    return s, (a - (s - bb)) + (b - bb)


def _round_odd_sum(a, b):
    """a + b (float64 arrays) rounded to odd: exact when representable, else the odd neighbour."""
    s, e = _two_sum(a, b)
    fix = (e != 0) & ((s.view(np.int64) & 1) == 0)
    if fix.any():
        s = np.where(fix, np.nextafter(s, np.where(e > 0, np.inf, -np.inf)), s)
    return s


def _fma32(a, b, c):
    """float32 ``fma(a, b, c)``: the float64 product is exact, the sum rounded to odd then to float32
    gives the single correct rounding.  Without FMA contraction: two float32 roundings."""
    a = np.asarray(a, np.float32)
    b = np.asarray(b, np.float32)
    c = np.asarray(c, np.float32)
    if _CAPABILITY == "default":
        return a * b + c
    with np.errstate(over="ignore", invalid="ignore"):
        return _round_odd_sum(a.astype(np.float64) * b, c.astype(np.float64)).astype(np.float32)


_SPLITTER = 134217729.0  # 2**27 + 1


def _split(a):
    t = _SPLITTER * a
    hi = t - (t - a)
    return hi, a - hi


# Where the vectorised emulation below is exact: Dekker's product error a*b - p is exact only if
# no partial product underflows (|a*b| >= 2**-966), and Veltkamp's split only if a*(2**27 + 1)
# does not overflow.  Other lanes (subnormal results, e.g. normal_(0, 1e-310)) take _fma64_exact.
_FMA64_MIN_PRODUCT = 2.0 ** -960
_FMA64_MAX_FACTOR = 2.0 ** 995
_FMA64_MIN_RESULT = 2.0 ** -1000


def _fma64_exact(a: float, b: float, c: float) -> float:
    """fma(a, b, c) of finite doubles through exact rationals: ``Fraction`` -> float is one correct
    rounding (int / int true division), subnormal results included."""
    from fractions import Fraction

    exact = Fraction(a) * Fraction(b) + Fraction(c)
    if exact == 0:  # an exact zero takes IEEE's sign rule for a*b + c, as the plain sum does
        return a * b + c
    try:
        out = float(exact)
    except OverflowError:  # rounds past the largest double
        return math.inf if exact > 0 else -math.inf
    return out if out != 0 else (-0.0 if exact < 0 else 0.0)  # underflow to zero keeps the sign


def _fma64(a, b, c, explicit=False):
    """float64 ``fma(a, b, c)`` correctly rounded: Boldo & Melquiond's emulation, and exact
    rational arithmetic for the (rare) lanes it cannot handle: a product that underflows (tiny
    ``std`` or uniform range: subnormal results) or overflows.  Without FMA contraction: two
    roundings, unless torch's source calls ``std::fma`` itself (``explicit``)."""
    a = np.asarray(a, np.float64)
    b = np.asarray(b, np.float64)
    c = np.asarray(c, np.float64)
    if _CAPABILITY == "default" and not explicit:
        return a * b + c
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        p = a * b
        ah, al = _split(a)
        bh, bl = _split(b)
        err = ((ah * bh - p) + ah * bl + al * bh) + al * bl
        hi, lo = _two_sum(c, p)
        out = hi + _round_odd_sum(lo, err)
    finite = np.isfinite(a) & np.isfinite(b) & np.isfinite(c)
    # inf/nan inputs, or a zero factor (an exact product: IEEE's signed-zero sum), are the plain sum
    out = np.where(finite & (a != 0) & (b != 0), out, p + c)
    underflow = (a != 0) & (b != 0) & (np.abs(p) < _FMA64_MIN_PRODUCT)
    overflow = (np.abs(a) >= _FMA64_MAX_FACTOR) | (np.abs(b) >= _FMA64_MAX_FACTOR) | ~np.isfinite(p)
    cancelled = (p != 0) & (np.abs(out) < _FMA64_MIN_RESULT)  # c + a*b lands near the subnormals
    exact = finite & (underflow | overflow | cancelled)
    if exact.any():
        out = np.array(out, np.float64)  # writable, also for 0-d
        idx = np.nonzero(exact)
        ab = np.broadcast_arrays(a, b, c)
        out[idx] = [_fma64_exact(x, y, z) for x, y, z in zip(*(v[idx].tolist() for v in ab))]
    return out


# ------------------------------------------------------------------------------------------------
# helpers
# ------------------------------------------------------------------------------------------------

_FLOATS = (np.dtype(np.float16), np.dtype(np.float32), np.dtype(np.float64))
_TORCH_NAMES = {"float16": "Half", "float32": "Float", "float64": "Double", "uint8": "Byte",
                "int8": "Char", "int16": "Short", "int32": "Int", "int64": "Long", "bool": "Bool"}
# the C++ type names some of torch's messages print (``c10::toString`` of the scalar type's C type)
_C_TYPE_NAMES = {"uint8": "unsigned char", "int8": "signed char", "int16": "short", "int32": "int",
                 "int64": "long int", "bool": "bool"}


def _c_array(a, dtype=None) -> np.ndarray:
    """C-contiguous, keeping 0-d shapes (``np.ascontiguousarray`` would make them 1-d)."""
    a = np.asarray(a, dtype=dtype)
    return a if a.flags.c_contiguous else a.copy(order="C")


def _np_dtype(dtype) -> np.dtype:
    return np.dtype(getattr(dtype, "np", dtype))


def _shape_tuple(shape) -> tuple:
    if isinstance(shape, (int, np.integer)):
        shape = (shape,)
    shape = tuple(int(s) for s in shape)
    for s in shape:
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {list(shape)}")
    return shape


def _numel(shape) -> int:
    return int(np.prod(shape, dtype=np.int64)) if shape else 1


def _u24_float(g: Generator, n: int) -> np.ndarray:
    """``uniform_real_distribution<float>(0, 1)``: (random() & 0xFFFFFF) / 2**24."""
    return (g._u32(n) & np.uint64(0xFFFFFF)).astype(np.float32) * np.float32(2.0 ** -24)


def _u53_double(g: Generator, n: int) -> np.ndarray:
    """``uniform_real_distribution<double>(0, 1)``: (random64() & (2**53 - 1)) / 2**53."""
    return (g._u64(n) & np.uint64((1 << 53) - 1)).astype(np.float64) * (2.0 ** -53)


def _double_to(values: np.ndarray, dt: np.dtype) -> np.ndarray:
    """``static_cast<scalar_t>(double)``; c10::Half converts through float (two roundings)."""
    if dt == np.float16:
        values = values.astype(np.float32)
    return values.astype(dt)


# ------------------------------------------------------------------------------------------------
# uniform
# ------------------------------------------------------------------------------------------------

def uniform_array(shape, low=0.0, high=1.0, dtype=np.float32, generator=None) -> np.ndarray:
    """``torch.rand`` / ``Tensor.uniform_(low, high)``, bit for bit.

    float32: ``fma(u, float(high) - float(low), float(low))`` with u = (random() & 0xFFFFFF) / 2**24
    (the subtraction in float32).  float64: the same in double with u from 53 bits of random64().
    float16: computed as float32, then rounded to half.  A result equal to ``high`` (after rounding
    to the dtype) is replaced by ``low``, as torch does.  One draw (two uint32 for float64) per
    element, in C order.
    """
    dt = _np_dtype(dtype)
    shape = _shape_tuple(shape)
    if dt not in _FLOATS:
        name = _TORCH_NAMES.get(dt.name, dt.name)
        raise RuntimeError(f"\"uniform_kernel_cpu\" not implemented for '{name}'")
    low, high = float(low), float(high)
    fmax = float(np.finfo(dt).max)
    for v, name in ((low, "from"), (high, "to")):
        if not -fmax <= v <= fmax:
            raise RuntimeError(f"{name} is out of bounds for {dt.name}")
    if not low <= high:
        raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found from={low} > "
                           f"to={high}")
    if not high - low <= fmax:
        limit = f"std::numeric_limits<{_TORCH_NAMES[dt.name]}>::max()"
        raise RuntimeError(f"uniform_ expects to-from <= {limit}, but found to={high} and from={low} "
                           "which result in to-from to exceed the limit")
    n = _numel(shape)
    if n == 0:
        return np.empty(shape, dt)
    g = _gen(generator)
    if dt == np.float64:
        out = _fma64(_u53_double(g, n), high - low, low)
    else:  # float32, and float16 computed in float32 (torch's opmath type) then rounded
        lo, hi = np.float32(low), np.float32(high)
        out = _fma32(_u24_float(g, n), hi - lo, lo).astype(dt)
    # torch maps a value that rounded up onto `high` back to `low` (the range stays [low, high))
    out = np.where(out == _double_to(np.array(high), dt), _double_to(np.array(low), dt), out)
    return _c_array(out.reshape(shape), dtype=dt)


# ------------------------------------------------------------------------------------------------
# normal
# ------------------------------------------------------------------------------------------------

_TWO_PI = 2.0 * math.pi


def _libm(fn, x: np.ndarray) -> np.ndarray:
    """Apply a libm function (Python's math module calls the C library, as torch does)."""
    return np.fromiter(map(fn, x.ravel().tolist()), np.float64, x.size).reshape(x.shape)


def _scalar_normals(g: Generator, n: int, mean: float, std: float) -> np.ndarray:
    """``at::normal_distribution<double>``: Box-Muller on two 53-bit uniforms, the sine half cached
    in the generator for the next call (which may be a later tensor)."""
    out = np.empty(n, np.float64)
    for i in range(n):
        if g._next_double_normal is not None:
            z = g._next_double_normal
            g._next_double_normal = None
        else:
            u1, u2 = _u53_double(g, 2).tolist()
            r = math.sqrt(-2.0 * math.log1p(-u2))
            theta = _TWO_PI * u1
            g._next_double_normal = r * math.sin(theta)
            z = r * math.cos(theta)
        out[i] = z
    return _fma64(out, std, mean)


def _box_muller_double(blocks: np.ndarray, mean: float, std: float) -> np.ndarray:
    """``normal_fill_16<double>`` on rows of 16 uniforms: u1 = 1 - first 8, u2 = last 8."""
    u1 = 1.0 - blocks[:, :8]
    radius = np.sqrt(-2.0 * _libm(math.log, u1))
    theta = _TWO_PI * blocks[:, 8:]
    z = np.concatenate([radius * _libm(math.cos, theta), radius * _libm(math.sin, theta)], axis=1)
    return _fma64(z, std, mean, explicit=True)


# --- float32: torch's AVX2 kernel (Cephes/avx_mathfun polynomials, FMA-contracted as compiled) ---
_F = np.float32
_LOG_P = [_F(c) for c in (7.0376836292e-2, -1.1514610310e-1, 1.1676998740e-1, -1.2420140846e-1,
                          1.4249322787e-1, -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1,
                          3.3333331174e-1)]
_LOG_Q1, _LOG_Q2 = _F(-2.12194440e-4), _F(0.693359375)
_SQRTHF = _F(0.707106781186547524)
_DP = (_F(-0.78515625), _F(-2.4187564849853515625e-4), _F(-3.77489497744594108e-8))
_COS_P = (_F(2.443315711809948e-005), _F(-1.388731625493765e-003), _F(4.166664568298827e-002))
_SIN_P = (_F(-1.9515295891e-4), _F(8.3321608736e-3), _F(-1.6666654611e-1))
_FOPI = _F(1.27323954473516)
_TWO_PI_F = _F(2.0 * math.pi)


def _log_ps(x: np.ndarray) -> np.ndarray:
    """float32 natural log for x in (0, 1], operation for operation as torch's ``log256_ps``."""
    x = np.maximum(x, np.array(0x00800000, np.int32).view(np.float32))
    bits = x.view(np.int32)
    e = ((bits.view(np.uint32) >> 23).astype(np.int32) - 127).astype(np.float32) + _F(1)
    x = ((bits & ~0x7F800000) | 0x3F000000).view(np.float32)  # mantissa in [0.5, 1)
    small = x < _SQRTHF
    x = (x - _F(1)) + np.where(small, x, _F(0))
    e = e - np.where(small, _F(1), _F(0))
    z = x * x
    y = np.full_like(x, _LOG_P[0])
    for p in _LOG_P[1:]:
        y = _fma32(y, x, p)
    y = y * x
    y = _fma32(y, z, e * _LOG_Q1)
    y = y - z * _F(0.5)
    return (x + y) + e * _LOG_Q2


def _sincos_ps(x: np.ndarray):
    """float32 (sin, cos) for x >= 0, operation for operation as torch's ``sincos256_ps``."""
    x = np.abs(x)
    j = ((x * _FOPI).astype(np.int32) + 1) & ~1
    y = j.astype(np.float32)
    sin_neg = (j & 4) != 0
    cos_neg = (~(j - 2) & 4) != 0
    first_poly = (j & 2) == 0
    for dp in _DP:
        x = _fma32(y, dp, x)
    z = x * x
    yc = _fma32(_fma32(np.full_like(z, _COS_P[0]), z, _COS_P[1]), z, _COS_P[2]) * z
    yc = _fma32(yc, z, -(z * _F(0.5))) + _F(1)
    ys = _fma32(_fma32(np.full_like(z, _SIN_P[0]), z, _SIN_P[1]), z, _SIN_P[2]) * z
    ys = _fma32(ys, x, x)
    s = np.where(first_poly, ys, yc)
    c = np.where(first_poly, yc, ys)
    return np.where(sin_neg, -s, s), np.where(cos_neg, -c, c)


def _box_muller_float_avx2(blocks: np.ndarray, mean, std) -> np.ndarray:
    """``normal_fill_16_AVX2`` on rows of 16 float32 uniforms."""
    with np.errstate(all="ignore"):
        radius = np.sqrt(_F(-2) * _log_ps(_F(1) - blocks[:, :8]))
        s, c = _sincos_ps(_TWO_PI_F * blocks[:, 8:])
    return np.concatenate([_fma32(radius * c, std, mean), _fma32(radius * s, std, mean)], axis=1)


def _normal_fill(g: Generator, n: int, dt: np.dtype, mean, std) -> np.ndarray:
    """``normal_fill``: n uniforms, Box-Muller per block of 16; if n % 16, the last 16 positions
    get 16 fresh uniforms and are transformed again.  float16 runs the float32 kernel on a
    16-element buffer per block, so the n % 16 leftover uniforms are never drawn."""
    if dt == np.float64:
        draw, transform = _u53_double, _box_muller_double
    else:
        if _CAPABILITY == "default":
            raise NotImplementedError("float32 normal for >= 16 elements is only implemented for "
                                      "torch's AVX2 kernel (ATEN_CPU_CAPABILITY=default is not)")
        draw, transform = _u24_float, _box_muller_float_avx2
        mean, std = np.float32(mean), np.float32(std)
    full = n - n % 16
    data = draw(g, full if dt == np.float16 else n)
    if full:
        data[:full] = transform(data[:full].reshape(-1, 16), mean, std).reshape(-1)
    if n % 16:
        tail = transform(draw(g, 16).reshape(1, 16), mean, std).reshape(-1)
        data = np.concatenate([data[:n - 16], tail])
    return data.astype(dt)


def normal_array(shape, mean=0.0, std=1.0, dtype=np.float32, generator=None,
                 contiguous=True) -> np.ndarray:
    """``torch.randn`` / ``Tensor.normal_(mean, std)`` with scalar mean and std, bit for bit.

    torch switches algorithm on size:
      * fewer than 16 elements (or a non-contiguous tensor: pass ``contiguous=False`` and write the
        values in the tensor's memory order): scalar Box-Muller in double on two 53-bit uniforms
        (``log1p``/``sin``/``cos`` from libm), ``fma(z, std, mean)``, rounded to the dtype; the
        second sample of each pair is cached in the generator and used by the next draw, even in a
        later call (``manual_seed`` clears it).
      * 16 or more, float64: ``normal_fill``: n 53-bit uniforms, Box-Muller over blocks of 16
        (u1 = 1 - u[j], u2 = u[j + 8], libm ``log/cos/sin``); when n % 16 != 0 the last 16 outputs
        are recomputed from 16 more uniforms.
      * 16 or more, float32: the same structure on 24-bit float uniforms through torch's AVX2
        kernel, whose float32 log/sin/cos are Cephes polynomials (avx_mathfun) with the FMAs the
        compiler fused; they are reproduced operation for operation, so the results are identical
        (they are *not* numpy's or libm's float32 log/sin/cos, which differ in the last bits).
      * 16 or more, float16: the float32 kernel block by block, rounded to half; only whole blocks
        and the 16-element tail draw uniforms.
    """
    dt = _np_dtype(dtype)
    shape = _shape_tuple(shape)
    if dt not in _FLOATS:
        name = _TORCH_NAMES.get(dt.name, dt.name)
        raise RuntimeError(f"\"normal_kernel_cpu\" not implemented for '{name}'")
    mean, std = float(mean), float(std)
    if not std >= 0.0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std:g}")
    n = _numel(shape)
    if n == 0:
        return np.empty(shape, dt)
    g = _gen(generator)
    if n >= 16 and contiguous:
        out = _normal_fill(g, n, dt, mean, std)
    else:
        out = _double_to(_scalar_normals(g, n, mean, std), dt)
    return _c_array(out.reshape(shape), dtype=dt)


# ------------------------------------------------------------------------------------------------
# integers
# ------------------------------------------------------------------------------------------------

def _int_limits(dt: np.dtype):
    if dt == np.bool_:
        return 0, 1
    info = np.iinfo(dt)
    return int(info.min), int(info.max)


def _via_float(v: int, dt: np.dtype) -> int:
    """``static_cast<int64_t>(static_cast<scalar_t>(v))``; beyond the type's range: the int64 edge."""
    with np.errstate(over="ignore"):
        f = float(np.array(v, np.int64).astype(np.float32 if dt == np.float16 else dt).astype(dt))
    if not math.isfinite(f):
        return (1 << 63) - 1 if f > 0 else -(1 << 63)
    return min(max(int(f), -(1 << 63)), (1 << 63) - 1)


def _update_from(frm: int, dt: np.dtype) -> int:
    """torch's ``update_from``: move ``from`` right until casting it to a float type stays >= from."""
    digits = np.finfo(dt).nmant + 1
    from_plus_1 = _via_float(frm + 1, dt)
    if from_plus_1 < frm:
        n = abs(frm + 1).bit_length() - 1
        frm = from_plus_1 + (1 << (n - digits + 1))
    return frm


def _update_to(to: int, dt: np.dtype) -> int:
    digits = np.finfo(dt).nmant + 1
    to_minus_1 = _via_float(to - 1, dt)
    if to_minus_1 >= to:
        n = abs(to - 1).bit_length() - 1
        to = to_minus_1 - (1 << (n - digits + 1))
    return to


def _check_in_range(frm: int, to_inc: int, dt: np.dtype) -> None:
    if dt.kind == "f":
        fmax = float(np.finfo(dt).max)
        lo, hi = -fmax, fmax
    else:
        lo, hi = _int_limits(dt)
    tname = {"uint8": "unsigned char", "int8": "signed char", "int16": "short", "int32": "int",
             "int64": "long int", "bool": "bool"}.get(dt.name, dt.name)
    if not lo <= frm <= hi:
        raise RuntimeError(f"from is out of bounds for {tname}")
    if not lo <= to_inc <= hi:
        raise RuntimeError(f"to - 1 is out of bounds for {tname}")


def _cast_int64(vals_u64: np.ndarray, dt: np.dtype, shape) -> np.ndarray:
    """``static_cast<scalar_t>(static_cast<int64_t>(v))`` for uint64 values."""
    as_i64 = vals_u64.view(np.int64)
    if dt == np.bool_:
        out = as_i64 != 0
    elif dt == np.float16:
        out = as_i64.astype(np.float32).astype(np.float16)
    else:
        out = as_i64.astype(dt)
    return _c_array(out.reshape(shape))


def randint_array(low, high, shape, dtype=np.int64, generator=None) -> np.ndarray:
    """``torch.randint(low, high, size)`` / ``Tensor.random_(low, high)``, bit for bit.

    ``(v % (high - low)) + low`` where v is random64() if the range is >= 2**28 (whatever the
    dtype), else random() (uint64 arithmetic, then cast via int64).  (torch's own builds at Meta,
    FBCODE_CAFFE2, use 2**32 and only for 64-bit/float dtypes; the public 2.13 wheel uses 2**28.)
    For float dtypes ``low``/``high`` are first nudged inward to values the dtype represents, as
    torch does.  ``high=None`` means torch's ``random_(low)``: up to the dtype's largest value
    (2**mantissa for floats) inclusive; ``low=-2**63, high=None`` is the full 64-bit range.
    """
    dt = _np_dtype(dtype)
    shape = _shape_tuple(shape)
    frm = int(low)
    if dt.kind not in "fiub":
        raise RuntimeError(f"random_ not implemented for {dt}")
    if high is None:
        if frm == -(1 << 63):
            n = _numel(shape)
            if n == 0:
                return np.empty(shape, dt)
            if dt not in (np.dtype(np.int64), np.dtype(np.float64), np.dtype(np.float32)):
                raise RuntimeError("random_full_64_bits_range_kernel_cpu handles only int64, double, "
                                   "float and bfloat16")
            return _cast_int64(_gen(generator)._u64(n), dt, shape)
        if dt.kind == "f":
            to_inc = min(1 << (np.finfo(dt).nmant + 1), (1 << 63) - 1)
            frm = _update_from(frm, dt)
            if not frm < to_inc:
                raise RuntimeError(f"random_ expects 'from' casted to dtype to be less than or equal to "
                                   f"'to_inc' casted to dtype, but got from={frm} > to_inc={to_inc}")
        else:
            to_inc = _int_limits(dt)[1]
        _check_in_range(frm, to_inc, dt)
        rng = to_inc - frm + 1
    else:
        to = int(high)
        if not frm < to:
            raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={frm} >= to={to}")
        if dt.kind == "f":
            frm, to = _update_from(frm, dt), _update_to(to, dt)
            if not frm < to:
                raise RuntimeError(f"random_ expects 'from' casted to dtype to be less than 'to' casted "
                                   f"to dtype, but got from={frm} >= to={to}")
        _check_in_range(frm, to - 1, dt)
        rng = to - frm
    n = _numel(shape)
    if n == 0:
        return np.empty(shape, dt)
    g = _gen(generator)
    v = g._u64(n) if rng >= (1 << 28) else g._u32(n)
    with np.errstate(over="ignore"):
        vals = (v % np.uint64(rng & _U64_MASK)) + np.uint64(frm & _U64_MASK)
    return _cast_int64(vals, dt, shape)


def random_array(shape, dtype=np.int64, generator=None) -> np.ndarray:
    """``Tensor.random_()`` with no bounds, bit for bit: [0, 2**63) for int64 and [0, 2**31) for
    int32 etc. (v % (max + 1)), [0, 2**mantissa] for floats (v % (2**digits + 1)), v & 1 for bool;
    v is random64() for int64 and float64, random() otherwise."""
    dt = _np_dtype(dtype)
    shape = _shape_tuple(shape)
    n = _numel(shape)
    if n == 0:
        return np.empty(shape, dt)
    g = _gen(generator)
    if dt == np.bool_:
        return _c_array(((g._u32(n) & np.uint64(1)) != 0).reshape(shape))
    if dt.kind == "f":
        mod = (1 << (np.finfo(dt).nmant + 1)) + 1
    elif dt.kind in "iu":
        mod = _int_limits(dt)[1] + 1
    else:
        raise RuntimeError(f"random_ not implemented for {dt}")
    v = g._u64(n) if dt in (np.dtype(np.int64), np.dtype(np.float64)) else g._u32(n)
    return _cast_int64(v % np.uint64(mod), dt, shape)


def randperm_array(n, dtype=np.int64, generator=None) -> np.ndarray:
    """``torch.randperm(n)``, bit for bit.

    For n < 214748364 (= (2**32 - 1) // 20): start from arange(n) and for i in 0..n-2 swap
    position i with i + random() % (n - i) (n - 1 draws).  For larger n torch switches to the
    "inside-out" Fisher-Yates with random64() % (i + 1) (n draws of 64 bits); implemented the same
    way but not tested (it needs gigabytes).
    """
    dt = _np_dtype(dtype)
    n = int(n)
    if n < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {n}: [{n}]")
    if dt.kind == "f":
        digits = np.finfo(dt).nmant + 1
        if n > (1 << digits) + 1:
            raise RuntimeError(f"n cannot be greater than 2^{digits}+1 for {_TORCH_NAMES[dt.name]} type.")
    elif dt.kind in "iu" and n - 1 > _int_limits(dt)[1]:
        raise RuntimeError(f"n is too large for result tensor type: '{dt.name}'")
    g = _gen(generator)
    if n < (0xFFFFFFFF // 20):
        perm = list(range(n))
        if n > 1:
            steps = (g._u32(n - 1) % np.arange(n, 1, -1, dtype=np.uint64)).tolist()
            for i, z in enumerate(steps):
                j = i + z
                perm[i], perm[j] = perm[j], perm[i]
        out = np.array(perm, dtype=np.int64)
    else:
        out = np.empty(n, np.int64)
        zs = g._u64(n) % np.arange(1, n + 1, dtype=np.uint64)
        for i, z in enumerate(zs.tolist()):
            out[i] = out[z]
            out[z] = i
    return out.astype(dt)


# ------------------------------------------------------------------------------------------------
# bernoulli
# ------------------------------------------------------------------------------------------------

def _check_expand(p: np.ndarray, shape: tuple) -> None:
    """torch's ``p.expand(shape)`` errors (``Tensor.bernoulli_(p)`` expands p to the output)."""
    if p.ndim > len(shape):
        raise RuntimeError(f"expand(torch.{_TORCH_NAMES[p.dtype.name]}Tensor{{{list(p.shape)}}}, "
                           f"size={list(shape)}): the number of sizes provided ({len(shape)}) must be "
                           f"greater or equal to the number of dimensions in the tensor ({p.ndim})")
    for dim, (have, want) in enumerate(zip(p.shape[::-1], shape[::-1])):
        if have not in (1, want):
            raise RuntimeError(f"The expanded size of the tensor ({want}) must match the existing size "
                               f"({have}) at non-singleton dimension {len(shape) - 1 - dim}.  Target "
                               f"sizes: {list(shape)}.  Tensor sizes: {list(p.shape)}")


def bernoulli_array(p, shape=None, dtype=np.float32, generator=None) -> np.ndarray:
    """``Tensor.bernoulli_(p)`` (float p) and ``torch.bernoulli(probs)`` (array p), bit for bit.

    * float p: per element ``u < p`` with u a 53-bit double from random64().  (torch's source has
      an MKL ``viRngBernoulli`` variant; measured on Intel and AMD CPUs, torch 2.13 does not run it.)
    * array p (broadcast to ``shape``): if p is float64, ``u < p`` with a 53-bit double u per
      element; for float32 (and float16) p, ``u < p`` in float with a 24-bit u from random().
    The result is cast to ``dtype`` (0/1).
    """
    dt = _np_dtype(dtype)
    g = _gen(generator)
    if isinstance(p, (int, float, np.floating, np.integer)) and not isinstance(p, np.ndarray):
        p = float(p)
        if not 0.0 <= p <= 1.0:
            raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={p:g}")
        shape = _shape_tuple(() if shape is None else shape)
        n = _numel(shape)
        out = _u53_double(g, n) < p if n else np.empty(0, bool)
        return _c_array(out.reshape(shape).astype(dt))
    probs = np.asarray(p)
    if probs.dtype not in _FLOATS:
        raise NotImplementedError(_not_implemented("bernoulli_tensor_cpu_p_", probs.dtype))
    shape = probs.shape if shape is None else _shape_tuple(shape)
    _check_expand(probs, shape)
    probs = np.broadcast_to(probs, shape).reshape(-1)
    if not ((probs >= 0) & (probs <= 1)).all():
        # torch's message for a TORCH_CHECK without text, word for word
        raise RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.  (Could this error "
                           "message be improved?  If so, please report an enhancement request to PyTorch.)")
    n = probs.size
    if probs.dtype == np.float64:
        out = _u53_double(g, n) < probs
    else:  # float32 and float16 probabilities: bernoulli_distribution<float>
        out = _u24_float(g, n) < probs.astype(np.float32)
    return _c_array(out.reshape(shape).astype(dt))


# ------------------------------------------------------------------------------------------------
# exponential, geometric, cauchy, log-normal: one 53-bit double uniform (or normal) per element
# ------------------------------------------------------------------------------------------------

def _not_implemented(kernel: str, dt: np.dtype) -> str:
    return f"\"{kernel}\" not implemented for '{_TORCH_NAMES.get(dt.name, dt.name)}'"


def _check_float_dtype(dt: np.dtype, kernel: str) -> None:
    if dt not in _FLOATS:
        raise NotImplementedError(_not_implemented(kernel, dt))


def _per_element(fn, values: np.ndarray, dt: np.dtype, shape) -> np.ndarray:
    """Apply a scalar double transform (libm through ``math``) and cast each result to ``dt``."""
    out = np.fromiter(map(fn, values.tolist()), np.float64, values.size)
    with np.errstate(over="ignore", invalid="ignore"):  # out of the dtype's range: inf, as torch
        if dt.kind in "iub":  # static_cast<integer>(double): through int64, wrapping as x86 does
            return _c_array(out.astype(np.int64).astype(dt).reshape(shape))
        return _c_array(_double_to(out, dt).reshape(shape))


def exponential_array(shape, lambd=1.0, dtype=np.float32, generator=None) -> np.ndarray:
    """``Tensor.exponential_(lambd)``, bit for bit: ``-1 / lambd * log1p(-u)`` in double, u a 53-bit
    uniform from random64() per element, cast to the dtype.

    torch 2.13's x86 wheel has an MKL variant of this kernel in its source, but measured on this
    Intel CPU it runs the generator-based kernel reproduced here (2 uint32 per element, same values).
    """
    dt = _np_dtype(dtype)
    shape = _shape_tuple(shape)
    lambd = float(lambd)
    if not lambd > 0.0:
        raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={lambd:g}")
    if dt not in _FLOATS:
        raise RuntimeError("Exponential distribution is a continuous probability distribution. dtype "
                           f"must be a floating point but you specified {_TORCH_NAMES.get(dt.name, dt.name)}")
    scale = -1.0 / lambd
    return _per_element(lambda u: scale * math.log1p(-u), _u53_double(_gen(generator), _numel(shape)),
                        dt, shape)


def geometric_array(shape, p, dtype=np.float32, generator=None) -> np.ndarray:
    """``Tensor.geometric_(p)``, bit for bit: ``ceil(log(u) / log(1 - p))`` in double (u a 53-bit
    uniform per element), cast to the dtype (integer dtypes too, as torch)."""
    dt = _np_dtype(dtype)
    shape = _shape_tuple(shape)
    p = float(p)
    if not 0.0 < p < 1.0:
        raise RuntimeError(f"geometric_ expects p to be in (0, 1), but got p={p:g}")
    if dt == np.bool_ or dt.kind not in "fiu":
        raise NotImplementedError(_not_implemented("geometric_cpu", dt))
    denom = math.log(1.0 - p)
    return _per_element(lambda u: math.ceil(math.log(u) / denom) if u > 0 else math.inf,
                        _u53_double(_gen(generator), _numel(shape)), dt, shape)


def cauchy_array(shape, median=0.0, sigma=1.0, dtype=np.float32, generator=None) -> np.ndarray:
    """``Tensor.cauchy_(median, sigma)``, bit for bit: ``median + sigma * tan(pi * (u - 0.5))`` in
    double (a fused multiply-add, as torch's compiled kernel), u a 53-bit uniform per element."""
    dt = _np_dtype(dtype)
    shape = _shape_tuple(shape)
    median, sigma = float(median), float(sigma)
    if not sigma > 0.0:
        raise RuntimeError(f"cauchy_ expects sigma > 0.0, but found sigma={sigma:g}")
    if dt not in _FLOATS:
        raise RuntimeError("Cauchy distribution is a continuous probability distribution. dtype must "
                           f"be a floating point but you specified {_C_TYPE_NAMES.get(dt.name, dt.name)}")
    u = _u53_double(_gen(generator), _numel(shape))
    t = np.fromiter((math.tan(math.pi * (x - 0.5)) for x in u.tolist()), np.float64, u.size)
    with np.errstate(over="ignore"):
        return _c_array(_double_to(_fma64(sigma, t, median), dt).reshape(shape))


def log_normal_array(shape, mean=1.0, std=2.0, dtype=np.float32, generator=None) -> np.ndarray:
    """``Tensor.log_normal_(mean, std)``, bit for bit: ``exp`` of the scalar Box-Muller normal
    (double, ``fma(z, std, mean)``, the cached second sample shared with ``normal_``) per element."""
    dt = _np_dtype(dtype)
    shape = _shape_tuple(shape)
    mean, std = float(mean), float(std)
    if not std > 0.0:
        raise RuntimeError(f"log_normal_ expects std > 0.0, but found std={std:g}")
    _check_float_dtype(dt, "log_normal_cpu")
    z = _scalar_normals(_gen(generator), _numel(shape), mean, std)
    return _per_element(math.exp, z, dt, shape)


def _libm_lgamma():
    """C's ``lgamma`` (torch calls it; Python's ``math.lgamma`` is a different implementation)."""
    import ctypes
    import ctypes.util
    try:
        fn = ctypes.CDLL(ctypes.util.find_library("m") or "libm.so.6").lgamma
    except (OSError, AttributeError):
        return math.lgamma
    fn.restype, fn.argtypes = ctypes.c_double, [ctypes.c_double]
    return fn


_lgamma = _libm_lgamma()


def _sample_poisson(lam: float, g: Generator) -> int:
    """torch's ``sample_poisson`` (numpy's legacy algorithm): products of uniforms below rate 10,
    Hoermann's transformed rejection from 10 on; every uniform a 53-bit double."""
    def uniform() -> float:
        return float(_u53_double(g, 1)[0])

    if lam >= 10:
        slam, loglam = math.sqrt(lam), math.log(lam)
        b = 0.931 + 2.53 * slam
        a = -0.059 + 0.02483 * b
        invalpha = 1.1239 + 1.1328 / (b - 3.4)
        vr = 0.9277 - 3.6224 / (b - 2)
        while True:
            u = uniform() - 0.5
            v = uniform()
            us = 0.5 - abs(u)
            k = math.floor((2 * a / us + b) * u + lam + 0.43)
            if us >= 0.07 and v <= vr:
                return k
            if k < 0 or (us < 0.013 and v > us):
                continue
            if (math.log(v) + math.log(invalpha) - math.log(a / (us * us) + b)
                    <= -lam + k * loglam - _lgamma(k + 1.0)):
                return k
    if lam == 0:
        return 0
    enlam, x, prod = math.exp(-lam), 0, 1.0
    while True:
        prod *= uniform()
        if prod > enlam:
            x += 1
        else:
            return x


def poisson_array(rates, generator=None) -> np.ndarray:
    """``torch.poisson(rates)``, bit for bit: one Poisson count per element (C order), returned in
    the rates' dtype.  Draws a data-dependent number of uniforms per element, as torch does."""
    rates = np.asarray(rates)
    if rates.dtype not in _FLOATS:
        raise NotImplementedError(_not_implemented("poisson_cpu", rates.dtype))
    g = _gen(generator)
    out = np.empty(rates.shape, np.float64)
    flat = out.reshape(-1)
    for i, lam in enumerate(np.ravel(rates).astype(np.float64).tolist()):
        if not lam >= 0:
            raise RuntimeError("invalid Poisson rate, expected rate to be non-negative")
        flat[i] = _sample_poisson(lam, g)
    return _c_array(_double_to(out, rates.dtype))


# ------------------------------------------------------------------------------------------------
# topk as torch's CPU kernel computes it: libstdc++'s nth_element / partial_sort / sort
# ------------------------------------------------------------------------------------------------

class _LibstdcxxSort:
    """The libstdc++ (GCC) algorithms torch's CPU ``topk`` calls, step for step, on a list.

    They are not stable: which of several *equal* elements comes first depends on every swap, so
    reproducing torch's order among ties means running the same introselect / heap / insertion
    sort moves.  ``before(x, y)`` is the comparator (true when x must come before y).
    """

    def __init__(self, items: list, before) -> None:
        self.a, self.before = items, before

    # -- heap (stl_heap.h) ---------------------------------------------------------------------
    def _push_heap(self, first, hole, top, value):
        a, before = self.a, self.before
        parent = (hole - 1) // 2
        while hole > top and before(a[first + parent], value):
            a[first + hole] = a[first + parent]
            hole = parent
            parent = (hole - 1) // 2
        a[first + hole] = value

    def _adjust_heap(self, first, hole, length, value):
        a, before = self.a, self.before
        top, child = hole, hole
        while child < (length - 1) // 2:
            child = 2 * (child + 1)
            if before(a[first + child], a[first + child - 1]):
                child -= 1
            a[first + hole] = a[first + child]
            hole = child
        if length % 2 == 0 and child == (length - 2) // 2:
            child = 2 * (child + 1)
            a[first + hole] = a[first + child - 1]
            hole = child - 1
        self._push_heap(first, hole, top, value)

    def _make_heap(self, first, last):
        length = last - first
        if length < 2:
            return
        for parent in range((length - 2) // 2, -1, -1):
            self._adjust_heap(first, parent, length, self.a[first + parent])

    def _pop_heap(self, first, last, result):
        a = self.a
        value = a[result]
        a[result] = a[first]
        self._adjust_heap(first, 0, last - first, value)

    def _heap_select(self, first, middle, last):
        self._make_heap(first, middle)
        for i in range(middle, last):
            if self.before(self.a[i], self.a[first]):
                self._pop_heap(first, middle, i)

    def partial_sort(self, first, middle, last):
        self._heap_select(first, middle, last)
        while middle - first > 1:  # __sort_heap
            middle -= 1
            self._pop_heap(first, middle, middle)

    # -- quicksort pieces (stl_algo.h) ---------------------------------------------------------
    def _move_median_to_first(self, result, x, y, z):
        a, before = self.a, self.before
        if before(a[x], a[y]):
            pick = y if before(a[y], a[z]) else z if before(a[x], a[z]) else x
        else:
            pick = x if before(a[x], a[z]) else z if before(a[y], a[z]) else y
        a[result], a[pick] = a[pick], a[result]

    def _unguarded_partition_pivot(self, first, last):
        a, before = self.a, self.before
        self._move_median_to_first(first, first + 1, first + (last - first) // 2, last - 1)
        lo, hi, pivot = first + 1, last, a[first]
        while True:
            while before(a[lo], pivot):
                lo += 1
            hi -= 1
            while before(pivot, a[hi]):
                hi -= 1
            if not lo < hi:
                return lo
            a[lo], a[hi] = a[hi], a[lo]
            lo += 1

    def _unguarded_linear_insert(self, last):
        a, before = self.a, self.before
        value = a[last]
        while before(value, a[last - 1]):
            a[last] = a[last - 1]
            last -= 1
        a[last] = value

    def _insertion_sort(self, first, last):
        a = self.a
        for i in range(first + 1, last):
            if self.before(a[i], a[first]):  # a new front: shift the sorted run right by one
                value = a[i]
                a[first + 1:i + 1] = a[first:i]
                a[first] = value
            else:
                self._unguarded_linear_insert(i)

    def nth_element(self, first, nth, last):
        if first == last or nth == last:
            return
        depth = 2 * ((last - first).bit_length() - 1)
        while last - first > 3:
            if depth == 0:
                self._heap_select(first, nth + 1, last)
                self.a[first], self.a[nth] = self.a[nth], self.a[first]
                return
            depth -= 1
            cut = self._unguarded_partition_pivot(first, last)
            if cut <= nth:
                first = cut
            else:
                last = cut
        self._insertion_sort(first, last)

    def sort(self, first, last):
        if first == last:
            return
        self._introsort_loop(first, last, 2 * ((last - first).bit_length() - 1))
        if last - first > 16:  # __final_insertion_sort
            self._insertion_sort(first, first + 16)
            for i in range(first + 16, last):
                self._unguarded_linear_insert(i)
        else:
            self._insertion_sort(first, last)

    def _introsort_loop(self, first, last, depth):
        while last - first > 16:
            if depth == 0:
                self.partial_sort(first, last, last)
                return
            depth -= 1
            cut = self._unguarded_partition_pivot(first, last)
            self._introsort_loop(cut, last, depth)
            last = cut


def _topk_indices(row: np.ndarray, k: int) -> list:
    """The indices of torch's CPU ``topk(k)`` (largest, sorted) of one row, ties in torch's order:
    ``partial_sort`` when ``k * 64 <= n``, else ``nth_element`` then ``sort`` of the first k - 1."""
    values = np.asarray(row, np.float64)
    order = np.argsort(-values, kind="stable")
    top = values[order[:k + 1]]
    if not np.isnan(values).any() and (np.diff(top) < 0).all():
        return order[:k].tolist()  # no ties among the top k + 1: every algorithm gives this order

    def before(x, y):  # NaN counts as the largest, as in torch's comparator
        return (x[0] != x[0] and y[0] == y[0]) or x[0] > y[0]

    queue = [(v, j) for j, v in enumerate(values.tolist())]
    algo = _LibstdcxxSort(queue, before)
    if k * 64 <= len(queue):
        algo.partial_sort(0, k, len(queue))
    else:
        algo.nth_element(0, k - 1, len(queue))
        algo.sort(0, k - 1)
    return [j for _, j in queue[:k]]


# ------------------------------------------------------------------------------------------------
# multinomial
# ------------------------------------------------------------------------------------------------

def _fill_order_fortran(arr: np.ndarray) -> bool:
    """Whether torch's ``empty_like(probs)`` would be column-major: a dense transposed 2-d input
    keeps its strides, and the draws then fill it in memory order."""
    return arr.ndim == 2 and arr.flags.f_contiguous and not arr.flags.c_contiguous


def multinomial_array(probs: np.ndarray, num_samples: int, replacement: bool = False,
                      generator=None) -> np.ndarray:
    """``torch.multinomial`` on CPU, bit for bit: int64 indices, shape (num_samples,) or
    (rows, num_samples).

    * Without replacement, *and with replacement when num_samples == 1* (the makemore sampling
      call): q = exponential_(1) of probs' shape and dtype (one 53-bit double per element, in the
      memory order of probs), then ``probs / q`` in probs' dtype, then argmax over the last dim
      (num_samples == 1, keepdim) or the indices of topk(num_samples).  (Gumbel-max trick.)
    * With replacement, num_samples >= 2: per row, the cumulative sum in the input dtype (float for
      half), divided by the total, last entry set to 1; per sample one 53-bit double u and a binary
      search for the first bucket with cum >= u.  Rows are checked as they are sampled.
    Ties among equal ratios (zero-probability categories once the non-zero ones are used up,
    float16 rounding) come out in torch's order too: ``_topk_indices`` replays libstdc++'s sorts.
    """
    probs = np.asarray(probs)
    if not 1 <= probs.ndim <= 2:
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    if probs.dtype not in _FLOATS:
        raise RuntimeError(f"multinomial only supports floating-point dtypes for input, got: "
                           f"{_TORCH_NAMES.get(probs.dtype.name, probs.dtype.name)}")
    n_sample = int(num_samples)
    if n_sample <= 0:
        raise RuntimeError("cannot sample n_sample <= 0 samples")
    n_categories = probs.shape[-1]
    if not replacement and n_sample > n_categories:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without replacement")
    if n_categories > (1 << 24):
        raise RuntimeError("number of categories cannot exceed 2^24")
    out_shape = (n_sample,) if probs.ndim == 1 else (probs.shape[0], n_sample)
    if _numel(out_shape) == 0:
        return np.empty(out_shape, np.int64)
    g = _gen(generator)
    if not replacement or n_sample == 1:
        return _multinomial_gumbel(probs, n_sample, g)
    rows = probs.reshape(probs.shape[0] if probs.ndim == 2 else 1, n_categories)
    out = np.empty((rows.shape[0], n_sample), np.int64)
    for i, row in enumerate(rows):
        bad = ~(row >= 0) | ~np.isfinite(row)
        if bad.any():  # torch checks element by element: the first bad entry names the problem
            if not row[np.argmax(bad)] >= 0:  # NaN fails this test first, as in torch
                raise RuntimeError("invalid multinomial distribution (encountering probability entry < 0)")
            raise RuntimeError("invalid multinomial distribution (encountering probability entry = "
                               "infinity or NaN)")
        acc = np.dtype(np.float32) if probs.dtype == np.float16 else probs.dtype  # half: in float
        cum = np.cumsum(row.astype(acc), dtype=acc)  # sequential, in the accumulation dtype
        total = cum[-1] if n_categories else 0.0
        if not total > 0:
            raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
        cum = cum / total
        cum[-1] = 1
        u = _u53_double(g, n_sample)
        # torch's binary search finds the first bucket whose cum >= u (compared in double)
        out[i] = np.searchsorted(cum.astype(np.float64), u, side="left")
    return out.reshape(out_shape)


def _multinomial_gumbel(probs: np.ndarray, n_sample: int, g: Generator) -> np.ndarray:
    """argmax / topk of probs / q with q ~ Exp(1): torch's path without replacement (and for a
    single sample)."""
    if probs.size == 0:
        raise RuntimeError("aminmax(): cannot compute aminmax over an empty dimension as the operation "
                           "has no identity.")
    if not (probs.max() < np.inf and probs.min() >= 0):
        raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    if (probs.sum(axis=-1) == 0).any():
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    if _fill_order_fortran(probs):
        q = exponential_array(probs.shape[::-1], 1.0, probs.dtype, g).T
    else:
        q = exponential_array(probs.shape, 1.0, probs.dtype, g)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        ratio = probs / q
    if n_sample == 1:
        return np.argmax(ratio, axis=-1)[..., None].astype(np.int64)
    rows = ratio.reshape(-1, ratio.shape[-1])
    out = np.array([_topk_indices(row, n_sample) for row in rows], np.int64)
    return out.reshape(probs.shape[:-1] + (n_sample,))


# ------------------------------------------------------------------------------------------------
# in-place fills (Tensor.uniform_ and friends) on views
# ------------------------------------------------------------------------------------------------

def _visit_order(target: np.ndarray) -> list:
    """The axes, outermost first, in the order torch's TensorIterator visits an in-place output:
    by decreasing stride, i.e. memory order (a transposed view is filled in its base's order)."""
    return sorted(range(target.ndim), key=lambda d: -abs(target.strides[d]))


def fill_values(target: np.ndarray, kernel, *args, generator=None, **kwargs) -> np.ndarray:
    """The values ``Tensor.<dist>_`` writes into ``target``, drawn in torch's visiting order.

    ``kernel(shape, *args, dtype, generator, **kwargs)`` is one of the ``*_array`` functions; it is
    called on the axes in memory order and its result transposed back to ``target``'s shape.
    """
    perm = _visit_order(target)
    values = kernel(tuple(target.shape[d] for d in perm), *args, target.dtype, generator, **kwargs)
    return values.transpose(np.argsort(perm)) if target.ndim > 1 else values


def normal_fill(target: np.ndarray, mean, std, generator=None) -> np.ndarray:
    """``Tensor.normal_``: torch's block algorithm needs a contiguous tensor; any other layout takes
    the scalar Box-Muller path in visiting order (see ``normal_array``)."""
    return fill_values(target, normal_array, mean, std, generator=generator,
                       contiguous=bool(target.flags.c_contiguous))


def bernoulli_fill(target: np.ndarray, p, generator=None) -> np.ndarray:
    """``Tensor.bernoulli_(p)``, p a float or an array broadcast to ``target`` (same visiting order)."""
    if isinstance(p, np.ndarray):
        if p.dtype not in _FLOATS:
            raise NotImplementedError(_not_implemented("bernoulli_tensor_cpu_p_", p.dtype))
        _check_expand(p, target.shape)
        p = np.broadcast_to(p, target.shape).transpose(_visit_order(target))

    def kernel(shape, dtype, g):
        return bernoulli_array(p, shape, dtype, g)
    return fill_values(target, kernel, generator=generator)


# ------------------------------------------------------------------------------------------------
# Tensor-level API (torch's signatures)
# ------------------------------------------------------------------------------------------------

def _to_tensor(arr: np.ndarray, requires_grad: bool):
    from minigrad._tensor import Tensor
    t = Tensor._make(arr)
    if requires_grad:
        t.requires_grad_(True)  # the setter raises torch's error for integer dtypes
    return t


_EXPECTED_SIZE = ("but expected one of:\n * (tuple of ints size, *, Generator generator, dtype dtype = None, "
                  "device device = None, bool requires_grad = False)")


def _size_args(args: tuple, fn: str, size=None) -> tuple:
    """torch's size parsing: varargs ints, one tuple/list/Size, or the ``size=`` keyword (not both).
    A non-int entry is a TypeError naming its type, as torch's argument parser does."""
    if size is not None:
        if args:
            got = ", ".join([type(a).__name__ for a in args] + [f"size={type(size).__name__}"])
            raise TypeError(f"{fn}() received an invalid combination of arguments - got ({got}), "
                            + _EXPECTED_SIZE)
        if not isinstance(size, (tuple, list)):  # torch.Size is a tuple
            raise TypeError(f"{fn}(): argument 'size' must be tuple of ints, not {type(size).__name__}")
        args = (size,)
    if not args:
        raise TypeError(f"{fn}() received an invalid combination of arguments - got (), " + _EXPECTED_SIZE)
    if len(args) == 1 and (isinstance(args[0], bool) or not isinstance(args[0], (int, np.integer))):
        if not isinstance(args[0], (tuple, list)):  # torch.Size is a tuple
            raise TypeError(f"{fn}(): argument 'size' (position 1) must be tuple of ints, not "
                            f"{type(args[0]).__name__}")
        args = tuple(args[0])
    for pos, a in enumerate(args):
        if isinstance(a, bool) or not isinstance(a, (int, np.integer)):
            raise TypeError(f"{fn}(): argument 'size' (position 1) must be tuple of ints, but found "
                            f"element of type {type(a).__name__} at pos {pos}")
    return _shape_tuple(args)


def _float_dtype(dtype) -> np.dtype:
    from minigrad import _dtype
    d = _dtype.get_default_dtype() if dtype is None else _dtype.as_dtype(dtype)
    return d.np


def _like_dtype(input, dtype) -> np.dtype:
    from minigrad import _dtype
    return (input.dtype if dtype is None else _dtype.as_dtype(dtype)).np


def _check_device(device) -> None:
    if device is not None:
        from minigrad._tensor import _require_cpu
        _require_cpu(device)  # torch's CPU-build error for any other device


def _np_of(x) -> np.ndarray:
    if hasattr(x, "detach"):
        x = x.detach()
    return np.asarray(x.numpy() if hasattr(x, "numpy") else x)


def _unit_float(kernel, shape, dtype, generator, requires_grad, device):
    """rand/randn and their _like forms: the kernel on [0, 1) / N(0, 1)."""
    _check_device(device)
    return _to_tensor(kernel(shape, 0.0, 1.0, dtype, generator), requires_grad)


def rand(*args, size=None, generator=None, dtype=None, requires_grad=False, device=None):
    """``torch.rand``: uniform [0, 1) of the default float dtype (see ``uniform_array``)."""
    return _unit_float(uniform_array, _size_args(args, "rand", size), _float_dtype(dtype), generator,
                       requires_grad, device)


def rand_like(input, *, dtype=None, requires_grad=False, generator=None, device=None):
    return _unit_float(uniform_array, tuple(input.shape), _like_dtype(input, dtype), generator,
                       requires_grad, device)


def randn(*args, size=None, generator=None, dtype=None, requires_grad=False, device=None):
    """``torch.randn``: standard normal of the default float dtype (see ``normal_array``)."""
    return _unit_float(normal_array, _size_args(args, "randn", size), _float_dtype(dtype), generator,
                       requires_grad, device)


def randn_like(input, *, dtype=None, requires_grad=False, generator=None, device=None):
    return _unit_float(normal_array, tuple(input.shape), _like_dtype(input, dtype), generator,
                       requires_grad, device)


def _int_dtype(dtype) -> np.dtype:
    from minigrad import _dtype
    return _dtype.int64.np if dtype is None else _dtype.as_dtype(dtype).np


def randint(*args, size=None, low=None, high=None, generator=None, dtype=None,
            requires_grad=False, device=None):
    """``torch.randint(high, size)`` / ``torch.randint(low, high, size)`` (int64 unless ``dtype``);
    ``size`` may also be given as a keyword (a tuple, list or Size, never a bare int)."""
    _check_device(device)
    keywords = (("size", size), ("low", low), ("high", high))
    given = [type(a).__name__ for a in args]
    given += [f"{k}={type(v).__name__}" for k, v in keywords if v is not None]
    invalid = TypeError(f"randint() received an invalid combination of arguments - got ({', '.join(given)}), "
                        "but expected one of:\n * (int high, tuple of ints size, *, Generator generator, "
                        "dtype dtype = None, ...)\n * (int low, int high, tuple of ints size, *, ...)")
    args = list(args)
    if size is None and args and not isinstance(args[-1], (int, np.integer)):
        size = args.pop()
    if len(args) == 2 and low is None and high is None:
        low, high = args
    elif len(args) == 1:
        if high is None:
            high = args[0]
        elif low is None:
            low = args[0]
        else:
            raise invalid
    elif args:
        raise invalid
    if high is None or size is None or not isinstance(size, (tuple, list)):
        raise invalid
    low = 0 if low is None else low
    shape = _size_args((size,), "randint")
    return _to_tensor(randint_array(low, high, shape, _int_dtype(dtype), generator), requires_grad)


def randint_like(input, low=0, high=None, *, dtype=None, requires_grad=False, generator=None,
                 device=None):
    """``torch.randint_like(input, high)`` / ``(input, low, high)``: the input's dtype by default."""
    _check_device(device)
    if high is None:
        low, high = 0, low
    return _to_tensor(randint_array(low, high, tuple(input.shape), _like_dtype(input, dtype),
                                    generator), requires_grad)


def _arg_type(value) -> str:
    """The type name torch's argument parser prints (``Tensor`` for any tensor)."""
    return "Tensor" if hasattr(value, "_array") else type(value).__name__


def normal(mean=0.0, std=1.0, size=None, *, generator=None, dtype=None, requires_grad=False,
           device=None):
    """``torch.normal`` with all its overloads.

    * ``normal(mean: float, std: float, size)``: ``normal_array(size, mean, std)``.
    * ``normal(mean: Tensor, std: float = 1)``: N(0, std) of mean's shape and dtype, then ``+ mean``.
    * ``normal(mean: float, std: Tensor)``: N(0, 1) of std's shape and dtype, ``* std``, ``+ mean``
      (mean rounded to that dtype).
    * ``normal(mean: Tensor, std: Tensor)``: N(0, 1) of the broadcast shape in mean's dtype,
      ``* std`` then ``+ mean`` — separate roundings, as torch does.
    """
    _check_device(device)
    mean_t = not isinstance(mean, (int, float, np.integer, np.floating))
    std_t = not isinstance(std, (int, float, np.integer, np.floating))
    size_ok = size is None if (mean_t or std_t) else isinstance(size, (tuple, list))
    if not size_ok:  # torch has no overload for this mix (a size only with float mean and std)
        given = [_arg_type(mean), _arg_type(std)] + ([] if size is None else [f"size={_arg_type(size)}"])
        got = ", ".join(given)
        raise TypeError(f"normal() received an invalid combination of arguments - got ({got}), but expected "
                        "one of:\n * (Tensor mean, Tensor std, *, Generator generator)\n * (Tensor mean, "
                        "float std = 1, *, Generator generator)\n * (float mean, Tensor std, *, Generator "
                        "generator)\n * (float mean, float std, tuple of ints size, *, Generator generator, "
                        "dtype dtype = None, ...)")
    if not mean_t and not std_t:
        arr = normal_array(_size_args((size,), "normal"), mean, std, _float_dtype(dtype), generator)
        return _to_tensor(arr, requires_grad)
    if mean_t and not std_t:
        m = _np_of(mean)
        base = normal_array(m.shape, 0.0, std, m.dtype, generator)
        return _to_tensor(_c_array(base + m), requires_grad)
    s = _np_of(std)
    if not (s.size == 0 or s.min() >= 0):
        raise RuntimeError("normal expects all elements of std >= 0.0")
    if not mean_t:
        base = normal_array(s.shape, 0.0, 1.0, s.dtype, generator)
        out = base * s
        out = out + np.array(mean, s.dtype)
        return _to_tensor(_c_array(out.astype(s.dtype)), requires_grad)
    m = _np_of(mean)
    shape = np.broadcast_shapes(m.shape, s.shape)
    base = normal_array(shape, 0.0, 1.0, m.dtype, generator)
    out = (base * s).astype(m.dtype)
    out = (out + m).astype(m.dtype)
    return _to_tensor(_c_array(out), requires_grad)


def randperm(n, *, generator=None, dtype=None, requires_grad=False, device=None):
    """``torch.randperm`` (int64 by default; see ``randperm_array``)."""
    _check_device(device)
    return _to_tensor(randperm_array(n, _int_dtype(dtype), generator), requires_grad)


def _check_generator(generator, fn: str) -> None:
    if generator is not None and not isinstance(generator, Generator):
        raise TypeError(f"{fn}(): argument 'generator' must be torch.Generator, not "
                        f"{type(generator).__name__}")


def bernoulli(input, p=None, *, generator=None):
    """``torch.bernoulli(input)`` (input holds the probabilities, float16/32/64) or
    ``torch.bernoulli(input, p)`` (a float p; input only gives shape and dtype)."""
    _check_generator(generator, "bernoulli")
    probs = _np_of(input)
    if p is None:
        return _to_tensor(bernoulli_array(probs, probs.shape, probs.dtype, generator), False)
    return _to_tensor(bernoulli_array(float(p), probs.shape, probs.dtype, generator), False)


def multinomial(input, num_samples: int, replacement: bool = False, *, generator=None):
    """``torch.multinomial``: ``num_samples`` category indices (int64) drawn from the probabilities
    in each row of ``input`` (1-d: one distribution; 2-d: one per row; rows need not sum to 1).

    Bit for bit with torch's CPU kernel, generator state included; see ``multinomial_array`` for
    the two algorithms (num_samples == 1 always takes the exponential / argmax one)."""
    from minigrad._tensor import Tensor
    if not isinstance(input, Tensor):
        raise TypeError(f"multinomial(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(input).__name__}")
    if isinstance(num_samples, bool) or not isinstance(num_samples, (int, np.integer)):
        raise TypeError(f"multinomial(): argument 'num_samples' (position 2) must be int, not "
                        f"{type(num_samples).__name__}")
    _check_generator(generator, "multinomial")
    return _to_tensor(multinomial_array(_np_of(input), num_samples, bool(replacement), generator), False)


def poisson(input, generator=None):
    """``torch.poisson(input)``: a Poisson count for each rate in ``input`` (float dtypes)."""
    _check_generator(generator, "poisson")
    return _to_tensor(poisson_array(_np_of(input), generator), False)
