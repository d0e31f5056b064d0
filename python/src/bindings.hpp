// python/src/bindings.hpp: one bind_* function per source file of the extension module
// (module.cc calls them all), so the module compiles as several translation units.
#pragma once

#include <pybind11/pybind11.h>

namespace neuroscore::python {

void bind_ridge(pybind11::module_& m);     // ridge.cc: splitters, fit_ridge, cross_validated_ridge
void bind_banded(pybind11::module_& m);    // banded.cc: banded ridge
void bind_stats(pybind11::module_& m);     // stats.cc: scores, nulls, FWER/FDR, bootstrap
void bind_signal(pybind11::module_& m);    // signal.cc: ceilings, variance partitioning, FIR, Lanczos

}  // namespace neuroscore::python
