// neuroscore/align.hpp: from word events to the fMRI volume grid; FIR delays; z-scoring; run edges.
// Entry points: lanczos_resample(times, values, grid), boxcar_per_volume(onsets, values, grid),
// count_events_per_volume(onsets, grid), fir_delays(X, delays[, RunLengths]),
// runs_of_labels(groups), zscore_columns(Y), zscore_per_run(Y, RunLengths),
// trim_run_edges(Y, RunLengths, EdgeTrim).
#pragma once

#include <Eigen/Core>
#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

#include "neuroscore/check.hpp"
#include "neuroscore/detail/align.hpp"
#include "neuroscore/score.hpp"
#include "neuroscore/volume_grid.hpp"

namespace neuroscore {

// Boxcar count of events per volume: entry j counts the onsets inside volume j's window
// (half-open, as VolumeGrid says). Onsets outside the grid are ignored. Word rate is this
// count for word onsets.
inline Eigen::VectorXd count_events_per_volume(const std::vector<double>& onsets_seconds,
                                               const VolumeGrid& grid) {
  detail::require_grid(grid, "count_events_per_volume");
  Eigen::VectorXd counts = Eigen::VectorXd::Zero(grid.volumes);
  for (double t : onsets_seconds) {
    if (!std::isfinite(t)) throw std::invalid_argument("count_events_per_volume: non-finite onset");
    const Eigen::Index j = detail::volume_of(t, grid);
    if (j >= 0) counts(j) += 1.0;
  }
  return counts;
}

// Boxcar features per volume: the events whose onset lies in volume j's half-open window
// (as count_events_per_volume) are summed and averaged.
struct VolumeBoxcar {
  Eigen::MatrixXd sum;    // volumes x features: sum of the values of the volume's events
  Eigen::MatrixXd mean;   // volumes x features: sum / count; 0 in a volume without events
  Eigen::VectorXd count;  // events per volume (equal to count_events_per_volume)
  Eigen::Index empty_volumes = 0;  // volumes with no event (their mean is 0, not NaN)
};

// Boxcar sum and mean of event feature vectors per volume. `values` has one row per event
// (in the order of `onsets_seconds`) and one column per feature. Events outside the grid
// are ignored. Errors: bad grid, a count mismatch, non-finite onsets or values.
inline VolumeBoxcar boxcar_per_volume(const std::vector<double>& onsets_seconds,
                                      const Eigen::Ref<const Eigen::MatrixXd>& values,
                                      const VolumeGrid& grid) {
  detail::require_grid(grid, "boxcar_per_volume");
  detail::require_events(onsets_seconds, values, "boxcar_per_volume");
  VolumeBoxcar out{Eigen::MatrixXd::Zero(grid.volumes, values.cols()),
                   Eigen::MatrixXd::Zero(grid.volumes, values.cols()),
                   Eigen::VectorXd::Zero(grid.volumes), 0};
  for (std::size_t e = 0; e < onsets_seconds.size(); ++e) {
    const Eigen::Index j = detail::volume_of(onsets_seconds[e], grid);
    if (j < 0) continue;
    out.sum.row(j) += values.row(static_cast<Eigen::Index>(e));
    out.count(j) += 1.0;
  }
  for (Eigen::Index j = 0; j < grid.volumes; ++j) {
    if (out.count(j) > 0.0) {
      out.mean.row(j) = out.sum.row(j) / out.count(j);
    } else {
      ++out.empty_volumes;
    }
  }
  return out;
}

// Lanczos resampling parameters, defaults as the Huth lab's lanczosinterp2D
// (window = 3, cutoff_mult = 1).
struct Lanczos {
  int lobes = 3;             // a: lobes of the sinc kept by the window
  double cutoff_mult = 1.0;  // cutoff = cutoff_mult / TR
};

// Midpoints (onset + offset) / 2 of events, the event times the Huth lab resamples
// (DataSequence.from_grid). Errors: size mismatch, an offset before its onset.
inline std::vector<double> event_midpoints(const std::vector<double>& onsets_seconds,
                                           const std::vector<double>& offsets_seconds) {
  if (onsets_seconds.size() != offsets_seconds.size()) {
    throw std::invalid_argument("event_midpoints: " + std::to_string(onsets_seconds.size()) +
                                " onsets but " + std::to_string(offsets_seconds.size()) + " offsets");
  }
  std::vector<double> mid(onsets_seconds.size());
  for (std::size_t i = 0; i < mid.size(); ++i) {
    if (!(offsets_seconds[i] >= onsets_seconds[i])) {
      throw std::invalid_argument("event_midpoints: event " + std::to_string(i) + " ends at " +
                                  std::to_string(offsets_seconds[i]) + " s before its onset " +
                                  std::to_string(onsets_seconds[i]) + " s");
    }
    mid[i] = 0.5 * (onsets_seconds[i] + offsets_seconds[i]);
  }
  return mid;
}

// The Lanczos window of the Huth lab's lanczosfun (HuthLab/deep-fMRI-dataset,
// encoding/ridge_utils/interpdata.py), with u = cutoff * t:
//   L(t) = a sin(pi u) sin(pi u / a) / (pi^2 u^2) = sinc(u) sinc(u / a)   for 0 < |u| <= a,
//   L(0) = 1,  L(t) = 0 for |u| > a,            with sinc(x) = sin(pi x) / (pi x).
// With cutoff = 1 / TR, sinc(t / TR) is the ideal low-pass at the TR grid's Nyquist
// frequency 1 / (2 TR); the window keeps a lobes on each side.
inline double lanczos_window(double t_seconds, double cutoff_hz, int lobes) {
  const double u = t_seconds * cutoff_hz;
  if (u == 0.0) return 1.0;
  if (std::abs(u) > lobes) return 0.0;
  const double pi = 3.14159265358979323846;
  const double a = static_cast<double>(lobes);
  return a * std::sin(pi * u) * std::sin(pi * u / a) / (pi * pi * u * u);
}

// Lanczos resampling of events to volume times, exactly the Huth lab's lanczosinterp2D
// (window = lobes, cutoff_mult, rectify = False):
//   cutoff = cutoff_mult / mean(diff(volume_seconds)),
//   out(j, :) = sum_e L(volume_seconds[j] - event_seconds[e]) * values(e, :).
// There is no normalisation: the weights are not divided by their sum, so an event stream
// of density rho events per second with constant value c resamples (away from the ends) to
// about c * rho * TR * I_a / cutoff_mult, with I_a = integral_{-a}^{a} sinc(u) sinc(u/a) du
// (I_3 = 0.99706, not 1: the window truncates); events at the volume times themselves
// reproduce their values exactly (L vanishes at nonzero multiples of TR).
// Errors: fewer than 2 volume times or times not increasing, lobes < 1, cutoff_mult <= 0,
// count mismatch, non-finite times or values.
inline Eigen::MatrixXd lanczos_resample(const std::vector<double>& event_seconds,
                                        const Eigen::Ref<const Eigen::MatrixXd>& values,
                                        const std::vector<double>& volume_seconds,
                                        const Lanczos& lanczos = {}) {
  detail::require_events(event_seconds, values, "lanczos_resample");
  if (volume_seconds.size() < 2) {
    throw std::invalid_argument("lanczos_resample: needs at least 2 volume times to set the cutoff, got " +
                                std::to_string(volume_seconds.size()));
  }
  for (std::size_t j = 1; j < volume_seconds.size(); ++j) {
    if (!(volume_seconds[j] > volume_seconds[j - 1]) || !std::isfinite(volume_seconds[j])) {
      throw std::invalid_argument("lanczos_resample: volume time " + std::to_string(j) + " (" +
                                  std::to_string(volume_seconds[j]) + " s) does not follow " +
                                  std::to_string(volume_seconds[j - 1]) + " s");
    }
  }
  if (lanczos.lobes < 1) {
    throw std::invalid_argument("lanczos_resample: lobes = " + std::to_string(lanczos.lobes) + " < 1");
  }
  if (!(lanczos.cutoff_mult > 0.0) || !std::isfinite(lanczos.cutoff_mult)) {
    throw std::invalid_argument("lanczos_resample: cutoff_mult = " +
                                std::to_string(lanczos.cutoff_mult) + " is not positive");
  }
  // mean(diff(t)) telescopes to (t_last - t_first) / (m - 1); numpy sums the differences,
  // which agrees to rounding (~1e-16 relative).
  double diff_sum = 0.0;
  for (std::size_t j = 1; j < volume_seconds.size(); ++j) diff_sum += volume_seconds[j] - volume_seconds[j - 1];
  const double cutoff_hz =
      lanczos.cutoff_mult / (diff_sum / static_cast<double>(volume_seconds.size() - 1));
  const auto volumes = static_cast<Eigen::Index>(volume_seconds.size());
  Eigen::MatrixXd out = Eigen::MatrixXd::Zero(volumes, values.cols());
  for (Eigen::Index j = 0; j < volumes; ++j) {
    for (std::size_t e = 0; e < event_seconds.size(); ++e) {
      const double w = lanczos_window(volume_seconds[static_cast<std::size_t>(j)] - event_seconds[e],
                                      cutoff_hz, lanczos.lobes);
      if (w != 0.0) out.row(j) += w * values.row(static_cast<Eigen::Index>(e));
    }
  }
  return out;
}

// The same on a VolumeGrid: volume j's time is the start of its acquisition,
// first_volume_seconds + j * tr_seconds (the Huth lab's TR trigger times).
inline Eigen::MatrixXd lanczos_resample(const std::vector<double>& event_seconds,
                                        const Eigen::Ref<const Eigen::MatrixXd>& values,
                                        const VolumeGrid& grid, const Lanczos& lanczos = {}) {
  detail::require_grid(grid, "lanczos_resample");
  if (grid.volumes < 2) {
    throw std::invalid_argument("lanczos_resample: needs at least 2 volumes, got " +
                                std::to_string(grid.volumes));
  }
  std::vector<double> times(static_cast<std::size_t>(grid.volumes));
  for (std::size_t j = 0; j < times.size(); ++j) {
    times[j] = grid.first_volume_seconds + static_cast<double>(j) * grid.tr_seconds;
  }
  return lanczos_resample(event_seconds, values, times, lanczos);
}

// Finite impulse response expansion: for delays d_1..d_m (in samples, >= 0), the output
// has m blocks of x's columns; block k at row i holds x(i - d_k), zero where i - d_k < 0.
// Column order: delay-major, [x(t - d_1) | x(t - d_2) | ...].
inline Eigen::MatrixXd fir_delays(const Eigen::Ref<const Eigen::MatrixXd>& x,
                                  const std::vector<int>& delays) {
  if (delays.empty()) throw std::invalid_argument("fir_delays: no delays");
  const Eigen::Index n = x.rows();
  const Eigen::Index p = x.cols();
  Eigen::MatrixXd out = Eigen::MatrixXd::Zero(n, p * static_cast<Eigen::Index>(delays.size()));
  for (std::size_t k = 0; k < delays.size(); ++k) {
    const int d = delays[k];
    if (d < 0) throw std::invalid_argument("fir_delays: negative delay " + std::to_string(d));
    if (d >= n) continue;
    out.block(d, static_cast<Eigen::Index>(k) * p, n - d, p) = x.topRows(n - d);
  }
  return out;
}

// Each column minus its mean, divided by its standard deviation (population, ddof = 0, as
// scipy.stats.zscore's default). A constant column is an error naming the column.
inline Eigen::MatrixXd zscore_columns(const Eigen::Ref<const Eigen::MatrixXd>& y,
                                      const std::string& what = "matrix") {
  require_finite(y, what);
  Eigen::MatrixXd out = y.rowwise() - y.colwise().mean();
  for (Eigen::Index j = 0; j < out.cols(); ++j) {
    const double ss = out.col(j).squaredNorm();
    if (is_constant_column(ss, y.col(j).cwiseAbs().maxCoeff(), y.rows())) {
      throw std::invalid_argument("zscore_columns: column " + std::to_string(j) + " of " + what +
                                  " is constant");
    }
    out.col(j) /= std::sqrt(ss / static_cast<double>(out.rows()));
  }
  return out;
}

// Run lengths of a per-sample label sequence (runs, stories, passages): one run per maximal
// stretch of consecutive equal labels, in row order. A label that comes back after another
// one starts a new run (the rows are not contiguous in time across that change).
// Errors: no labels.
inline RunLengths runs_of_labels(const std::vector<int>& labels) {
  if (labels.empty()) throw std::invalid_argument("runs_of_labels: no labels");
  RunLengths out;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (i == 0 || labels[i] != labels[i - 1]) out.volumes.push_back(0);
    ++out.volumes.back();
  }
  return out;
}

