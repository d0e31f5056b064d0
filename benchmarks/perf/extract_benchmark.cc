// benchmarks/perf/extract_benchmark.cc: tokens per second of the extract features (issue 5's
// performance figure), against libtorch's own GEMM rate measured in the same run. Build and run
// optimized (never part of `bazel test`):
//   NEUROSCORE_DATA=/work/shared/data bazel run --config=opt //benchmarks/perf:extract_benchmark
//
// Models: stories260K (the trained llama2.c checkpoint; needs the data root) and a random
// GPT-2-small-shaped model (12 layers, 768 wide, 12 heads, vocab 50257; untrained_twin seed 0),
// float32. Arguments: model (0 = stories260K, 1 = GPT-2 small), context tokens T, libtorch threads.
//   BM_TorchGemmPeak: torch::mm of two 1024 x 1024 float32 matrices with that many threads: the
//                   yardstick (GEMM_peak_GFLOPs on the rows that follow; run first). Threads are
//                   set with extract::set_compute_threads (libtorch and OpenBLAS).
//   BM_Activations: one forward of T tokens keeping every residual and attention tensor;
//                   tokens/s = T per iteration.
//   BM_IntegratedGradients: IG (50 Gauss-Legendre steps, zero baseline) of the prediction at the
//                   last of T tokens; the extract pipeline runs one such explanation per word,
//                   so explained_tokens/s is the pipeline's rate for that context length.
//   BM_IgAndConductance: IG and layer conductance of every block from one pass (50 points).
//   BM_ClassifierRows: one batch of IG points (50 for stories260K, 10 for GPT-2, as ig_options),
//                   forward and backward to the embeddings, with the classifier on every position
//                   (classifier = 1: how attributions ran before ForwardOptions::compute_logits)
//                   or on the explained row only (classifier = 0: what attribution.cc does now);
//                   explained_tokens/s of the two rows is the change (issue 12.3).
// GFLOPs counts the matrix products of the model as written in extract/model.cc (projections,
// feed-forward, the full T x T attention products, the classifier on every position for a
// forward and on the explained row only for attributions); a backward pass to the inputs only
// (the weights need no gradient) counts as much as its forward. FLOP/s / GEMM_peak_GFLOPs is the fraction of the machine's product rate reached.
#include <benchmark/benchmark.h>
#include <torch/autograd.h>
#include <torch/types.h>
#include <torch/utils.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>

#include "extract/attribution.hpp"
#include "extract/loaders.hpp"
#include "extract/model.hpp"
#include "neuroscore/data_root.hpp"

