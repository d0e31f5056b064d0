"""Argument checks shared by every wrapper: dtypes, dimensions, the float32/float64 choice.

Copies (the list python/README.md keeps): an array that is already float32/float64 is never
converted here; integers, booleans and a float32 array that must meet a float64 one become
float64 in Fortran (column-major) order (one copy, which the C++ side then views); lists become
arrays (a copy). The C++ side views Fortran-ordered arrays in place and copies any other layout
once into column-major order (python/src/convert.hpp), counted by input_copies().
"""
import numpy as np

_REAL_KINDS = "fiub"


def real_array(a, name, ndims=(2,)):
    """`a` as a numpy array of real numbers with one of `ndims` dimensions, else ValueError."""
    arr = np.asarray(a)
    if arr.dtype.kind not in _REAL_KINDS:
        raise ValueError(
            f"{name} has dtype {arr.dtype}; neuroscore needs real numbers (float32 or float64)")
    if arr.ndim not in ndims:
        want = " or ".join(f"{d}-D" for d in ndims)
        raise ValueError(f"{name} must be {want}, got shape {arr.shape}")
    if arr.dtype != np.float32 and arr.dtype != np.float64:
        arr = arr.astype(np.float64, order="F")
    return arr


def as_float64(arr):
    """arr itself when float64, else one Fortran-ordered float64 copy (which C++ then views)."""
    return arr if arr.dtype == np.float64 else arr.astype(np.float64, order="F")


def common_float(*arrays):
    """The arrays in one dtype: float32 when every one is float32, else float64."""
    if all(a.dtype == np.float32 for a in arrays):
        return arrays
    return tuple(as_float64(a) for a in arrays)


def float64_vector(a, name):
    """A 1-D float64 array (p-values, times, weights)."""
    return as_float64(real_array(a, name, ndims=(1,)))


def float64_matrix(a, name, ndims=(2,)):
    """A float64 array of the given dimensions (statistics run in double)."""
    return as_float64(real_array(a, name, ndims=ndims))


def matrices(seq, name):
    """A list of 2-D float64 arrays (trials, subjects, bands), each checked."""
    items = list(seq)
    if not items:
        raise ValueError(f"{name} is empty")
    return [float64_matrix(m, f"{name}[{i}]") for i, m in enumerate(items)]


def count(value, name, minimum=0):
    """An integer >= minimum (not a bool, not a float), else ValueError naming it."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) or value < minimum:
        want = "a non-negative integer" if minimum == 0 else f"an integer >= {minimum}"
        raise ValueError(f"{name} must be {want}, got {value!r}")
    return int(value)


def seed_of(seed):
    """A seed is a non-negative integer below 2**64 (the C++ side takes uint64)."""
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)):
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    if not 0 <= int(seed) < 2**64:
        raise ValueError(f"seed {seed} is outside [0, 2**64)")
    return int(seed)