// fir_delays within each run: the runs are consecutive row ranges, and a delayed row never
// reaches into the previous run. Block k at row i of a run holds x(i - d_k) when i - d_k lies
// in the same run, else 0, so the first d_k rows of every run (a story's first volumes) see
// zeros, not the end of the previous story. With one run this is fir_delays(x, delays).
// Errors: as fir_delays, and run lengths that do not sum to x's rows.
inline Eigen::MatrixXd fir_delays(const Eigen::Ref<const Eigen::MatrixXd>& x, const std::vector<int>& delays,
                                  const RunLengths& runs) {
  detail::require_runs(runs, x.rows(), "fir_delays");
  if (delays.empty()) throw std::invalid_argument("fir_delays: no delays");
  const Eigen::Index p = x.cols();
  Eigen::MatrixXd out = Eigen::MatrixXd::Zero(x.rows(), p * static_cast<Eigen::Index>(delays.size()));
  for (std::size_t k = 0; k < delays.size(); ++k) {
    const int d = delays[k];
    if (d < 0) throw std::invalid_argument("fir_delays: negative delay " + std::to_string(d));
    Eigen::Index begin = 0;
    for (const Eigen::Index len : runs.volumes) {
      if (d < len) {
        out.block(begin + d, static_cast<Eigen::Index>(k) * p, len - d, p) = x.middleRows(begin, len - d);
      }
      begin += len;
    }
  }
  return out;
}

