// neuroscore/fdr.hpp: false discovery rate control over many targets (Benjamini-Hochberg,
// Benjamini-Yekutieli). Entry point: fdr_q_values(p, FdrMethod) -> FdrResult.
#pragma once

#include <Eigen/Core>
#include <algorithm>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

namespace neuroscore {

enum class FdrMethod {
  benjamini_hochberg,  // independent or positively dependent tests (Benjamini & Hochberg 1995)
  benjamini_yekutieli  // any dependence (Benjamini & Yekutieli 2001, Theorem 1.3)
};

struct FdrResult {
  Eigen::VectorXd q_value;  // per test, in the input order
  FdrMethod method = FdrMethod::benjamini_hochberg;
  // Number of tests with q <= level, and which (a test is rejected at FDR level q iff q_value <= q).
  Eigen::Index rejected_at(double level) const { return (q_value.array() <= level).count(); }
};

// FDR-adjusted p-values ("q-values" as scipy.stats.false_discovery_control and R's p.adjust
// call them). With p sorted ascending p_(1) <= ... <= p_(m) and c(m) = 1 (BH) or
// c(m) = sum_{i=1}^m 1/i (BY):
//   q_(k) = min(1, min_{i >= k} c(m) m p_(i) / i),
// monotone in p by construction (the running minimum from the largest p down). Rejecting
// q <= level is the BH (BY) step-up procedure at FDR level `level`.
// Errors: empty input, a p outside [0, 1] or NaN (naming its position).
inline FdrResult fdr_q_values(const Eigen::Ref<const Eigen::VectorXd>& p, FdrMethod method) {
  const Eigen::Index m = p.size();
  if (m == 0) throw std::invalid_argument("fdr_q_values: no p-values");
  for (Eigen::Index i = 0; i < m; ++i) {
    if (!(p(i) >= 0.0 && p(i) <= 1.0)) {
      throw std::invalid_argument("fdr_q_values: p-value " + std::to_string(p(i)) + " at position " +
                                  std::to_string(i) + " is not in [0, 1]");
    }
  }
  std::vector<Eigen::Index> order(static_cast<std::size_t>(m));
  std::iota(order.begin(), order.end(), Eigen::Index{0});
  std::stable_sort(order.begin(), order.end(), [&](Eigen::Index a, Eigen::Index b) { return p(a) < p(b); });
  double c = 1.0;
  if (method == FdrMethod::benjamini_yekutieli) {
    c = 0.0;
    for (Eigen::Index i = 1; i <= m; ++i) c += 1.0 / static_cast<double>(i);
  }
  FdrResult out{Eigen::VectorXd(m), method};
  double running = 1.0;
  for (Eigen::Index k = m; k >= 1; --k) {
    const Eigen::Index idx = order[static_cast<std::size_t>(k - 1)];
    running = std::min(running, c * static_cast<double>(m) * p(idx) / static_cast<double>(k));
    out.q_value(idx) = running;
  }
  return out;
}

}  // namespace neuroscore
