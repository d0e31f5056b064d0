// neuroscore/simulate.hpp: synthetic brains with planted components (known signal, HRF,
// autocorrelated noise, subjects, repeats) for positive and negative controls.
// Entry points: simulate_brain(spec, Seed), simulate_partition(spec, Seed),
// simulate_layer_hierarchy(spec, Seed); building blocks spm_hrf, convolve_columns, ar1_noise.
#pragma once

#include <Eigen/Core>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "neuroscore/detail/simulation.hpp"
#include "neuroscore/split.hpp"

namespace neuroscore {

// A rows x cols matrix of independent standard normal draws (Box-Muller on raw std::mt19937_64
// draws, column by column), the same for a seed with every standard library, unlike
// std::normal_distribution. The draw of every simulation here.
inline Eigen::MatrixXd standard_normal_matrix(Eigen::Index rows, Eigen::Index cols, std::mt19937_64& rng) {
  return detail::simulation::normal_matrix(rows, cols, rng);
}

// Draws from a Dirichlet(concentration, ..., concentration) distribution on the simplex of
// `parts` weights (normalized independent Gamma(concentration) variates).
inline Eigen::VectorXd dirichlet_sample(Eigen::Index parts, double concentration, std::mt19937_64& rng) {
  if (parts < 1 || !(concentration > 0.0)) {
    throw std::invalid_argument("dirichlet_sample: needs parts >= 1 and concentration > 0, got " +
                                std::to_string(parts) + " and " + std::to_string(concentration));
  }
  Eigen::VectorXd g(parts);
  for (Eigen::Index b = 0; b < parts; ++b) g(b) = detail::simulation::gamma_variate(concentration, rng);
  return g / g.sum();
}

// The canonical double-gamma haemodynamic response of SPM (spm_hrf.m, defaults
// p = [6 16 1 1 6 0 32]): a Gamma(shape 6, scale 1 s) peak minus 1/6 of a Gamma(shape 16,
// scale 1 s) undershoot, over 32 s:
//   h(t) = g(t; 6, 1) - g(t; 16, 1) / 6,   g(t; a, b) = t^(a-1) e^(-t/b) / (Gamma(a) b^a),
// sampled at t = 0, TR, 2 TR, ..., floor(32 / TR) TR and scaled to unit sum (as spm_hrf).
// (Friston et al. 1998, "Event-related fMRI: characterizing differential responses",
// NeuroImage 7; Glover 1999.)
struct DoubleGammaHrf {
  double peak_shape = 6.0;
  double undershoot_shape = 16.0;
  double peak_scale_seconds = 1.0;
  double undershoot_scale_seconds = 1.0;
  double peak_to_undershoot_ratio = 6.0;
  double length_seconds = 32.0;
};

inline Eigen::VectorXd spm_hrf(double tr_seconds, const DoubleGammaHrf& shape = {}) {
  if (!(tr_seconds > 0.0) || !std::isfinite(tr_seconds) || !(shape.length_seconds >= tr_seconds)) {
    throw std::invalid_argument("spm_hrf: TR " + std::to_string(tr_seconds) + " s and length " +
                                std::to_string(shape.length_seconds) + " s need 0 < TR <= length");
  }
  const auto gamma_pdf = [](double t, double a, double b) {
    if (t <= 0.0) return 0.0;
    return std::exp((a - 1.0) * std::log(t) - t / b - std::lgamma(a) - a * std::log(b));
  };
  const auto n = static_cast<Eigen::Index>(std::floor(shape.length_seconds / tr_seconds)) + 1;
  Eigen::VectorXd h(n);
  for (Eigen::Index k = 0; k < n; ++k) {
    const double t = static_cast<double>(k) * tr_seconds;
    h(k) = gamma_pdf(t, shape.peak_shape, shape.peak_scale_seconds) -
           gamma_pdf(t, shape.undershoot_shape, shape.undershoot_scale_seconds) /
               shape.peak_to_undershoot_ratio;
  }
  return h / h.sum();
}

// Causal convolution of every column with `kernel`: out(t) = sum_k kernel(k) x(t - k), with
// x = 0 before the first sample (the response to stimuli before the run is not simulated).
inline Eigen::MatrixXd convolve_columns(const Eigen::Ref<const Eigen::MatrixXd>& x,
                                        const Eigen::Ref<const Eigen::VectorXd>& kernel) {
  Eigen::MatrixXd out = Eigen::MatrixXd::Zero(x.rows(), x.cols());
  for (Eigen::Index k = 0; k < kernel.size() && k < x.rows(); ++k) {
    out.bottomRows(x.rows() - k) += kernel(k) * x.topRows(x.rows() - k);
  }
  return out;
}

// First-order autoregressive noise e(t) = coefficient e(t - 1) + innovation, started in the
// stationary distribution, so every sample has standard deviation `stddev` and
// corr(e(t), e(t + h)) = coefficient^h.
struct Ar1 {
  double coefficient = 0.0;  // in (-1, 1); 0 gives white noise
  double stddev = 1.0;       // stationary standard deviation
};

inline Eigen::MatrixXd ar1_noise(Eigen::Index samples, Eigen::Index cols, Ar1 spec, std::mt19937_64& rng) {
  if (!(std::abs(spec.coefficient) < 1.0)) {
    throw std::invalid_argument("ar1_noise: coefficient " + std::to_string(spec.coefficient) +
                                " is not in (-1, 1)");
  }
  detail::simulation::require_nonnegative(spec.stddev, "stddev", "ar1_noise");
  const double innovation = spec.stddev * std::sqrt(1.0 - spec.coefficient * spec.coefficient);
  Eigen::MatrixXd e(samples, cols);
  for (Eigen::Index j = 0; j < cols; ++j) {
    for (Eigen::Index t = 0; t < samples; ++t) {
      const double z = detail::simulation::standard_normal(rng);
      e(t, j) = t == 0 ? spec.stddev * z : spec.coefficient * e(t - 1, j) + innovation * z;
    }
  }
  return e;
}

// Slow scanner drift: one cosine cycle over the run with a random phase per column,
//   d(t) = sqrt(2) stddev cos(2 pi t / samples + phase),
// whose variance over the run (1/n) is exactly stddev^2 for samples >= 3.
inline Eigen::MatrixXd cosine_drift(Eigen::Index samples, Eigen::Index cols, double stddev,
                                    std::mt19937_64& rng) {
  Eigen::MatrixXd d(samples, cols);
  for (Eigen::Index j = 0; j < cols; ++j) {
    const double phase = 6.283185307179586 * detail::simulation::uniform01(rng);
    for (Eigen::Index t = 0; t < samples; ++t) {
      d(t, j) = std::sqrt(2.0) * stddev *
                std::cos(6.283185307179586 * static_cast<double>(t) / static_cast<double>(samples) + phase);
    }
  }
  return d;
}

// What simulate_brain plants. Variances are per target, in squared response units; the
// stimulus-locked components are shared by every subject and repeat, the noise is drawn
// independently for each (subject, repeat).
struct BrainSpec {
  Eigen::Index samples = 400;   // time points (volumes) of one run
  Eigen::Index features = 8;    // columns of the feature matrix (the "model")
  Eigen::Index targets = 10;    // voxels / ROIs
  Eigen::Index subjects = 1;
  Eigen::Index repeats = 1;     // presentations of the same stimulus per subject
  double tr_seconds = 2.0;
  bool convolve_hrf = true;     // convolve features and confounds with spm_hrf(tr_seconds)
  double feature_smoothing = 0.0;  // AR(1) coefficient of the raw features over time
  // Stimulus-locked variance of each component (1/n variance over the run, set exactly).
  double feature_variance = 1.0;   // linear in the (convolved) features with `weights`
  double confound_variance = 0.0;  // linear in sentence length and word position
  double other_signal_variance = 0.0;  // stimulus-locked, outside every feature set
  // Noise of every trial: AR(1) plus a cosine drift; population variance
  // ar1.stddev^2 + drift_stddev^2.
  Ar1 ar1{0.0, 1.0};
  double drift_stddev = 0.0;
  // Sentences: lengths uniform in [min, max] words, one word per sample.
  Eigen::Index min_sentence_words = 3;
  Eigen::Index max_sentence_words = 12;
};

// A simulated experiment and its ground truth.
struct SimulatedBrain {
  Eigen::MatrixXd features;            // samples x features: the stimulus as a model sees it
  Eigen::MatrixXd design;              // samples x features: features after the HRF (what the signal is linear in)
  Eigen::MatrixXd confounds;           // samples x 2: sentence length, word position (1-based) of each word
  Eigen::MatrixXd confound_design;     // confounds after the HRF
  std::vector<int> sentence;           // sentence index of each sample (groups for group_kfold)
  Eigen::MatrixXd weights;             // features x targets: feature_signal = design_c * weights
  Eigen::MatrixXd confound_weights;    // 2 x targets: confound_signal = confound_design_c * confound_weights
  Eigen::MatrixXd feature_signal;      // samples x targets (centred columns; _c = centred)
  Eigen::MatrixXd confound_signal;
  Eigen::MatrixXd other_signal;
  Eigen::MatrixXd true_signal;         // the sum of the three: the stimulus-locked response
  std::vector<Eigen::MatrixXd> trials; // subjects * repeats matrices, samples x targets, index subject * repeats + repeat
  double signal_variance = 0.0;        // population: feature + confound + other
  double noise_variance = 0.0;         // population: ar1.stddev^2 + drift_stddev^2
  BrainSpec spec;
  Seed seed;