// zscore_columns applied to each run's rows separately (each run gets its own mean and
// population standard deviation, as the Huth lab z-scores each story's responses).
// Errors: run lengths that do not sum to the rows, an empty run, a column constant within
// a run (the message names the run and the column).
inline Eigen::MatrixXd zscore_per_run(const Eigen::Ref<const Eigen::MatrixXd>& y, const RunLengths& runs,
                                      const std::string& what = "matrix") {
  detail::require_runs(runs, y.rows(), "zscore_per_run");
  Eigen::MatrixXd out(y.rows(), y.cols());
  Eigen::Index begin = 0;
  for (std::size_t r = 0; r < runs.volumes.size(); ++r) {
    const Eigen::Index len = runs.volumes[r];
    out.middleRows(begin, len) = zscore_columns(y.middleRows(begin, len), what + " run " + std::to_string(r));
    begin += len;
  }
  return out;
}

// Volumes dropped at the start and at the end of every run (scanner warm-up, the silence
// after the story).
struct EdgeTrim {
  Eigen::Index first = 0;
  Eigen::Index last = 0;
};

// The kept rows, the new run lengths, and which input row each kept row came from.
struct TrimmedRuns {
  Eigen::MatrixXd data;
  RunLengths runs;
  std::vector<Eigen::Index> kept_rows;
};

