"""neuroscore: brain scores for language-model features, from Python.

The same C++ core as the command line and the Bazel reproductions (python/README.md):
  estimators  RidgeCV, BandedRidgeCV (scikit-learn / himalaya shaped)
  splitters   ContiguousKFold, GroupKFold, LeaveOneGroupOut (usable by scikit-learn)
  scores      cross_validated_ridge, pearson_r
  statistics  block_permutation_test, circular_shift_test, fdr, block_bootstrap_ci, bootstrap_ci
  ceilings    split_half_reliability, schoppe_cc_max, schoppe_cc_norm, nsd_noise_ceiling, ...
  features    partition_variance, fir_delays, lanczos_resample
Results are named (frozen dataclasses); a caller's mistake raises ValueError with the C++
message; long calls release the GIL; float32 and float64 inputs are both accepted.
"""
from . import _neuroscore
from ._estimators import *  # noqa: F401,F403
from ._estimators import __all__ as _estimators_all
from ._signal import *  # noqa: F401,F403
from ._signal import __all__ as _signal_all
from ._splitters import *  # noqa: F401,F403
from ._splitters import __all__ as _splitters_all
from ._stats import *  # noqa: F401,F403
from ._stats import __all__ as _stats_all


def input_copies():
    """How many array arguments were copied on their way into C++ since import (a view is not
    a copy): Fortran-ordered float32/float64 arrays are viewed in place, other layouts copied
    once. python/README.md lists which calls copy."""
    return _neuroscore.input_copies()


__all__ = [*_estimators_all, *_splitters_all, *_stats_all, *_signal_all, "input_copies"]
