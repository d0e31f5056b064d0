// neuroscore/tail.hpp: which side of a null counts as extreme (Tail), for every test of
// null.hpp, refit_null.hpp and compare.hpp.
#pragma once

namespace neuroscore {

// Which side of the null counts as "at least as extreme" as the observed statistic s:
//   greater:   #{null >= s}        (a score larger than chance: the brain-score default)
//   less:      #{null <= s}
//   two_sided: #{|null| >= |s|}    (for statistics centred on 0 under the null, as r is)
enum class Tail { greater, less, two_sided };

}  // namespace neuroscore
