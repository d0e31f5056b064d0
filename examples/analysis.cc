// The analysis every example consumer builds (Bazel, CMake, pkg-config; examples/README.md): a
// simulated brain, contiguous 5-fold ridge with a purge gap, and a block-permutation null of each
// target's cross-validated r. Fixed seeds, so every build prints the same line
// (examples/expected.txt): the p-value exactly, as k/(N+1), and the mean r to 6 decimals.
#include <cmath>
#include <cstdio>

#include "neuroscore/null.hpp"
#include "neuroscore/ridge.hpp"
#include "neuroscore/simulate.hpp"
#include "neuroscore/split.hpp"

int main() {
  namespace ns = neuroscore;
  ns::BrainSpec spec;  // 400 samples x 8 features, 10 targets
  spec.feature_variance = 0.2;
  spec.ar1 = ns::Ar1{0.7, 1.0};  // autocorrelated noise, as fMRI has
  const ns::SimulatedBrain brain = ns::simulate_brain(spec, ns::Seed{7});
  ns::RidgeCvOptions ridge;
  ridge.inner_gap = ns::Gap{5};
  const ns::RidgeCvResult cv = ns::cross_validated_ridge(
      brain.design, brain.trial(0, 0), ns::contiguous_kfold(400, 5, ns::Gap{5}), ridge);
  ns::BlockPermutationOptions null;
  null.block = ns::BlockLength{20};
  null.permutations = 999;
  const ns::PermutationTest test =
      ns::block_permutation_test(brain.trial(0, 0), cv.predictions, ns::Seed{11}, null);
  const long exceed = std::lround(test.p_value(0) * (null.permutations + 1));
  std::printf("target 0: mean r %.6f, p %ld/%zu\n", cv.mean_r()(0), exceed, null.permutations + 1);
  return 0;
}
