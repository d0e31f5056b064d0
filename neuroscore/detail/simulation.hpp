// neuroscore/detail/simulation.hpp (private): the random draws and checks of simulate.hpp, from raw
// std::mt19937_64 draws only. Entry points: detail::simulation::standard_normal, normal_matrix.
#pragma once

#include <Eigen/Core>
#include <cmath>
#include <random>
#include <stdexcept>
#include <string>

namespace neuroscore::detail::simulation {


// Random numbers from raw std::mt19937_64 draws only (as split.hpp does): the standard
// library's distributions differ between implementations, the engine's stream does not, so a
// seed gives the same brain everywhere.
inline double uniform01(std::mt19937_64& rng) {
  // 53 random bits -> (0, 1): never exactly 0, so log() below is finite.
  return (static_cast<double>(rng() >> 11) + 0.5) * (1.0 / 9007199254740992.0);
}

// Standard normal by Box-Muller (one draw per call; the second variate is discarded so the
// stream position does not depend on call history).
inline double standard_normal(std::mt19937_64& rng) {
  const double u1 = uniform01(rng);
  const double u2 = uniform01(rng);
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
}

inline Eigen::MatrixXd normal_matrix(Eigen::Index rows, Eigen::Index cols, std::mt19937_64& rng) {
  Eigen::MatrixXd m(rows, cols);
  for (Eigen::Index j = 0; j < cols; ++j)
    for (Eigen::Index i = 0; i < rows; ++i) m(i, j) = standard_normal(rng);
  return m;
}

// Gamma(shape, rate 1) by Marsaglia & Tsang (2000), "A simple method for generating gamma
// variables", ACM TOMS 26(3); shape < 1 by the boost U^(1/shape) (their section 6).
inline double gamma_variate(double shape, std::mt19937_64& rng) {
  if (shape < 1.0) return gamma_variate(shape + 1.0, rng) * std::pow(uniform01(rng), 1.0 / shape);
  const double d = shape - 1.0 / 3.0;
  const double c = 1.0 / std::sqrt(9.0 * d);
  for (;;) {
    double x, v;
    do {
      x = standard_normal(rng);
      v = 1.0 + c * x;
    } while (v <= 0.0);
    v = v * v * v;
    const double u = uniform01(rng);
    if (std::log(u) < 0.5 * x * x + d - d * v + d * std::log(v)) return d * v;
  }
}

// Centre each column and scale it to the given population (1/n) variance. A constant column
// stays zero.
inline void set_column_variance(Eigen::MatrixXd& m, double variance) {
  for (Eigen::Index j = 0; j < m.cols(); ++j) {
    m.col(j).array() -= m.col(j).mean();
    const double v = m.col(j).squaredNorm() / static_cast<double>(m.rows());
    if (v > 0.0) m.col(j) *= std::sqrt(variance / v);
  }
}

inline void require_nonnegative(double v, const char* name, const char* who) {
  if (!(v >= 0.0) || !std::isfinite(v)) {
    throw std::invalid_argument(std::string(who) + ": " + name + " = " + std::to_string(v) +
                                " must be finite and >= 0");
  }
}

}  // namespace neuroscore::detail::simulation
