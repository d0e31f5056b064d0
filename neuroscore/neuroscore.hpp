// neuroscore/neuroscore.hpp: the whole public API of the header-only core in one include (splits,
// alignment, ridge and banded ridge, scores, nulls, bootstrap, ceilings, partitioning, hierarchies,
// simulation, comparisons, controls, alpha grids). Entry point: #include <neuroscore/neuroscore.hpp>.
//
// Needs Eigen 3.4 and Boost.Math only. Not included here, because they need more libraries: the
// file readers and writers of neuroscore/io/ (NPY, delimited text, TextGrid, BIDS events, NIfTI,
// GIfTI with zlib, HDF5 with libhdf5; the CMake component neuroscore::io) and the loaders of the
// shipped data sets in neuroscore/datasets/ (ICU for word keys). Include those headers by name.
// README.md ("The library's public API") lists every public function and class with its header.
#pragma once

#include "neuroscore/align.hpp"
#include "neuroscore/alphas.hpp"
#include "neuroscore/banded.hpp"
#include "neuroscore/banded_options.hpp"
#include "neuroscore/bootstrap.hpp"
#include "neuroscore/bootstrap_options.hpp"
#include "neuroscore/ceiling.hpp"
#include "neuroscore/check.hpp"
#include "neuroscore/compare.hpp"
#include "neuroscore/controls.hpp"
#include "neuroscore/data_root.hpp"
#include "neuroscore/fdr.hpp"
#include "neuroscore/hierarchy.hpp"
#include "neuroscore/inter_subject_ceiling.hpp"
#include "neuroscore/metric.hpp"
#include "neuroscore/null.hpp"
#include "neuroscore/ols.hpp"
#include "neuroscore/partition.hpp"
#include "neuroscore/permutation_test.hpp"
#include "neuroscore/refit_null.hpp"
#include "neuroscore/refit_null_options.hpp"
#include "neuroscore/ridge.hpp"
#include "neuroscore/ridge_cv.hpp"
#include "neuroscore/ridge_decomposition.hpp"
#include "neuroscore/ridge_options.hpp"
#include "neuroscore/score.hpp"
#include "neuroscore/simulate.hpp"
#include "neuroscore/split.hpp"
#include "neuroscore/split_types.hpp"
#include "neuroscore/tail.hpp"
#include "neuroscore/volume_grid.hpp"
