// python/src/module.cc: the extension module neuroscore._neuroscore. Python users import
// `neuroscore` (python/neuroscore/__init__.py), which wraps these functions in estimators,
// splitters and named results.
#include "python/src/bindings.hpp"
#include "python/src/convert.hpp"

PYBIND11_MODULE(_neuroscore, m) {
  m.doc() = "neuroscore's C++ core; use the `neuroscore` package, not this module";
  m.def(
      "input_copies", [] { return neuroscore::python::input_copies().load(); },
      "How many array arguments were copied on their way into C++ since the module was loaded.");
  neuroscore::python::bind_ridge(m);
  neuroscore::python::bind_banded(m);
  neuroscore::python::bind_stats(m);
  neuroscore::python::bind_signal(m);
}
