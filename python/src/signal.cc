// python/src/signal.cc: noise ceilings (ceiling.hpp), variance partitioning and Feghhi's omega
// (partition.hpp), FIR delays, Lanczos resampling and per-run z-scoring (align.hpp).
// Entry point: bind_signal(); neuroscore/_signal.py wraps these in named results.
#include <pybind11/stl.h>

#include <optional>

#include "neuroscore/align.hpp"
#include "neuroscore/ceiling.hpp"
#include "neuroscore/partition.hpp"
#include "python/src/bindings.hpp"
#include "python/src/convert.hpp"

namespace neuroscore::python {
namespace {

// Trials (or subjects) as the owning matrices ceiling.hpp takes: one counted copy per matrix,
// read through the array's strides, so a slice of a 3-D array is not copied twice.
std::vector<Eigen::MatrixXd> matrices_from(const py::handle& obj, const std::string& name) {
  std::vector<Eigen::MatrixXd> out;
  for (const py::handle item : py::reinterpret_borrow<py::iterable>(obj)) {
    const std::string which = name + "[" + std::to_string(out.size()) + "]";
    const py::array given = array_of<double>(item, which);
    if (given.ndim() != 2) {
      throw std::invalid_argument(which + " must be a 2-D array, got " + std::to_string(given.ndim()) + "-D");
    }
    const auto array = py::array_t<double>::ensure(given);
    if (!array) throw py::error_already_set();
    const auto r = array.unchecked<2>();
    Eigen::MatrixXd m(r.shape(0), r.shape(1));
    if (array.flags() & py::array::f_style) {
      m = Eigen::Map<const Eigen::MatrixXd>(array.data(), m.rows(), m.cols());
    } else {
      for (py::ssize_t j = 0; j < r.shape(1); ++j) {
        for (py::ssize_t i = 0; i < r.shape(0); ++i) m(i, j) = r(i, j);
      }
    }
    ++input_copies();
    out.push_back(std::move(m));
  }
  return out;
}

Metric metric_from(const std::string& s) {
  if (s == "r2") return Metric::r2;
  if (s == "r2_oos") return Metric::r2_oos;
  throw std::invalid_argument("metric '" + s + "' is not one of 'r2', 'r2_oos'");
}

const char* metric_name(Metric m) { return m == Metric::r2 ? "r2" : m == Metric::r2_oos ? "r2_oos" : "pearson_r"; }

FoldAggregation aggregation_from(const std::string& s) {
  if (s == "per_fold_mean") return FoldAggregation::per_fold_mean;
  if (s == "pooled") return FoldAggregation::pooled;
  throw std::invalid_argument("aggregation '" + s + "' is not one of 'per_fold_mean', 'pooled'");
}

const char* aggregation_name(FoldAggregation a) {
  return a == FoldAggregation::per_fold_mean ? "per_fold_mean" : "pooled";
}

ScoreUnit unit_from(const std::string& s, const std::string& name) {
  if (s == "r") return ScoreUnit::r;
  if (s == "r2") return ScoreUnit::r_squared;
  throw std::invalid_argument(name + " '" + s + "' is not one of 'r', 'r2'");
}

const char* unit_name(ScoreUnit u) { return u == ScoreUnit::r ? "r" : "r2"; }

py::dict schoppe_dict(SchoppeCeiling&& c) {
  py::dict d;
  d["signal_power"] = to_numpy(std::move(c.signal_power));
  d["response_power"] = to_numpy(std::move(c.response_power));
  d["cc_max"] = to_numpy(std::move(c.cc_max));
  d["no_signal"] = to_numpy(c.no_signal);
  d["trials"] = c.trials;
  return d;
}

py::dict partition_dict(VariancePartition&& p) {
  py::dict d;
  d["r2_a"] = to_numpy(std::move(p.r2_a));
  d["r2_b"] = to_numpy(std::move(p.r2_b));
  d["r2_joint"] = to_numpy(std::move(p.r2_joint));
  d["unique_a"] = to_numpy(std::move(p.unique_a));
  d["unique_b"] = to_numpy(std::move(p.unique_b));
  d["shared"] = to_numpy(std::move(p.shared));
  d["metric"] = metric_name(p.metric);
  d["aggregation"] = aggregation_name(p.aggregation);
  return d;
}

PartitionOptions partition_options(const std::vector<double>& alphas, std::size_t inner_folds, std::size_t inner_gap,
                                   const py::handle& inner_groups, const std::string& metric,
                                   const std::string& aggregation) {
  PartitionOptions o;
  o.ridge.alphas = alphas;
  o.ridge.inner_folds = inner_folds;
  o.ridge.inner_gap = Gap{inner_gap};
  if (!inner_groups.is_none()) o.ridge.inner_groups = labels_from(inner_groups, "inner_groups");
  o.metric = metric_from(metric);
  o.aggregation = aggregation_from(aggregation);
  return o;
}

// Run lengths from a list of lengths or from per-sample labels (at most one is given; the
// Python wrapper checks); none: the whole matrix is one run.
std::optional<RunLengths> runs_from(const py::handle& run_lengths, const py::handle& groups) {
  if (!run_lengths.is_none()) return RunLengths{run_lengths.cast<std::vector<Eigen::Index>>()};
  if (!groups.is_none()) return runs_of_labels(labels_from(groups, "groups"));
  return std::nullopt;
}

Lanczos lanczos_of(int lobes, double cutoff_mult) {
  Lanczos l;
  l.lobes = lobes;
  l.cutoff_mult = cutoff_mult;
  return l;
}

void bind_ceilings(py::module_& m) {
  m.def(
      "split_half_reliability",
      [](const py::handle& trials_obj, std::size_t random_splits, std::uint64_t seed) {
        const std::vector<Eigen::MatrixXd> trials = matrices_from(trials_obj, "trials");
        SplitHalfOptions o;
        o.random_splits = random_splits;
        o.seed = Seed{seed};
        SplitHalfReliability r;
        {
          py::gil_scoped_release release;
          r = split_half_reliability(trials, o);
        }
        py::dict d;
        d["half_r"] = to_numpy(std::move(r.half_r));
        d["reliability"] = to_numpy(std::move(r.reliability));
        d["trials"] = r.trials;
        d["splits"] = r.splits;
        d["seed"] = r.seed.value;
        return d;
      },
      py::arg("trials"), py::arg("random_splits"), py::arg("seed"));
  m.def(
      "schoppe_cc_max",
      [](const py::handle& trials_obj) {
        const std::vector<Eigen::MatrixXd> trials = matrices_from(trials_obj, "trials");
        SchoppeCeiling c;
        {
          py::gil_scoped_release release;
          c = schoppe_cc_max(trials);
        }
        return schoppe_dict(std::move(c));
      },
      py::arg("trials"));
  m.def(
      "schoppe_cc_norm",
      [](const py::handle& trials_obj, const py::handle& prediction_obj) {
        const std::vector<Eigen::MatrixXd> trials = matrices_from(trials_obj, "trials");
        const MatrixArg<double> prediction(prediction_obj, "prediction");
        NormalizedCorrelation c;
        {
          py::gil_scoped_release release;
          c = schoppe_cc_norm(trials, prediction.view());
        }
        py::dict d;
        d["cc_abs"] = to_numpy(std::move(c.cc_abs));
        d["cc_norm"] = to_numpy(std::move(c.cc_norm));
        d["ceiling"] = schoppe_dict(std::move(c.ceiling));
        return d;
      },
      py::arg("trials"), py::arg("prediction"));
  m.def(
      "nsd_noise_ceiling",
      [](const py::handle& trials_obj, bool zscore, double trials_averaged) {
        const std::vector<Eigen::MatrixXd> trials = matrices_from(trials_obj, "trials");
        NsdOptions o;
        o.zscore = zscore;
        o.trials_averaged = trials_averaged;
        NsdNoiseCeiling c;
        {
          py::gil_scoped_release release;
          c = nsd_noise_ceiling(trials, o);
        }
        py::dict d;
        d["noise_stddev"] = to_numpy(std::move(c.noise_stddev));
        d["signal_stddev"] = to_numpy(std::move(c.signal_stddev));
        d["ncsnr"] = to_numpy(std::move(c.ncsnr));
        d["noise_ceiling_percent"] = to_numpy(std::move(c.noise_ceiling_percent));
        d["trials_averaged"] = c.trials_averaged;
        return d;
      },
      py::arg("trials"), py::arg("zscore"), py::arg("trials_averaged"));
  m.def(
      "explainable_variance",
      [](const py::handle& trials_obj, bool zscore) {
        const std::vector<Eigen::MatrixXd> trials = matrices_from(trials_obj, "trials");
        ExplainableVariance ev;
        {
          py::gil_scoped_release release;
          ev = explainable_variance(trials, zscore);
        }
        py::dict d;
        d["raw"] = to_numpy(std::move(ev.raw));
        d["corrected"] = to_numpy(std::move(ev.corrected));
        d["trials"] = ev.trials;
        return d;
      },
      py::arg("trials"), py::arg("zscore"));
  m.def(
      "leave_one_subject_out_ceiling",
      [](const py::handle& subjects_obj, const py::handle& folds_obj) {
        const std::vector<Eigen::MatrixXd> subjects = matrices_from(subjects_obj, "subjects");
        const std::optional<std::vector<Fold>> folds =
            folds_obj.is_none() ? std::nullopt : std::optional<std::vector<Fold>>(folds_from(folds_obj, "cv"));
        InterSubjectCeiling c;
        {
          py::gil_scoped_release release;
          c = folds ? leave_one_subject_out_ceiling(subjects, *folds) : leave_one_subject_out_ceiling(subjects);
        }
        py::dict d;
        d["per_subject_r"] = to_numpy(std::move(c.per_subject_r));
        d["mean_r"] = to_numpy(std::move(c.mean_r));
        d["single_subject_reliability"] = to_numpy(std::move(c.single_subject_reliability));
        d["corrected_r"] = to_numpy(std::move(c.corrected_r));
        return d;
      },
      py::arg("subjects"), py::arg("folds"));
  m.def(
      "extrapolation_ceiling",
      [](const py::handle& subjects_obj, std::size_t subsets_per_size, std::size_t bootstraps, std::uint64_t seed) {
        const std::vector<Eigen::MatrixXd> subjects = matrices_from(subjects_obj, "subjects");
        ExtrapolationOptions o;
        o.subsets_per_size = subsets_per_size;
        o.bootstraps = bootstraps;
        o.seed = Seed{seed};
        ExtrapolationCeiling c;
        {
          py::gil_scoped_release release;
          c = extrapolation_ceiling(subjects, o);
        }
        py::dict d;
        d["pool_sizes"] = to_numpy(std::move(c.pool_sizes));
        d["consistency"] = to_numpy(std::move(c.consistency));
        d["bootstrap_v0"] = to_numpy(std::move(c.bootstrap_v0));
        d["v0"] = to_numpy(std::move(c.v0));
        d["v0_of_mean_curve"] = to_numpy(std::move(c.v0_of_mean_curve));
        d["median_ceiling"] = c.median_ceiling;
        d["unconverged_fits"] = c.unconverged_fits;
        d["seed"] = c.seed.value;
        return d;
      },
      py::arg("subjects"), py::arg("subsets_per_size"), py::arg("bootstraps"), py::arg("seed"));
  m.def(
      "normalize_by_ceiling",
      [](const py::handle& score_obj, const py::handle& ceiling_obj, const std::string& score_unit,
         const std::string& ceiling_unit) {
        const UnitScores score{VectorArg(score_obj, "score").view(), unit_from(score_unit, "score_unit")};
        const UnitScores ceiling{VectorArg(ceiling_obj, "ceiling").view(), unit_from(ceiling_unit, "ceiling_unit")};
        NormalizedScores n;
        {
          py::gil_scoped_release release;
          n = normalize_by_ceiling(score, ceiling);
        }
        py::dict d;
        d["unclipped"] = to_numpy(std::move(n.unclipped));
        d["clipped"] = to_numpy(std::move(n.clipped));
        d["invalid_ceiling"] = to_numpy(n.invalid_ceiling);
        d["unit"] = unit_name(n.unit);
        return d;
      },
      py::arg("score"), py::arg("ceiling"), py::arg("score_unit"), py::arg("ceiling_unit"));
}

void bind_partition(py::module_& m) {
  m.def(
      "partition_variance",
      [](const py::handle& a_obj, const py::handle& b_obj, const py::handle& y_obj, const py::handle& folds_obj,
         const std::vector<double>& alphas, std::size_t inner_folds, std::size_t inner_gap,
         const py::handle& inner_groups, const std::string& metric, const std::string& aggregation) {
        const std::vector<Fold> folds = folds_from(folds_obj, "folds");
        const PartitionOptions o = partition_options(alphas, inner_folds, inner_gap, inner_groups, metric, aggregation);
        const MatrixArg<double> a(a_obj, "A");
        const MatrixArg<double> b(b_obj, "B");
        const MatrixArg<double> y(y_obj, "Y", true);
        VariancePartition p;
        {
          py::gil_scoped_release release;
          p = partition_variance(a.view(), b.view(), y.view(), folds, o);
        }
        return partition_dict(std::move(p));
      },
      py::arg("A"), py::arg("B"), py::arg("Y"), py::arg("folds"), py::arg("alphas"), py::arg("inner_folds"),
      py::arg("inner_gap"), py::arg("inner_groups"), py::arg("metric"), py::arg("aggregation"));
  m.def(
      "feghhi_omega",
      [](const py::handle& simple_obj, const py::handle& llm_obj, const py::handle& y_obj, const py::handle& folds_obj,
         const std::vector<double>& alphas, std::size_t inner_folds, std::size_t inner_gap,
         const py::handle& inner_groups, const std::string& metric, const std::string& aggregation) {
        const std::vector<Fold> folds = folds_from(folds_obj, "folds");
        const PartitionOptions o = partition_options(alphas, inner_folds, inner_gap, inner_groups, metric, aggregation);
        const MatrixArg<double> simple(simple_obj, "simple");
        const MatrixArg<double> llm(llm_obj, "llm");
        const MatrixArg<double> y(y_obj, "Y", true);
        FeghhiOmega omega;
        {
          py::gil_scoped_release release;
          omega = feghhi_omega(simple.view(), llm.view(), y.view(), folds, o);
        }
        py::dict d;
        d["percent"] = to_numpy(std::move(omega.percent));
        d["undefined"] = to_numpy(omega.undefined);
        d["partition"] = partition_dict(std::move(omega.partition));
        return d;
      },
      py::arg("simple"), py::arg("llm"), py::arg("Y"), py::arg("folds"), py::arg("alphas"), py::arg("inner_folds"),
      py::arg("inner_gap"), py::arg("inner_groups"), py::arg("metric"), py::arg("aggregation"));
}

void bind_align(py::module_& m) {
  m.def(
      "fir_delays",
      [](const py::handle& x_obj, const std::vector<int>& delays, const py::handle& run_lengths,
         const py::handle& groups) {
        const MatrixArg<double> x(x_obj, "X", true);
        const std::optional<RunLengths> runs = runs_from(run_lengths, groups);
        Eigen::MatrixXd out;
        {
          py::gil_scoped_release release;
          out = runs ? fir_delays(x.view(), delays, *runs) : fir_delays(x.view(), delays);
        }
        return to_numpy(std::move(out));
      },
      py::arg("X"), py::arg("delays"), py::arg("run_lengths"), py::arg("groups"));
  m.def(
      "zscore_per_run",
      [](const py::handle& y_obj, const py::handle& run_lengths, const py::handle& groups) {
        const MatrixArg<double> y(y_obj, "Y", true);
        const std::optional<RunLengths> runs = runs_from(run_lengths, groups);
        Eigen::MatrixXd out;
        {
          py::gil_scoped_release release;
          out = runs ? zscore_per_run(y.view(), *runs, "Y") : zscore_columns(y.view(), "Y");
        }
        return to_numpy(std::move(out));
      },
      py::arg("Y"), py::arg("run_lengths"), py::arg("groups"));
  m.def(
      "lanczos_resample_times",
      [](const py::handle& events_obj, const py::handle& values_obj, const py::handle& volumes_obj, int lobes,
         double cutoff_mult) {
        const std::vector<double> events = VectorArg(events_obj, "event_seconds").to_vector();
        const std::vector<double> volume_seconds = VectorArg(volumes_obj, "volume_seconds").to_vector();
        const MatrixArg<double> values(values_obj, "values", true);
        Eigen::MatrixXd out;
        {
          py::gil_scoped_release release;
          out = lanczos_resample(events, values.view(), volume_seconds, lanczos_of(lobes, cutoff_mult));
        }
        return to_numpy(std::move(out));
      },
      py::arg("event_seconds"), py::arg("values"), py::arg("volume_seconds"), py::arg("lobes"),
      py::arg("cutoff_mult"));
  m.def(
      "lanczos_resample_grid",
      [](const py::handle& events_obj, const py::handle& values_obj, Eigen::Index volumes, double tr_seconds,
         double first_volume_seconds, int lobes, double cutoff_mult) {
        const std::vector<double> events = VectorArg(events_obj, "event_seconds").to_vector();
        const MatrixArg<double> values(values_obj, "values", true);
        const VolumeGrid grid{volumes, tr_seconds, first_volume_seconds};
        Eigen::MatrixXd out;
        {
          py::gil_scoped_release release;
          out = lanczos_resample(events, values.view(), grid, lanczos_of(lobes, cutoff_mult));
        }
        return to_numpy(std::move(out));
      },
      py::arg("event_seconds"), py::arg("values"), py::arg("volumes"), py::arg("tr_seconds"),
      py::arg("first_volume_seconds"), py::arg("lobes"), py::arg("cutoff_mult"));
}

}  // namespace

void bind_signal(py::module_& m) {
  bind_ceilings(m);
  bind_partition(m);
  bind_align(m);
}

}  // namespace neuroscore::python
