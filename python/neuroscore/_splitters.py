"""Cross-validation splitters: scikit-learn-shaped objects over neuroscore's contiguous folds.

Each has split(X, y=None, groups=None) yielding (train, test) int64 index arrays and
get_n_splits(), so scikit-learn's cross_val_score, GridSearchCV and himalaya accept them.
"""
import numpy as np

from . import _neuroscore
from ._arrays import count as _count

__all__ = ["ContiguousKFold", "GroupKFold", "LeaveOneGroupOut"]


def _n_samples(X):
    if X is None:
        raise ValueError("split() needs X (or anything with len()) to know the number of samples")
    return X.shape[0] if hasattr(X, "shape") else len(X)


class _Splitter:
    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in vars(self).items())
        return f"{type(self).__name__}({args})"

    def __eq__(self, other):
        return type(self) is type(other) and vars(self) == vars(other)


class ContiguousKFold(_Splitter):
    """k contiguous test blocks in time order, never shuffled. The first n % k blocks get one
    extra sample. gap: training samples within `gap` of a test block are dropped (purged), so
    autocorrelated neighbours of the test block never train the model."""

    def __init__(self, n_splits=5, gap=0):
        self.n_splits = n_splits
        self.gap = gap

    def split(self, X, y=None, groups=None):
        folds = _neuroscore.contiguous_kfold(
            _n_samples(X), _count(self.n_splits, "n_splits"), _count(self.gap, "gap"))
        yield from folds

    def get_n_splits(self, X=None, y=None, groups=None):
        return self.n_splits


class GroupKFold(_Splitter):
    """k folds of whole groups (stories, runs), groups kept in order of first appearance as
    contiguous blocks of groups; `gap` purges training samples next to a test sample."""

    def __init__(self, n_splits=5, gap=0):
        self.n_splits = n_splits
        self.gap = gap

    def split(self, X, y=None, groups=None):
        if groups is None:
            raise ValueError("GroupKFold.split needs groups (one label per sample)")
        labels = np.asarray(groups)
        if labels.shape != (_n_samples(X),):
            raise ValueError(f"groups has shape {labels.shape} for {_n_samples(X)} samples")
        yield from _neuroscore.group_kfold(
            labels, _count(self.n_splits, "n_splits"), _count(self.gap, "gap"))

    def get_n_splits(self, X=None, y=None, groups=None):
        return self.n_splits


class LeaveOneGroupOut(_Splitter):
    """One fold per group (story, run, subject), `gap` purging as in ContiguousKFold."""

    def __init__(self, gap=0):
        self.gap = gap

    def split(self, X, y=None, groups=None):
        if groups is None:
            raise ValueError("LeaveOneGroupOut.split needs groups (one label per sample)")
        labels = np.asarray(groups)
        if labels.shape != (_n_samples(X),):
            raise ValueError(f"groups has shape {labels.shape} for {_n_samples(X)} samples")
        yield from _neuroscore.leave_one_group_out(labels, _count(self.gap, "gap"))

    def get_n_splits(self, X=None, y=None, groups=None):
        if groups is None:
            raise ValueError("LeaveOneGroupOut.get_n_splits needs groups")
        return len(np.unique(np.asarray(groups)))


def folds_of(cv, X, y=None, groups=None):
    """(train, test) index pairs from an int (ContiguousKFold(int)), a splitter with split(), or
    an iterable of pairs."""
    if isinstance(cv, (int, np.integer)) and not isinstance(cv, bool):
        cv = ContiguousKFold(int(cv))
    if hasattr(cv, "split"):
        return [(np.asarray(tr), np.asarray(te)) for tr, te in cv.split(X, y, groups)]
    return [(np.asarray(tr), np.asarray(te)) for tr, te in cv]
