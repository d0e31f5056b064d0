// benchmarks/perf/ridge_benchmark.cc: cross-validated ridge against the machine's GEMM peak.
// Build and run optimized (never part of `bazel test`):
//   bazel run --config=opt //benchmarks/perf:ridge_benchmark -- --benchmark_counters_tabular=true
//   bazel run --config=opt //benchmarks/perf:ridge_benchmark_eigen_kernels   # without OpenBLAS
// The 100k-target scaling point is registered only when NEUROSCORE_BENCH_100K=1.
//
// Workloads (issue 3): W1 3,000 samples (2,400 train / 600 test), 768 features, 20,000
// targets, 17 alphas logspace(-2, 6), inner contiguous 5-fold, per-target alpha, refit, test
// Pearson r. W2 1,000 samples (800 / 200), 4,096 features, 5,000 targets (dual path).
// Counters: FLOP/s counts the GEMM flops the code performs (2mnk per product; the
// eigensolver, gathers and scoring are not counted), GEMM_peak_pct divides by the GEMM peak
// measured in this process (BM_GemmPeak, run first), peak_RSS_MiB is getrusage's high-water
// mark (process-wide).
//
// BLAS decision (measured 2026-11-28 on a 2-core AMD EPYC with AVX-512, shared with other
// builds, one thread, OPENBLAS_NUM_THREADS=1): 2048^3 GEMM runs at 37-40 GFLOP/s (double) and
// 77-80 GFLOP/s (float) with Eigen's own kernels, 48-53 and 93-102 with OpenBLAS; W1's CV
// phase takes 47 s (Eigen) against 35 s (Eigen on OpenBLAS) in double. Eigen on OpenBLAS
// (EIGEN_USE_BLAS) is the faster path here, by about 1.3x in double and 1.2x in float, so
// @debian//:eigen defines it for every build (the define must be the same in every
// translation unit of a binary); //benchmarks/perf:ridge_benchmark_eigen_kernels undefines it to
// measure Eigen's own kernels.
#include <benchmark/benchmark.h>

#include <Eigen/Dense>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "benchmarks/perf/gemm_peak.hpp"
#include "neuroscore/alphas.hpp"
#include "neuroscore/ridge.hpp"
#include "neuroscore/split.hpp"

namespace ns = neuroscore;
namespace nb = neuroscore::benchmarks;

