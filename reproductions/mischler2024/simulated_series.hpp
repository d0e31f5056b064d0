// reproductions/mischler2024/simulated_series.hpp: a synthetic series of layered "language models"
// of planted quality and planted peak layer, and listeners whose responses are driven by the
// stimulus features the models approximate. Entry point: simulate_model_series.
#pragma once

#include <Eigen/Core>
#include <cmath>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "neuroscore/simulate.hpp"
#include "neuroscore/split.hpp"

namespace neuroscore::reproductions::mischler {

// One simulated model: how faithfully its best layer carries the stimulus features, and where
// (in layers, may be fractional) that best layer sits.
struct SimulatedModelSpec {
  double fidelity = 0.8;    // in [0, 1): weight of the stimulus features in the peak layer
  double peak_layer = 2.0;  // layer of maximal fidelity
};

// Stimulus features F (samples x features, AR(1) over time, standard normal marginals) drive
// every listener: y_s = F W + e_s, W fixed across listeners and scaled so var(F W) =
// signal_variance per target, e_s AR(1) noise of unit variance drawn per listener. Model m's
// layer l is
//   L_ml = a_ml F + sqrt(1 - a_ml^2) Z_ml,  a_ml = fidelity_m exp(-(l - peak_m)^2 / (2 width^2)),
// Z_ml independent standard normal: layer l predicts the brain in proportion to a_ml, so the
// planted brain score rises with fidelity and peaks at peak_m.
struct SeriesSpec {
  Eigen::Index samples = 362;
  Eigen::Index features = 8;
  Eigen::Index layers = 6;
  Eigen::Index listeners = 12;
  Eigen::Index rois = 2;
  double time_smoothing = 0.5;  // AR(1) coefficient of F and of the noise
  double signal_variance = 0.15;
  double width = 1.0;           // layers
  std::vector<SimulatedModelSpec> models;
};

struct SimulatedSeries {
  std::vector<std::vector<Eigen::MatrixXd>> layers;  // [model][layer]: samples x features
  Eigen::MatrixXd responses;                         // samples x (listeners * rois), listener-major
  SeriesSpec spec;
  Seed seed;
};

// Generation order (fixed): F, W, every model's layers (model-major), then each listener's noise.
// Errors: empty series, non-positive sizes, fidelity outside [0, 1).
inline SimulatedSeries simulate_model_series(const SeriesSpec& spec, Seed seed) {
  if (spec.models.empty() || spec.samples < 10 || spec.features < 1 || spec.layers < 2 || spec.listeners < 2 ||
      spec.rois < 1 || !(spec.width > 0.0)) {
    throw std::invalid_argument("simulate_model_series: needs models, samples >= 10, layers >= 2, listeners >= 2, "
                                "features, rois >= 1 and width > 0");
  }
  std::mt19937_64 rng(seed.value);
  SimulatedSeries out;
  out.spec = spec;
  out.seed = seed;
  const Eigen::Index n = spec.samples;
  const Eigen::MatrixXd f = ar1_noise(n, spec.features, Ar1{spec.time_smoothing, 1.0}, rng);
  Eigen::MatrixXd w = ar1_noise(spec.features, spec.rois, Ar1{0.0, 1.0}, rng);
  Eigen::MatrixXd signal = f * w;
  for (Eigen::Index j = 0; j < signal.cols(); ++j) {
    const Eigen::VectorXd c = signal.col(j).array() - signal.col(j).mean();
    signal.col(j) = c * std::sqrt(spec.signal_variance / (c.squaredNorm() / static_cast<double>(n)));
  }
  for (const SimulatedModelSpec& m : spec.models) {
    if (!(m.fidelity >= 0.0 && m.fidelity < 1.0)) {
      throw std::invalid_argument("simulate_model_series: fidelity " + std::to_string(m.fidelity) + " not in [0, 1)");
    }
    std::vector<Eigen::MatrixXd> layers;
    for (Eigen::Index l = 0; l < spec.layers; ++l) {
      const double d = (static_cast<double>(l) - m.peak_layer) / spec.width;
      const double a = m.fidelity * std::exp(-0.5 * d * d);
      layers.push_back(a * f + std::sqrt(1.0 - a * a) * ar1_noise(n, spec.features, Ar1{spec.time_smoothing, 1.0}, rng));
    }
    out.layers.push_back(std::move(layers));
  }
  out.responses.resize(n, spec.listeners * spec.rois);
  for (Eigen::Index s = 0; s < spec.listeners; ++s) {
    out.responses.middleCols(s * spec.rois, spec.rois) =
        signal + ar1_noise(n, spec.rois, Ar1{spec.time_smoothing, 1.0}, rng);
  }
  return out;
}

}  // namespace neuroscore::reproductions::mischler
