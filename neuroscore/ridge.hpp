// neuroscore/ridge.hpp: all of ridge regression in one include, for code written before the split
// (it used to hold all of it): the factorization (ridge_decomposition.hpp), the options and results
// (ridge_options.hpp) and cross_validated_ridge, fit_ridge and RidgeAlphaScan (ridge_cv.hpp).
// Entry point: cross_validated_ridge(X, Y, folds, options).
#pragma once

#include "neuroscore/ridge_cv.hpp"
#include "neuroscore/ridge_decomposition.hpp"
#include "neuroscore/ridge_options.hpp"
