// neuroscore/refit_null_options.hpp: what the refit-under-null test takes (RefitNullOptions);
// refit_null.hpp includes it and says what each option does.
#pragma once

#include <cstddef>

#include "neuroscore/split_types.hpp"
#include "neuroscore/tail.hpp"

namespace neuroscore {

struct RefitNullOptions {
  BlockLength block{20};
  std::size_t permutations = 100;
  Tail tail = Tail::greater;
  bool keep_null = true;
  std::size_t max_batch_bytes = std::size_t{256} << 20;
};

}  // namespace neuroscore
