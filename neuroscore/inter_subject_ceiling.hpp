// neuroscore/inter_subject_ceiling.hpp: the leave-one-subject-out ceiling's result and its
// single-subject correction: InterSubjectCeiling, single_subject_reliability_from_loso. ceiling.hpp includes it.
#pragma once

#include <Eigen/Core>

#include <cmath>

namespace neuroscore {

// Leave-one-subject-out inter-subject ceiling for data without repeats (naturalistic
// listening such as Alice): the mean of the other S - 1 subjects predicts the held-out
// subject; r per subject and target.
//
// Correction (optional reading, both values are returned): if every subject is the shared
// signal plus independent noise with single-subject reliability rho_1, then
//   r_loso^2 = rho_1 * rho_{S-1},  rho_{S-1} = spearman_brown(rho_1, S - 1),
// i.e. (S - 1) rho_1^2 - (S - 2) r^2 rho_1 - r^2 = 0, whose positive root is
//   rho_1 = ((S - 2) r^2 + sqrt((S - 2)^2 r^4 + 4 (S - 1) r^2)) / (2 (S - 1)).
// sqrt(rho_1) is the correlation a perfect model of the shared signal reaches with ONE
// subject: the ceiling for single-subject encoding scores in r units. The uncorrected mean
// r is lower (the S - 1 average is itself noisy) and is what most papers call the ISC
// ceiling. The correction uses the mean r over subjects; a mean r <= 0 gives 0.
struct InterSubjectCeiling {
  Eigen::MatrixXd per_subject_r;   // subjects x targets (r units)
  Eigen::VectorXd mean_r;          // per target, uncorrected (r units)
  Eigen::VectorXd single_subject_reliability;  // rho_1 per target (r^2 units)
  Eigen::VectorXd corrected_r;     // sqrt(rho_1) per target (r units)
};

inline double single_subject_reliability_from_loso(double r, double subjects) {
  if (!(r > 0.0)) return 0.0;
  const double s = subjects;
  const double r2 = r * r;
  return ((s - 2.0) * r2 + std::sqrt((s - 2.0) * (s - 2.0) * r2 * r2 + 4.0 * (s - 1.0) * r2)) / (2.0 * (s - 1.0));
}

}  // namespace neuroscore