namespace {

namespace ex = neuroscore::extract;

const ex::Model& model_for(std::int64_t which) {
  static std::map<std::int64_t, std::unique_ptr<ex::Model>> cache;
  auto& slot = cache[which];
  if (!slot) {
    if (which == 0) {
      const auto path = neuroscore::data_root() / "models" / "stories260K" / "stories260K.bin";
      slot = std::make_unique<ex::Model>(ex::load_llama2c(path.string()));
    } else {
      ex::ModelConfig c;
      c.family = ex::Family::kGpt2;
      c.dim = 768;
      c.hidden_dim = 3072;
      c.n_layers = 12;
      c.n_heads = 12;
      c.n_kv_heads = 12;
      c.vocab_size = 50257;
      c.max_seq_len = 1024;
      slot = std::make_unique<ex::Model>(ex::untrained_twin(c, 0));
    }
  }
  return *slot;
}

torch::Tensor ids_for(const ex::Model& m, std::int64_t t) {
  torch::Generator gen = at::detail::createCPUGenerator(1);
  return torch::randint(3, m.config.vocab_size, {t}, gen, torch::TensorOptions().dtype(torch::kLong));
}

// Multiply-adds x 2 of one forward over T tokens, with the classifier on `classifier_rows` rows.
double forward_flops(const ex::ModelConfig& c, std::int64_t t, std::int64_t classifier_rows) {
  const double d = static_cast<double>(c.dim), kv = static_cast<double>(c.kv_dim());
  const double h = static_cast<double>(c.hidden_dim), tt = static_cast<double>(t);
  const double ffn_matrices = c.family == ex::Family::kGpt2 ? 2.0 : 3.0;
  const double per_token_per_layer = d * d * 2.0 + d * kv * 2.0 + ffn_matrices * d * h;
  const double attention_per_layer = 2.0 * tt * tt * d;  // q k^T and probs v, full T x T
  const double layers = static_cast<double>(c.n_layers);
  return 2.0 * (layers * (tt * per_token_per_layer + attention_per_layer) +
                static_cast<double>(classifier_rows) * d * static_cast<double>(c.vocab_size));
}

std::map<std::int64_t, double>& gemm_peak() {
  static std::map<std::int64_t, double> peak;  // threads -> FLOP/s
  return peak;
}

void report(benchmark::State& state, double flops_per_iteration) {
  state.counters["GFLOPs"] = benchmark::Counter(flops_per_iteration * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
  const double peak = gemm_peak()[state.range(2)];
  if (peak > 0.0) state.counters["GEMM_peak_GFLOPs"] = peak * 1e-9;
}

void BM_TorchGemmPeak(benchmark::State& state) {
  ex::set_compute_threads(static_cast<int>(state.range(0)));
  const std::int64_t n = 1024;
  const torch::Tensor a = torch::rand({n, n}), b = torch::rand({n, n});
  torch::Tensor c = torch::mm(a, b);
  const auto start = std::chrono::steady_clock::now();
  std::int64_t runs = 0;
  for (auto _ : state) {
    torch::mm_out(c, a, b);
    benchmark::DoNotOptimize(c.data_ptr());
    ++runs;
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double flops = 2.0 * static_cast<double>(n * n * n);
  gemm_peak()[state.range(0)] = flops * static_cast<double>(runs) / seconds;
  state.counters["GFLOPs"] = benchmark::Counter(flops * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
}

void BM_Activations(benchmark::State& state) {
  ex::set_compute_threads(static_cast<int>(state.range(2)));
  const ex::Model& m = model_for(state.range(0));
  const std::int64_t t = state.range(1);
  const torch::Tensor ids = ids_for(m, t);
  torch::NoGradGuard no_grad;
  for (auto _ : state) {
    ex::ForwardResult r = ex::forward(m, ids);
    benchmark::DoNotOptimize(r.logits.data_ptr());
  }
  state.counters["tokens/s"] = benchmark::Counter(static_cast<double>(t), benchmark::Counter::kIsIterationInvariantRate);
  report(state, forward_flops(m.config, t, t));
}

ex::IntegratedGradientsOptions ig_options(std::int64_t model) {
  ex::IntegratedGradientsOptions opt;
  opt.batch_steps = model == 0 ? 50 : 10;  // GPT-2: 10 x T x 768 activations per layer per batch
  return opt;
}

void BM_IntegratedGradients(benchmark::State& state) {
  ex::set_compute_threads(static_cast<int>(state.range(2)));
  const ex::Model& m = model_for(state.range(0));
  const std::int64_t t = state.range(1);
  const torch::Tensor ids = ids_for(m, t);
  const ex::IntegratedGradientsOptions opt = ig_options(state.range(0));
  for (auto _ : state) {
    const ex::IntegratedGradientsResult r =
        ex::integrated_gradients(m, ids, t - 1, ex::TargetSpec{ex::Target::kLogProbabilityOfNext, 5}, opt);
    benchmark::DoNotOptimize(r.completeness_gap);
  }
  state.counters["explained_tokens/s"] = benchmark::Counter(1.0, benchmark::Counter::kIsIterationInvariantRate);
  // 50 points x (forward + backward) plus the two end points (forward only).
  report(state, static_cast<double>(opt.steps) * 2.0 * forward_flops(m.config, t, 1) + 2.0 * forward_flops(m.config, t, 1));
}

void BM_IgAndConductance(benchmark::State& state) {
  ex::set_compute_threads(static_cast<int>(state.range(2)));
  const ex::Model& m = model_for(state.range(0));
  const std::int64_t t = state.range(1);
  const torch::Tensor ids = ids_for(m, t);
  const ex::IntegratedGradientsOptions opt = ig_options(state.range(0));
  const std::vector<ex::Explanation> one = {ex::Explanation{ids, t - 1, ex::TargetSpec{ex::Target::kLogProbabilityOfNext, 5}}};
  for (auto _ : state) {
    const ex::IntegratedGradientsAndConductance r = ex::integrated_gradients_and_conductance(m, one, opt);
    benchmark::DoNotOptimize(r.conductance.front().attributions.data_ptr());
  }
  state.counters["explained_tokens/s"] = benchmark::Counter(1.0, benchmark::Counter::kIsIterationInvariantRate);
  report(state, static_cast<double>(opt.steps) * 2.0 * forward_flops(m.config, t, 1) + 2.0 * forward_flops(m.config, t, 1));
}

void BM_ClassifierRows(benchmark::State& state) {
  ex::set_compute_threads(static_cast<int>(state.range(2)));
  const ex::Model& m = model_for(state.range(0));
  const std::int64_t t = state.range(1);
  const bool every_row = state.range(3) == 1;
  const std::int64_t points = ig_options(state.range(0)).batch_steps;
  const torch::Tensor ids = ids_for(m, t);
  const torch::Tensor alphas = torch::linspace(0.02, 1.0, points).view({points, 1, 1});
  const torch::Tensor e = ex::embed(m, ids).detach();
  ex::ForwardOptions opt;
  opt.keep_residual = false;
  opt.keep_attention = false;
  opt.compute_logits = every_row;
  for (auto _ : state) {
    const torch::Tensor x = (alphas * e.unsqueeze(0)).detach().requires_grad_(true);  // [P, T, dim]
    const ex::ForwardResult r = ex::forward_from_embeddings(m, x, opt);
    const torch::Tensor last = every_row ? r.logits.select(1, t - 1) : ex::logits_of(m, r.final_norm.select(1, t - 1));
    const torch::Tensor f = torch::log_softmax(last, -1).select(1, 5).sum();
    const torch::Tensor g = torch::autograd::grad({f}, {x})[0];
    benchmark::DoNotOptimize(g.data_ptr());
  }
  state.counters["explained_tokens/s"] =
      benchmark::Counter(static_cast<double>(points) / 50.0, benchmark::Counter::kIsIterationInvariantRate);
  report(state, static_cast<double>(points) * 2.0 * forward_flops(m.config, t, every_row ? t : 1));
}

BENCHMARK(BM_TorchGemmPeak)->ArgName("threads")->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->MinTime(1.0)->UseRealTime();
BENCHMARK(BM_Activations)
    ->ArgNames({"model", "T", "threads"})
    ->ArgsProduct({{0, 1}, {64, 256}, {1, 2}})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_IntegratedGradients)
    ->ArgNames({"model", "T", "threads"})
    ->ArgsProduct({{0}, {64, 256}, {1, 2}})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_IntegratedGradients)
    ->ArgNames({"model", "T", "threads"})
    ->ArgsProduct({{1}, {64}, {1, 2}})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(2);
BENCHMARK(BM_ClassifierRows)
    ->ArgNames({"model", "T", "threads", "classifier"})
    ->ArgsProduct({{0, 1}, {64}, {1}, {0, 1}})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_IgAndConductance)
    ->ArgNames({"model", "T", "threads"})
    ->ArgsProduct({{0}, {64}, {1, 2}})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
