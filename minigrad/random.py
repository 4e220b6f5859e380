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

Known differences (measured, not hidden):
    * ``bernoulli_array`` with a scalar ``p`` (``Tensor.bernoulli_(p)``, dropout): on an *Intel* CPU
      torch's MKL build draws one uint32 as a seed for MKL's MCG31 stream instead (see
      ``bernoulli_array``).  minigrad implements the non-MKL kernel, which is what torch runs on AMD
      and other non-Intel CPUs (this machine) — so parity there, a different mask on Intel.
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
    "randint_like", "normal", "randperm", "bernoulli",
]

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


def _cpu_is_intel() -> bool:
    """True on an Intel CPU, where torch's MKL build takes its own scalar-p bernoulli path."""
    try:
        with open("/proc/cpuinfo") as f:
            return any(ln.startswith("vendor_id") and "GenuineIntel" in ln for ln in f)
    except OSError:
        return "intel" in platform.processor().lower()


# Whether scalar-p bernoulli (dropout masks) can match torch on this machine; see the module doc.
SCALAR_BERNOULLI_MATCHES_TORCH = not _cpu_is_intel()


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

def bernoulli_array(p, shape=None, dtype=np.float32, generator=None) -> np.ndarray:
    """``Tensor.bernoulli_(p)`` (float p) and ``torch.bernoulli(probs)`` (array p), bit for bit on
    torch's non-MKL CPU kernel.

    * float p: per element ``u < p`` with u a 53-bit double from random64().  Measured difference:
      torch built with MKL (the official x86 wheels) takes another path *on Intel CPUs only*
      (cpuinfo vendor check): one random() draw seeds MKL's MCG31 stream and ``viRngBernoulli``
      fills the tensor, so the mask differs and torch consumes one uint32 instead of two per
      element.  On AMD (this machine) and other CPUs torch runs the kernel reproduced here.
    * array p (broadcast to ``shape``): if p is float64, ``u < p`` with a 53-bit double u per
      element; for float32 p, ``u < p`` in float with a 24-bit u from random().
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
    if probs.dtype not in (np.dtype(np.float32), np.dtype(np.float64)):
        raise RuntimeError(f"\"bernoulli_tensor_cpu_p_\" not implemented for "
                           f"'{_TORCH_NAMES.get(probs.dtype.name, probs.dtype.name)}'")
    shape = probs.shape if shape is None else _shape_tuple(shape)
    probs = np.broadcast_to(probs, shape).reshape(-1)
    if not ((probs >= 0) & (probs <= 1)).all():
        raise RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.")
    n = probs.size
    if probs.dtype == np.float64:
        out = _u53_double(g, n) < probs
    else:
        out = _u24_float(g, n) < probs
    return _c_array(out.reshape(shape).astype(dt))


# ------------------------------------------------------------------------------------------------
# Tensor-level API (torch's signatures)
# ------------------------------------------------------------------------------------------------

def _to_tensor(arr: np.ndarray, requires_grad: bool):
    from minigrad._tensor import Tensor
    t = Tensor._make(arr)
    if requires_grad:
        t.requires_grad_(True)  # the setter raises torch's error for integer dtypes
    return t


def _size_args(size, fn: str) -> tuple:
    """Varargs ints or one tuple/list/Size, as torch's size parsing."""
    if not size:
        raise TypeError(f"{fn}() missing 1 required positional argument: 'size'")
    if len(size) == 1 and not isinstance(size[0], (int, np.integer)):
        size = size[0]
    try:
        return _shape_tuple(size)
    except TypeError:
        raise TypeError(f"{fn}(): argument 'size' must be tuple of ints, but found {size!r}") from None


def _float_dtype(dtype) -> np.dtype:
    from minigrad import _dtype
    d = _dtype.get_default_dtype() if dtype is None else _dtype.as_dtype(dtype)
    return d.np


def _like_dtype(input, dtype) -> np.dtype:
    from minigrad import _dtype
    return (input.dtype if dtype is None else _dtype.as_dtype(dtype)).np


