// benchmarks/perf/gemm_peak.hpp: the machine's measured GEMM rate, the yardstick of the ridge
// benchmarks. Entry points: eigen_gemm(n, c, a, b) and blas_gemm(...) for float and double;
// peak_rss_mib() comes with it from peak_rss.hpp.
#pragma once

#include <benchmark/benchmark.h>
#include <cblas.h>

#include <Eigen/Core>
#include <chrono>
#include <cstdint>

#include "benchmarks/perf/peak_rss.hpp"

namespace neuroscore::benchmarks {

// C = A B with Eigen's product (Eigen's own kernels, or BLAS when built with EIGEN_USE_BLAS).
template <class Scalar>
void eigen_gemm(const Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>& a,
                const Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>& b,
                Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>& c) {
  c.noalias() = a * b;
}

// The body of a GEMM-peak benchmark: times C = A B on random n x n matrices (n =
// state.range(0)) with eigen_gemm, sets the FLOP/s counter and returns the measured rate in
// FLOP/s, for the benchmarks that follow in the same process to compare against.
template <class Scalar>
double measure_gemm_peak(benchmark::State& state) {
  using Matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;
  const auto n = static_cast<Eigen::Index>(state.range(0));
  const Matrix a = Matrix::Random(n, n), b = Matrix::Random(n, n);
  Matrix c(n, n);
  eigen_gemm(a, b, c);  // warm-up
  const auto start = std::chrono::steady_clock::now();
  std::int64_t runs = 0;
  for (auto _ : state) {
    eigen_gemm(a, b, c);
    benchmark::DoNotOptimize(c.data());
    ++runs;
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double flops = 2.0 * double(n) * double(n) * double(n);
  state.counters["FLOP/s"] = benchmark::Counter(flops, benchmark::Counter::kIsIterationInvariantRate);
  return flops * double(runs) / seconds;
}

// C = A B with OpenBLAS's cblas_?gemm (column-major, no transposes).
inline void blas_gemm(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b, Eigen::MatrixXd& c) {
  cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, static_cast<int>(a.rows()),
              static_cast<int>(b.cols()), static_cast<int>(a.cols()), 1.0, a.data(),
              static_cast<int>(a.rows()), b.data(), static_cast<int>(b.rows()), 0.0, c.data(),
              static_cast<int>(c.rows()));
}

inline void blas_gemm(const Eigen::MatrixXf& a, const Eigen::MatrixXf& b, Eigen::MatrixXf& c) {
  cblas_sgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, static_cast<int>(a.rows()),
              static_cast<int>(b.cols()), static_cast<int>(a.cols()), 1.0f, a.data(),
              static_cast<int>(a.rows()), b.data(), static_cast<int>(b.rows()), 0.0f, c.data(),
              static_cast<int>(c.rows()));
}

}  // namespace neuroscore::benchmarks
