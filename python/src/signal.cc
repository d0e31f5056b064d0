#include "python/src/bindings.hpp"

namespace neuroscore::python {
void bind_signal(pybind11::module_&) {}
}  // namespace neuroscore::python