def _check_device(device) -> None:
    if device is not None and str(getattr(device, "type", device)).split(":")[0] != "cpu":
        raise RuntimeError(f"minigrad only supports the CPU, got device {device!r}")


def _np_of(x) -> np.ndarray:
    if hasattr(x, "detach"):
        x = x.detach()
    return np.asarray(x.numpy() if hasattr(x, "numpy") else x)


def _unit_float(kernel, shape, dtype, generator, requires_grad, device):
    """rand/randn and their _like forms: the kernel on [0, 1) / N(0, 1)."""
    _check_device(device)
    return _to_tensor(kernel(shape, 0.0, 1.0, dtype, generator), requires_grad)


def rand(*size, generator=None, dtype=None, requires_grad=False, device=None):
    """``torch.rand``: uniform [0, 1) of the default float dtype (see ``uniform_array``)."""
    return _unit_float(uniform_array, _size_args(size, "rand"), _float_dtype(dtype), generator,
                       requires_grad, device)


def rand_like(input, *, dtype=None, requires_grad=False, generator=None, device=None):
    return _unit_float(uniform_array, tuple(input.shape), _like_dtype(input, dtype), generator,
                       requires_grad, device)


def randn(*size, generator=None, dtype=None, requires_grad=False, device=None):
    """``torch.randn``: standard normal of the default float dtype (see ``normal_array``)."""
    return _unit_float(normal_array, _size_args(size, "randn"), _float_dtype(dtype), generator,
                       requires_grad, device)


def randn_like(input, *, dtype=None, requires_grad=False, generator=None, device=None):
    return _unit_float(normal_array, tuple(input.shape), _like_dtype(input, dtype), generator,
                       requires_grad, device)


def _int_dtype(dtype) -> np.dtype:
    from minigrad import _dtype
    return _dtype.int64.np if dtype is None else _dtype.as_dtype(dtype).np


def randint(*args, size=None, low=None, high=None, generator=None, dtype=None,
            requires_grad=False, device=None):
    """``torch.randint(high, size)`` / ``torch.randint(low, high, size)`` (int64 unless ``dtype``)."""
    _check_device(device)
    args = list(args)
    if size is None and args and not isinstance(args[-1], (int, np.integer)):
        size = args.pop()
    if len(args) == 2:
        low, high = args
    elif len(args) == 1:
        if high is None:
            high = args[0]
        else:
            low = args[0]
    elif args:
        raise TypeError("randint() takes (high, size) or (low, high, size)")
    if high is None or size is None:
        raise TypeError("randint() missing required arguments 'high' and/or 'size'")
    low = 0 if low is None else low
    shape = _shape_tuple(size)
    return _to_tensor(randint_array(low, high, shape, _int_dtype(dtype), generator), requires_grad)


def randint_like(input, low=0, high=None, *, dtype=None, requires_grad=False, generator=None,
                 device=None):
    """``torch.randint_like(input, high)`` / ``(input, low, high)``: the input's dtype by default."""
    _check_device(device)
    if high is None:
        low, high = 0, low
    return _to_tensor(randint_array(low, high, tuple(input.shape), _like_dtype(input, dtype),
                                    generator), requires_grad)


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
    if not mean_t and not std_t:
        if size is None:
            raise TypeError("normal() with float mean and float std needs a size")
        arr = normal_array(_shape_tuple(size), mean, std, _float_dtype(dtype), generator)
        return _to_tensor(arr, requires_grad)
    if size is not None:
        raise TypeError("normal(): size is only allowed with float mean and float std")
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


def bernoulli(input, p=None, *, generator=None):
    """``torch.bernoulli(input)`` (input holds the probabilities) or ``torch.bernoulli(input, p)``
    (a float p, input only gives shape and dtype).  See ``bernoulli_array`` for the MKL caveat."""
    probs = _np_of(input)
    if p is None:
        return _to_tensor(bernoulli_array(probs, probs.shape, probs.dtype, generator), False)
    return _to_tensor(bernoulli_array(float(p), probs.shape, probs.dtype, generator), False)
