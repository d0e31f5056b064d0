// reproductions/rahimi2025/rahimi.hpp: what the four Rahimi et al. 2025 claim tests share: the
// ROI grouping (early = temporal, higher = parietal/frontal), word features -> Alice designs,
// per-listener scores, simulated listeners driven by planted feature sets, and small statistics
// (listener bootstrap of any per-listener statistic, within-listener permutation of ROI labels).
// Entry points: attribution_design, activation_design, listener_scores, simulate_listeners,
// simulated_alice, roi_mean, listener_bootstrap.
#pragma once

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <iostream>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "benchmarks/brain/alice_encoding.hpp"
#include "neuroscore/align.hpp"
#include "neuroscore/bootstrap.hpp"
#include "neuroscore/datasets/alice.hpp"
#include "neuroscore/simulate.hpp"
#include "neuroscore/split.hpp"
#include "reproductions/harness.hpp"

namespace neuroscore::reproductions::rahimi {

// Column order of the Alice ROIs is temporal -> frontal (kAliceRois). Rahimi et al. call the
// temporal language areas (superior/middle temporal, where speech and word-level processing
// start) "early" and the parietal/frontal areas (angular gyrus / IPL, premotor, IFG) "higher".
inline const std::vector<Eigen::Index>& early_rois() {
  static const std::vector<Eigen::Index> v = {0, 1, 2};  // LATL RATL LPTL
  return v;
}
inline const std::vector<Eigen::Index>& higher_rois() {
  static const std::vector<Eigen::Index> v = {3, 4, 5};  // LIPL LPreM LIFG
  return v;
}
// Rank of each ROI in the early -> higher ordering (R3): 0 = early, 1 = higher.
inline Eigen::VectorXd roi_stage() {
  Eigen::VectorXd s(6);
  s << 0, 0, 0, 1, 1, 1;
  return s;
}

inline const std::vector<int>& fir_delays_volumes() {
  static const std::vector<int> v = {1, 2, 3, 4};  // 2-8 s, as the shared Alice pipeline
  return v;
}

// Attributions ([words, K lags]) are summed over the words of each volume (Rahimi et al. sum
// attributions), then FIR-expanded: [362, 4 K].
inline Eigen::MatrixXd attribution_design(const datasets::AliceData& data, const Eigen::Ref<const Eigen::MatrixXd>& a) {
  return benchmarks::alice_volume_features(data, a, benchmarks::WordToVolume::sum, fir_delays_volumes());
}

// Activations ([words, dim]) are Lanczos-resampled (the Huth-lab convention), then FIR-expanded.
inline Eigen::MatrixXd activation_design(const datasets::AliceData& data, const Eigen::Ref<const Eigen::MatrixXd>& a) {
  return benchmarks::alice_volume_features(data, a, benchmarks::WordToVolume::lanczos, fir_delays_volumes());
}

// Listeners x ROIs cross-validated Pearson r of one design (contiguous 5-fold, purge gap 4).
inline Eigen::MatrixXd listener_scores(const datasets::AliceData& data, const Eigen::Ref<const Eigen::MatrixXd>& x) {
  return benchmarks::alice_encoding_scores(data, x).r;
}

// Per-listener mean of r over a subset of ROI columns.
inline Eigen::VectorXd roi_mean(const Eigen::Ref<const Eigen::MatrixXd>& r, const std::vector<Eigen::Index>& rois) {
  Eigen::VectorXd out = Eigen::VectorXd::Zero(r.rows());
  for (Eigen::Index c : rois) out += r.col(c);
  return out / static_cast<double>(rois.size());
}

// Mean over the listed listeners (indices may repeat: a bootstrap resample) of v.
inline double mean_over(const Eigen::Ref<const Eigen::VectorXd>& v, const std::vector<std::size_t>& listeners) {
  double s = 0.0;
  for (std::size_t i : listeners) s += v(static_cast<Eigen::Index>(i));
  return s / static_cast<double>(listeners.size());
}

// Percentile bootstrap over listeners of `statistic(listener indices)`: 2000 resamples.
template <class Statistic>
BootstrapCi listener_bootstrap(std::size_t listeners, Statistic&& statistic, Seed seed) {
  BootstrapOptions options;
  options.resamples = 2000;
  options.method = BootstrapMethod::percentile;
  return bootstrap_ci(subject_units(listeners), statistic, seed, options);
}

// ---- Simulated listeners ----

// The stimulus as one feature set sees it: volumes x p, one value per volume.
// Listener responses (volumes x rois each) to `components.size()` planted feature sets:
//   y_k = sum_c sqrt(variance(c, k)) * unit(HRF * F_c w_ck) + sqrt(other) * unit(O_k) + noise,
// with unit() scaling a centred column to population variance 1, weights w_ck standard normal and
// the same for every listener (a stimulus-locked response), O_k stimulus-locked smooth signal
// outside every feature set (shared by listeners), and AR(1) noise drawn per listener.
// Draw order (fixed): weights component-major, other signal, then each listener's noise.
inline std::vector<Eigen::MatrixXd> simulate_listeners(const std::vector<Eigen::MatrixXd>& components,
                                                       const Eigen::Ref<const Eigen::MatrixXd>& variance,
                                                       Eigen::Index listeners, double other_variance, Ar1 noise,
                                                       Seed seed) {
  if (components.empty() || variance.rows() != static_cast<Eigen::Index>(components.size())) {
    throw std::invalid_argument("simulate_listeners: " + std::to_string(variance.rows()) + " variance rows for " +
                                std::to_string(components.size()) + " components");
  }
  const Eigen::Index n = components.front().rows();
  const Eigen::Index rois = variance.cols();
  std::mt19937_64 rng(seed.value);
  const Eigen::VectorXd hrf = spm_hrf(2.0);
  Eigen::MatrixXd signal = Eigen::MatrixXd::Zero(n, rois);
  const auto unit = [n](Eigen::VectorXd v) {
    v.array() -= v.mean();
    const double sd = std::sqrt(v.squaredNorm() / static_cast<double>(n));
    return sd > 0.0 ? Eigen::VectorXd(v / sd) : v;
  };
  for (std::size_t c = 0; c < components.size(); ++c) {
    if (components[c].rows() != n) throw std::invalid_argument("simulate_listeners: components differ in length");
    const Eigen::MatrixXd conv = convolve_columns(components[c], hrf);
    const Eigen::MatrixXd w = standard_normal_matrix(components[c].cols(), rois, rng);
    for (Eigen::Index k = 0; k < rois; ++k) {
      const double v = variance(static_cast<Eigen::Index>(c), k);
      if (v < 0.0) throw std::invalid_argument("simulate_listeners: negative variance");
      signal.col(k) += std::sqrt(v) * unit(conv * w.col(k));
    }
  }
  const Eigen::MatrixXd other = convolve_columns(ar1_noise(n, rois, Ar1{0.8, 1.0}, rng), hrf);
  for (Eigen::Index k = 0; k < rois; ++k) signal.col(k) += std::sqrt(other_variance) * unit(other.col(k));
  std::vector<Eigen::MatrixXd> out;
  for (Eigen::Index s = 0; s < listeners; ++s) out.push_back(signal + ar1_noise(n, rois, noise, rng));
  return out;
}

// Smooth random "features" of one simulated feature set: volumes x p, AR(1) 0.5 over volumes.
inline Eigen::MatrixXd simulated_features(Eigen::Index volumes, Eigen::Index p, std::mt19937_64& rng) {
  return ar1_noise(volumes, p, Ar1{0.5, 1.0}, rng);
}

// Simulated listeners wrapped as AliceData, so controls run through alice_encoding_scores exactly
// as the real data does (it reads only the subjects' time courses).
inline datasets::AliceData simulated_alice(const std::vector<Eigen::MatrixXd>& responses) {
  datasets::AliceData data;
  for (std::size_t s = 0; s < responses.size(); ++s) {
    data.subjects.push_back(datasets::AliceSubject{"sim" + std::to_string(s), responses[s]});
  }
  return data;
}

// Prints the simulated controls as soon as they are computed, so they show in the log even when
// the real data is missing and the rest of the test skips.
inline void print_controls(const std::vector<ControlResult>& controls) {
  for (const ControlResult& c : controls) {
    std::cout << "control | " << c.name << " | value " << c.value << " | p " << c.p << " | "
              << (c.detected ? "detected" : "not detected") << "\n";
  }
  std::cout << std::flush;
}

// The design of simulated features: the same FIR delays as the real pipeline.
inline Eigen::MatrixXd simulated_design(const Eigen::Ref<const Eigen::MatrixXd>& features) {
  return fir_delays(features, fir_delays_volumes());
}

// The entries of `v`, each printed with the printf `format` (one double), joined by single spaces:
// the per-ROI and per-block rows of the claims' details.
inline std::string joined(const Eigen::Ref<const Eigen::VectorXd>& v, const char* format) {
  std::string t;
  for (Eigen::Index i = 0; i < v.size(); ++i) {
    char b[48];
    std::snprintf(b, sizeof b, format, v(i));
    t += (i ? " " : "") + std::string(b);
  }
  return t;
}

}  // namespace neuroscore::reproductions::rahimi