  const Eigen::MatrixXd& trial(Eigen::Index subject, Eigen::Index repeat) const {
    return trials.at(static_cast<std::size_t>(subject * spec.repeats + repeat));
  }
  // Trials of one subject averaged over its repeats.
  Eigen::MatrixXd subject_mean(Eigen::Index subject) const {
    Eigen::MatrixXd m = trial(subject, 0);
    for (Eigen::Index r = 1; r < spec.repeats; ++r) m += trial(subject, r);
    return m / static_cast<double>(spec.repeats);
  }
  // Planted explainable variance (r^2 units) of the average of `averaged` independent trials:
  //   EV_n = s / (s + v / n),  s = signal_variance, v = noise_variance;
  // EV_1 is the single-trial value. Spearman-Brown holds exactly between them.
  double explainable_variance(double averaged = 1.0) const {
    return signal_variance / (signal_variance + noise_variance / averaged);
  }
  // Planted correlation ceiling (r units) of a perfect model of the signal against the
  // average of `averaged` trials: sqrt(EV_n).
  double correlation_ceiling(double averaged = 1.0) const {
    return std::sqrt(explainable_variance(averaged));
  }
};

// Simulates `subjects * repeats` trials of one run. Generation order (fixed, so a seed
// reproduces the brain): sentences, features, weights, confound weights, other signal, then
// the noise of each trial in order subject-major.
// Errors: non-positive sizes, negative variances, a bad AR coefficient or sentence range.
inline SimulatedBrain simulate_brain(const BrainSpec& spec, Seed seed) {
  const char* who = "simulate_brain";
  if (spec.samples < 3 || spec.features < 1 || spec.targets < 1 || spec.subjects < 1 || spec.repeats < 1) {
    throw std::invalid_argument("simulate_brain: needs samples >= 3 and features, targets, subjects, "
                                "repeats >= 1; got " + std::to_string(spec.samples) + ", " +
                                std::to_string(spec.features) + ", " + std::to_string(spec.targets) + ", " +
                                std::to_string(spec.subjects) + ", " + std::to_string(spec.repeats));
  }
  if (spec.min_sentence_words < 1 || spec.max_sentence_words < spec.min_sentence_words) {
    throw std::invalid_argument("simulate_brain: bad sentence length range [" +
                                std::to_string(spec.min_sentence_words) + ", " +
                                std::to_string(spec.max_sentence_words) + "]");
  }
  if (!(std::abs(spec.feature_smoothing) < 1.0)) {
    throw std::invalid_argument("simulate_brain: feature_smoothing must be in (-1, 1)");
  }
  detail::simulation::require_nonnegative(spec.feature_variance, "feature_variance", who);
  detail::simulation::require_nonnegative(spec.confound_variance, "confound_variance", who);
  detail::simulation::require_nonnegative(spec.other_signal_variance, "other_signal_variance", who);
  detail::simulation::require_nonnegative(spec.drift_stddev, "drift_stddev", who);

  std::mt19937_64 rng(seed.value);
  SimulatedBrain out;
  out.spec = spec;
  out.seed = seed;
  const Eigen::Index n = spec.samples;
  const Eigen::Index t = spec.targets;

  // Sentences: one word per sample.
  out.confounds.resize(n, 2);
  out.sentence.resize(static_cast<std::size_t>(n));
  {
    Eigen::Index i = 0;
    int s = 0;
    const auto span = static_cast<std::uint64_t>(spec.max_sentence_words - spec.min_sentence_words + 1);
    while (i < n) {
      const Eigen::Index len = spec.min_sentence_words + static_cast<Eigen::Index>(detail::uniform_below(rng, span));
      for (Eigen::Index w = 0; w < len && i < n; ++w, ++i) {
        out.confounds(i, 0) = static_cast<double>(len);
        out.confounds(i, 1) = static_cast<double>(w + 1);
        out.sentence[static_cast<std::size_t>(i)] = s;
      }
      ++s;
    }
  }
  out.features = ar1_noise(n, spec.features, Ar1{spec.feature_smoothing, 1.0}, rng);
  const Eigen::VectorXd hrf = spm_hrf(spec.tr_seconds);
  out.design = spec.convolve_hrf ? convolve_columns(out.features, hrf) : out.features;
  out.confound_design = spec.convolve_hrf ? convolve_columns(out.confounds, hrf) : out.confounds;

  const auto planted = [n](const Eigen::MatrixXd& design, Eigen::MatrixXd weights, double variance,
                           Eigen::MatrixXd& signal, Eigen::MatrixXd& weights_out) {
    const Eigen::MatrixXd centred = design.rowwise() - design.colwise().mean();
    signal = centred * weights;
    for (Eigen::Index j = 0; j < signal.cols(); ++j) {
      const double v = signal.col(j).squaredNorm() / static_cast<double>(n);
      const double scale = v > 0.0 ? std::sqrt(variance / v) : 0.0;
      signal.col(j) *= scale;
      weights.col(j) *= scale;
    }
    weights_out = weights;
  };
  planted(out.design, detail::simulation::normal_matrix(spec.features, t, rng), spec.feature_variance,
          out.feature_signal, out.weights);
  planted(out.confound_design, detail::simulation::normal_matrix(2, t, rng), spec.confound_variance,
          out.confound_signal, out.confound_weights);
  // Other stimulus-locked signal: smooth Gaussian noise, the same for every trial.
  out.other_signal = ar1_noise(n, t, Ar1{0.8, 1.0}, rng);
  if (spec.convolve_hrf) out.other_signal = convolve_columns(out.other_signal, hrf);
  detail::simulation::set_column_variance(out.other_signal, spec.other_signal_variance);
  out.true_signal = out.feature_signal + out.confound_signal + out.other_signal;
  out.signal_variance = spec.feature_variance + spec.confound_variance + spec.other_signal_variance;
  out.noise_variance = spec.ar1.stddev * spec.ar1.stddev + spec.drift_stddev * spec.drift_stddev;

  out.trials.reserve(static_cast<std::size_t>(spec.subjects * spec.repeats));
  for (Eigen::Index s = 0; s < spec.subjects * spec.repeats; ++s) {
    Eigen::MatrixXd y = out.true_signal + ar1_noise(n, t, spec.ar1, rng);
    if (spec.drift_stddev > 0.0) y += cosine_drift(n, t, spec.drift_stddev, rng);
    out.trials.push_back(std::move(y));
  }
  return out;
}

// Two feature sets with planted unique and shared variance. A = [A_only, Shared] and
// B = [B_only, Shared] (independent standard normal columns, B's columns multiplied by
// b_scale), y = A_only w_a + Shared w_s + B_only w_b + noise, each component scaled to its
// population variance by its weight norm (E[(x'w)^2] = |w|^2 for standard normal x).
// With total variance V = unique_a + shared + unique_b + noise_stddev^2, the population
// partition (r^2 units) is unique A = unique_a / V, unique B = unique_b / V, shared =
// shared / V, and R^2(A) = (unique_a + shared) / V, etc.
struct PartitionSpec {
  Eigen::Index samples = 600;
  Eigen::Index targets = 20;
  Eigen::Index a_only_features = 4;
  Eigen::Index shared_features = 4;
  Eigen::Index b_only_features = 4;
  double unique_a_variance = 0.2;
  double shared_variance = 0.2;
  double unique_b_variance = 0.1;
  double noise_stddev = 1.0;
  double b_scale = 1.0;  // multiplies B's columns (does not change the planted partition)
};

struct SimulatedPartition {
  Eigen::MatrixXd a;  // samples x (a_only + shared)
  Eigen::MatrixXd b;  // samples x (b_only + shared), times b_scale
  Eigen::MatrixXd y;  // samples x targets
  double unique_a = 0.0;  // population, fractions of var(y) (r^2 units)
  double unique_b = 0.0;
  double shared = 0.0;
  double r2_a() const { return unique_a + shared; }
  double r2_b() const { return unique_b + shared; }
  double r2_joint() const { return unique_a + shared + unique_b; }
  PartitionSpec spec;
  Seed seed;
};

inline SimulatedPartition simulate_partition(const PartitionSpec& spec, Seed seed) {
  const char* who = "simulate_partition";
  if (spec.samples < 2 || spec.targets < 1 || spec.a_only_features < 1 || spec.b_only_features < 1 ||
      spec.shared_features < 1) {
    throw std::invalid_argument("simulate_partition: every size must be >= 1 (samples >= 2)");
  }
  detail::simulation::require_nonnegative(spec.unique_a_variance, "unique_a_variance", who);
  detail::simulation::require_nonnegative(spec.shared_variance, "shared_variance", who);
  detail::simulation::require_nonnegative(spec.unique_b_variance, "unique_b_variance", who);
  detail::simulation::require_nonnegative(spec.noise_stddev, "noise_stddev", who);
  std::mt19937_64 rng(seed.value);
  const Eigen::Index n = spec.samples;
  const Eigen::MatrixXd a_only = detail::simulation::normal_matrix(n, spec.a_only_features, rng);
  const Eigen::MatrixXd shared = detail::simulation::normal_matrix(n, spec.shared_features, rng);
  const Eigen::MatrixXd b_only = detail::simulation::normal_matrix(n, spec.b_only_features, rng);
  const auto weights = [&](Eigen::Index p, double variance) {
    Eigen::MatrixXd w = detail::simulation::normal_matrix(p, spec.targets, rng);
    for (Eigen::Index j = 0; j < w.cols(); ++j) w.col(j) *= std::sqrt(variance) / w.col(j).norm();
    return w;
  };
  const Eigen::MatrixXd w_a = weights(spec.a_only_features, spec.unique_a_variance);
  const Eigen::MatrixXd w_s = weights(spec.shared_features, spec.shared_variance);
  const Eigen::MatrixXd w_b = weights(spec.b_only_features, spec.unique_b_variance);
  SimulatedPartition out;
  out.spec = spec;
  out.seed = seed;
  out.a.resize(n, spec.a_only_features + spec.shared_features);
  out.a << a_only, shared;
  out.b.resize(n, spec.b_only_features + spec.shared_features);
  out.b << b_only, shared;
  out.b *= spec.b_scale;
  out.y = a_only * w_a + shared * w_s + b_only * w_b +
          spec.noise_stddev * detail::simulation::normal_matrix(n, spec.targets, rng);
  const double total = spec.unique_a_variance + spec.shared_variance + spec.unique_b_variance +
                       spec.noise_stddev * spec.noise_stddev;
  out.unique_a = spec.unique_a_variance / total;
  out.unique_b = spec.unique_b_variance / total;
  out.shared = spec.shared_variance / total;
  return out;
}

// Layered features with a planted layer -> region map. Layer l's features are
//   L_l = sqrt(layer_correlation) L_{l-1} + sqrt(1 - layer_correlation) Z_l
// (standard normal Z, so adjacent layers correlate as a residual stream does). Region k's
// targets are driven by layer region_layer[k] only: y = L_{region_layer[k]} w + noise with
// var(signal) = signal_variance (population) and noise standard deviation 1.
struct HierarchySpec {
  Eigen::Index samples = 300;
  Eigen::Index layers = 4;
  Eigen::Index features_per_layer = 6;
  std::vector<Eigen::Index> region_layer = {0, 1, 2, 3};  // driving layer of each region
  Eigen::Index targets_per_region = 5;
  double layer_correlation = 0.3;
  double signal_variance = 1.0;
};

struct SimulatedHierarchy {
  std::vector<Eigen::MatrixXd> layers;   // each samples x features_per_layer
  Eigen::MatrixXd y;                      // samples x (regions * targets_per_region), region-major
  std::vector<Eigen::Index> region;       // region of each target
  std::vector<Eigen::Index> peak_layer;   // planted driving layer of each target
  HierarchySpec spec;
  Seed seed;
};

inline SimulatedHierarchy simulate_layer_hierarchy(const HierarchySpec& spec, Seed seed) {
  if (spec.samples < 2 || spec.layers < 1 || spec.features_per_layer < 1 || spec.targets_per_region < 1 ||
      spec.region_layer.empty()) {
    throw std::invalid_argument("simulate_layer_hierarchy: every size must be >= 1");
  }
  for (Eigen::Index l : spec.region_layer) {
    if (l < 0 || l >= spec.layers) {
      throw std::invalid_argument("simulate_layer_hierarchy: region layer " + std::to_string(l) +
                                  " outside [0, " + std::to_string(spec.layers) + ")");
    }
  }
  if (!(spec.layer_correlation >= 0.0 && spec.layer_correlation < 1.0)) {
    throw std::invalid_argument("simulate_layer_hierarchy: layer_correlation must be in [0, 1)");
  }
  detail::simulation::require_nonnegative(spec.signal_variance, "signal_variance", "simulate_layer_hierarchy");
  std::mt19937_64 rng(seed.value);
  SimulatedHierarchy out;
  out.spec = spec;
  out.seed = seed;
  const Eigen::Index n = spec.samples;
  const Eigen::Index p = spec.features_per_layer;
  for (Eigen::Index l = 0; l < spec.layers; ++l) {
    Eigen::MatrixXd z = detail::simulation::normal_matrix(n, p, rng);
    if (l > 0) {
      z = std::sqrt(spec.layer_correlation) * out.layers.back() + std::sqrt(1.0 - spec.layer_correlation) * z;
    }
    out.layers.push_back(std::move(z));
  }
  const auto regions = static_cast<Eigen::Index>(spec.region_layer.size());
  out.y.resize(n, regions * spec.targets_per_region);
  for (Eigen::Index k = 0; k < regions; ++k) {
    const Eigen::Index layer = spec.region_layer[static_cast<std::size_t>(k)];
    for (Eigen::Index j = 0; j < spec.targets_per_region; ++j) {
      Eigen::VectorXd w = detail::simulation::normal_matrix(p, 1, rng).col(0);
      w *= std::sqrt(spec.signal_variance) / w.norm();
      const Eigen::Index col = k * spec.targets_per_region + j;
      out.y.col(col) = out.layers[static_cast<std::size_t>(layer)] * w;
      out.region.push_back(k);
      out.peak_layer.push_back(layer);
    }
  }
  out.y += detail::simulation::normal_matrix(n, out.y.cols(), rng);
  return out;
}

}  // namespace neuroscore
