#include "python/src/bindings.hpp"

namespace neuroscore::python {
void bind_stats(pybind11::module_&) {}
}  // namespace neuroscore::python