namespace {

template <class Scalar>
using Matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;

// Measured GEMM rate (flop/s) per scalar type, filled by BM_GemmPeak.
std::map<std::string, double>& peaks() {
  static std::map<std::string, double> p;
  return p;
}
template <class Scalar>
const char* type_name() { return sizeof(Scalar) == 8 ? "double" : "float"; }

template <class Scalar>
void BM_GemmPeak(benchmark::State& state) {
  peaks()[type_name<Scalar>()] = nb::measure_gemm_peak<Scalar>(state);
}

template <class Scalar>
void BM_OpenBlasGemm(benchmark::State& state) {
  const auto n = static_cast<Eigen::Index>(state.range(0));
  openblas_set_num_threads(static_cast<int>(state.range(1)));
  const Matrix<Scalar> a = Matrix<Scalar>::Random(n, n), b = Matrix<Scalar>::Random(n, n);
  Matrix<Scalar> c(n, n);
  nb::blas_gemm(a, b, c);
  for (auto _ : state) {
    nb::blas_gemm(a, b, c);
    benchmark::DoNotOptimize(c.data());
  }
  openblas_set_num_threads(1);
  state.counters["FLOP/s"] = benchmark::Counter(2.0 * double(n) * double(n) * double(n),
                                                benchmark::Counter::kIsIterationInvariantRate);
}

BENCHMARK_TEMPLATE(BM_GemmPeak, double)->ArgName("n")->Arg(2048)->Unit(benchmark::kMillisecond)->MinTime(2.0)->UseRealTime();
BENCHMARK_TEMPLATE(BM_GemmPeak, float)->ArgName("n")->Arg(2048)->Unit(benchmark::kMillisecond)->MinTime(2.0)->UseRealTime();
BENCHMARK_TEMPLATE(BM_OpenBlasGemm, double)->ArgNames({"n", "threads"})->Args({2048, 1})->Args({2048, 2})->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_TEMPLATE(BM_OpenBlasGemm, float)->ArgNames({"n", "threads"})->Args({2048, 1})->Args({2048, 2})->Unit(benchmark::kMillisecond)->UseRealTime();

// Primal factorization choice: BDCSVD of the centred 1920 x 768 training X against the
// Gram matrix plus SelfAdjointEigenSolver (what RidgeDecomposition does).
void BM_Decomposition(benchmark::State& state) {
  const Eigen::MatrixXd x = Eigen::MatrixXd::Random(1920, 768);
  for (auto _ : state) {
    if (state.range(0) == 0) {
      Eigen::BDCSVD<Eigen::MatrixXd> svd(x, Eigen::ComputeThinU | Eigen::ComputeThinV);
      benchmark::DoNotOptimize(svd.singularValues().data());
    } else {
      const ns::RidgeDecomposition<double> dec(x, ns::RidgeSolver::primal);
      benchmark::DoNotOptimize(dec.eigenvalues().data());
    }
  }
  state.SetLabel(state.range(0) == 0 ? "BDCSVD thin U,V" : "Gram + SelfAdjointEigenSolver (+ basis)");
}
BENCHMARK(BM_Decomposition)->ArgName("eigen")->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

struct Workload {
  Eigen::Index samples, train, features, targets;
};

// GEMM flops of cross_validated_ridge on one outer fold with full-rank random data.
double ridge_gemm_flops(const Workload& w, std::size_t inner_folds, std::size_t alphas, bool cv_phase_only) {
  const double p = double(w.features), t = double(w.targets);
  double flops = 0.0;
  auto fold = [&](double n_train, double n_test, bool scored) {
    const double r = std::min(n_train - 1.0, p);  // centring removes one dimension
    const bool dual = p > n_train;
    if (!cv_phase_only) {
      flops += dual ? 2 * n_train * n_train * p + 2 * p * n_train * r : 2 * n_train * p * p + 2 * n_train * p * r;
      flops += 2 * n_test * p * r;
    }
    flops += 2 * n_train * r * t;                                  // B' Yc
    flops += (scored ? double(alphas) : 1.0) * 2 * n_test * r * t;  // predictions
  };
  const std::vector<ns::Fold> inner = ns::contiguous_kfold(std::size_t(w.train), inner_folds);
  for (const auto& f : inner) fold(double(f.train.size()), double(f.test.size()), true);
  if (!cv_phase_only) fold(double(w.train), double(w.samples - w.train), false);
  return flops;
}

// FLOP/s as a rate counter, and the same rate as a percentage of this process's measured
// Eigen GEMM peak (BM_GemmPeak must have run first in the same process).
template <class Scalar>
void report_rate(benchmark::State& state, double flops_per_iteration,
                 std::chrono::steady_clock::time_point start) {
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  state.counters["FLOP/s"] = benchmark::Counter(flops_per_iteration, benchmark::Counter::kIsIterationInvariantRate);
  const auto peak = peaks().find(type_name<Scalar>());
  if (peak != peaks().end() && seconds > 0) {
    state.counters["GEMM_peak_pct"] = 100.0 * flops_per_iteration * double(state.iterations()) / seconds / peak->second;
  }
}

template <class Scalar>
void run_ridge(benchmark::State& state, const Workload& w) {
  const Matrix<Scalar> x = Matrix<Scalar>::Random(w.samples, w.features);
  const Matrix<Scalar> y =
      (x * Matrix<Scalar>::Random(w.features, w.targets) * Scalar(0.05) + Matrix<Scalar>::Random(w.samples, w.targets)).eval();
  ns::Fold fold;
  for (Eigen::Index i = 0; i < w.samples; ++i) (i < w.train ? fold.train : fold.test).push_back(std::size_t(i));
  ns::RidgeCvOptions options;
  options.alphas = ns::kBenchmarkAlphas;  // logspace(-2, 6, 17), alphas.hpp
  options.inner_folds = 5;
  options.per_target_alpha = true;
  ns::RidgeCvResultOf<Scalar> fit;
  const auto start = std::chrono::steady_clock::now();
  for (auto _ : state) {
    fit = ns::cross_validated_ridge(x, y, {fold}, options);
    benchmark::DoNotOptimize(fit.fold_r.data());
  }
  const double flops = ridge_gemm_flops(w, 5, 17, false);
  report_rate<Scalar>(state, flops, start);
  state.counters["peak_RSS_MiB"] = nb::peak_rss_mib();
  state.counters["batch"] = double(fit.target_batch_size);
  state.counters["mean_r"] = fit.mean_r().mean();
  state.counters["grid_edge"] = double(fit.alphas_at_grid_edge);
}

// The CV phase alone (what the 60% goal is about): every inner fold factored outside the
// timed region (RidgeAlphaScan's constructor), then every alpha scored for every target (mean_r2).
template <class Scalar>
void run_cv_phase(benchmark::State& state, const Workload& w) {
  const Matrix<Scalar> x = Matrix<Scalar>::Random(w.train, w.features);
  const Matrix<Scalar> y =
      (x * Matrix<Scalar>::Random(w.features, w.targets) * Scalar(0.05) + Matrix<Scalar>::Random(w.train, w.targets)).eval();
  ns::RidgeCvOptions options;
  options.alphas = ns::kBenchmarkAlphas;  // logspace(-2, 6, 17), alphas.hpp
  ns::RidgeAlphaScan<Scalar> scan(x, ns::contiguous_kfold(std::size_t(w.train), 5), options);
  scan.reserve(w.targets);  // the working buffers, outside the timed region
  Eigen::MatrixXd r2;
  const auto start = std::chrono::steady_clock::now();
  for (auto _ : state) {
    r2 = scan.mean_r2(y);
    benchmark::DoNotOptimize(r2.data());
  }
  report_rate<Scalar>(state, ridge_gemm_flops(w, 5, 17, true), start);
  state.counters["peak_RSS_MiB"] = nb::peak_rss_mib();
}

template <class Scalar>
void BM_W1(benchmark::State& state) { run_ridge<Scalar>(state, {3000, 2400, 768, 20000}); }
template <class Scalar>
void BM_W1_CvPhase(benchmark::State& state) { run_cv_phase<Scalar>(state, {3000, 2400, 768, 20000}); }
template <class Scalar>
void BM_W2(benchmark::State& state) { run_ridge<Scalar>(state, {1000, 800, 4096, 5000}); }
template <class Scalar>
void BM_W2_CvPhase(benchmark::State& state) { run_cv_phase<Scalar>(state, {1000, 800, 4096, 5000}); }
template <class Scalar>
void BM_Scaling(benchmark::State& state) { run_ridge<Scalar>(state, {3000, 2400, 768, state.range(0)}); }

#define RIDGE_BENCH(fn, type) \
  BENCHMARK_TEMPLATE(fn, type)->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime()
RIDGE_BENCH(BM_W1_CvPhase, double);
RIDGE_BENCH(BM_W1_CvPhase, float);
RIDGE_BENCH(BM_W2_CvPhase, double);
RIDGE_BENCH(BM_W2_CvPhase, float);
RIDGE_BENCH(BM_W1, double);
RIDGE_BENCH(BM_W1, float);
RIDGE_BENCH(BM_W2, double);
RIDGE_BENCH(BM_W2, float);
RIDGE_BENCH(BM_Scaling, float)->ArgName("targets")->Arg(1000)->Arg(5000)->Arg(20000);

// 100k targets (about 5x W1): only with NEUROSCORE_BENCH_100K=1.
const bool registered_100k = [] {
  const char* flag = std::getenv("NEUROSCORE_BENCH_100K");
  if (flag != nullptr && std::string(flag) == "1") {
    benchmark::RegisterBenchmark("BM_Scaling<float>/targets:100000", [](benchmark::State& s) {
      run_ridge<float>(s, {3000, 2400, 768, 100000});
    })->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();
    benchmark::RegisterBenchmark("BM_Scaling<double>/targets:100000", [](benchmark::State& s) {
      run_ridge<double>(s, {3000, 2400, 768, 100000});
    })->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();
  }
  return true;
}();

}  // namespace
