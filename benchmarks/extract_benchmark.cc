// benchmarks/extract_benchmark.cc: tokens per second of the extract features (issue 5's
// performance figure). Build and run optimized (never part of `bazel test`):
//   NEUROSCORE_DATA=/work/shared/data bazel run --config=opt //benchmarks:extract_benchmark
//
// Models: stories260K (the trained llama2.c checkpoint; needs the data root) and a random
// GPT-2-small-shaped model (12 layers, 768 wide, 12 heads, vocab 50257; untrained_twin seed 0),
// float32. Arguments: model (0 = stories260K, 1 = GPT-2 small), context tokens T, libtorch threads.
//   BM_Activations: one forward of T tokens keeping every residual and attention tensor;
//                   tokens/s = T per iteration.
//   BM_IntegratedGradients: IG (50 Gauss-Legendre steps, zero baseline) of the prediction at the
//                   last of T tokens; the extract pipeline runs one such explanation per word,
//                   so explained_tokens/s is the pipeline's rate for that context length.
#include <benchmark/benchmark.h>
#include <torch/torch.h>

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

void BM_Activations(benchmark::State& state) {
  torch::set_num_threads(static_cast<int>(state.range(2)));
  const ex::Model& m = model_for(state.range(0));
  const torch::Tensor ids = ids_for(m, state.range(1));
  torch::NoGradGuard no_grad;
  for (auto _ : state) {
    ex::ForwardResult r = ex::forward(m, ids);
    benchmark::DoNotOptimize(r.logits.data_ptr());
  }
  state.counters["tokens/s"] =
      benchmark::Counter(static_cast<double>(state.range(1)), benchmark::Counter::kIsIterationInvariantRate);
}

void BM_IntegratedGradients(benchmark::State& state) {
  torch::set_num_threads(static_cast<int>(state.range(2)));
  const ex::Model& m = model_for(state.range(0));
  const std::int64_t t = state.range(1);
  const torch::Tensor ids = ids_for(m, t);
  ex::IntegratedGradientsOptions opt;
  opt.batch_steps = state.range(0) == 0 ? 50 : 10;  // GPT-2: [10, T, 50257] logits per batch
  for (auto _ : state) {
    const ex::IntegratedGradientsResult r =
        ex::integrated_gradients(m, ids, t - 1, ex::TargetSpec{ex::Target::kLogProbabilityOfNext, 5}, opt);
    benchmark::DoNotOptimize(r.completeness_gap);
  }
  state.counters["explained_tokens/s"] = benchmark::Counter(1.0, benchmark::Counter::kIsIterationInvariantRate);
}

BENCHMARK(BM_Activations)
    ->ArgNames({"model", "T", "threads"})
    ->ArgsProduct({{0}, {64, 256}, {1, 2}})
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Activations)
    ->ArgNames({"model", "T", "threads"})
    ->ArgsProduct({{1}, {64, 256}, {1, 2}})
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_IntegratedGradients)
    ->ArgNames({"model", "T", "threads"})
    ->ArgsProduct({{0}, {64, 256}, {1, 2}})
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_IntegratedGradients)
    ->ArgNames({"model", "T", "threads"})
    ->ArgsProduct({{1}, {64}, {1, 2}})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);

}  // namespace