// Drops trim.first volumes at the start and trim.last at the end of each run.
// Errors: bad run lengths, negative trims, a trim that leaves a run with no volume.
inline TrimmedRuns trim_run_edges(const Eigen::Ref<const Eigen::MatrixXd>& y, const RunLengths& runs,
                                  EdgeTrim trim) {
  detail::require_runs(runs, y.rows(), "trim_run_edges");
  if (trim.first < 0 || trim.last < 0) {
    throw std::invalid_argument("trim_run_edges: negative trim (" + std::to_string(trim.first) +
                                ", " + std::to_string(trim.last) + ")");
  }
  TrimmedRuns out;
  Eigen::Index begin = 0;
  for (std::size_t r = 0; r < runs.volumes.size(); ++r) {
    const Eigen::Index len = runs.volumes[r];
    if (trim.first + trim.last >= len) {
      throw std::invalid_argument("trim_run_edges: trimming " + std::to_string(trim.first) + " + " +
                                  std::to_string(trim.last) + " volumes leaves nothing of run " +
                                  std::to_string(r) + " (" + std::to_string(len) + " volumes)");
    }
    out.runs.volumes.push_back(len - trim.first - trim.last);
    for (Eigen::Index i = begin + trim.first; i < begin + len - trim.last; ++i) out.kept_rows.push_back(i);
    begin += len;
  }
  out.data.resize(static_cast<Eigen::Index>(out.kept_rows.size()), y.cols());
  for (std::size_t i = 0; i < out.kept_rows.size(); ++i) {
    out.data.row(static_cast<Eigen::Index>(i)) = y.row(out.kept_rows[i]);
  }
  return out;
}

}  // namespace neuroscore
