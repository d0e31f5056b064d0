// benchmarks/cli/leaderboard_args.cc: `neuroscore leaderboard`'s arguments: the help text (with the
// registered benchmarks) and the request parsed from the command line (the one flag parser, flags.hpp).
#include "benchmarks/cli/leaderboard_run.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "benchmarks/cli/flags.hpp"

namespace neuroscore::benchmarks {
namespace {

// The registered benchmarks as "name: summary" lines for --help.
std::string registered_benchmark_lines(const std::vector<BenchmarkEntry>& entries) {
  std::string out;
  for (const BenchmarkEntry& e : entries) out += "  " + e.name + ": " + e.summary + "\n";
  return out;
}

}  // namespace

std::string leaderboard_usage() {
  return R"(usage: neuroscore leaderboard [--benchmarks LIST] [--benchmark FILE] [--methods LIST] [--models LIST] [--out DIR]

Scores feature methods on brain/behaviour benchmarks and writes DIR/leaderboard.csv (tidy: one
row per method x benchmark x region x metric), DIR/leaderboard.md and DIR/report.html with SVG
figures (gnuplot). Language-model features are extracted on the fly (context 20 words, 10 lags)
and cached with every fit in DIR/.cache, keyed by a hash of inputs and options: a second run
with the same inputs is fast. Progress goes to stderr.

options:
  --benchmarks LIST  comma-separated registered benchmarks (below), default all (none with --benchmark)
  --benchmark FILE   a benchmark described by a JSON file (your own data; see benchmarks/brain/examples/
                     README.md); repeatable; check it first with `neuroscore benchmark check FILE`
  --methods LIST     families, default activations,attention,attributions,controls,model+controls;
                     attributions = grad_norm,grad_x_input (cheap); add conductance (layer
                     conductance per block, 8 Gauss-Legendre points, mean-embedding baseline) or
                     erasure (slow: ~8 min on Alice) explicitly. Attributions run on Alice; on
                     naturalstories-rt only when named explicitly (grad_norm, grad_x_input, ...).
                     Pereira is sentence-level: activations (each sentence's last word) only
  --models LIST      trained,untrained (default): stories260K and its seeded untrained twin
                     (untrained:1); any extract variant works, e.g. noise:0.5:1
  --model PATH       llama2.c checkpoint (default: DATA/models/stories260K/stories260K.bin)
  --tokenizer PATH   (default: DATA/models/stories260K/tok512.bin)
  --data DIR         data root (default: $NEUROSCORE_DATA, else ../shared/data)
  --out DIR          results directory (default: results)
  --bootstrap B      bootstrap resamples per score (default 1000)
  --no-shuffled      skip the shuffled-split control on Alice
  --no-gap-sensitivity  skip the Alice purge-gap sensitivity table (gaps 4, 10, 20 volumes)
  --filter LIST      rules added to every benchmark file of word rows (its "filter"):
                     sentence_final, first_word, punctuation; e.g. after the report warns that
                     rows are predictable from their position alone

examples:
  bazel run --config=opt //benchmarks/cli:neuroscore -- leaderboard
  bazel run --config=opt //benchmarks/cli:neuroscore -- leaderboard --benchmarks alice2016-roi --methods activations,controls --models trained --out /tmp/lb

registered benchmarks:
)" + registered_benchmark_lines(builtin_benchmarks());
}

LeaderboardRequest parse_leaderboard_args(const std::vector<std::string>& args, bool* help) {
  LeaderboardRequest r;
  const std::vector<BenchmarkEntry> entries = builtin_benchmarks();
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& flag = args[i];
    if (flag == "-h" || flag == "--help") {
      *help = true;
      return r;
    }
    if (flag == "--no-shuffled") {
      r.shuffled_control = false;
      continue;
    }
    if (flag == "--no-gap-sensitivity") {
      r.gap_sensitivity = false;
      continue;
    }
    if (flag.rfind("--", 0) != 0) throw std::invalid_argument("unexpected argument '" + flag + "' (see neuroscore leaderboard --help)");
    if (i + 1 >= args.size()) throw std::invalid_argument(flag + " needs a value (see neuroscore leaderboard --help)");
    const std::string& v = args[++i];
    if (flag == "--benchmark") {
      r.benchmark_files.push_back(v);
    } else if (flag == "--benchmarks") {
      r.benchmarks = cli::split_names(v);
      for (const auto& b : r.benchmarks) require_benchmark(entries, b);
    } else if (flag == "--methods") {
      r.methods.clear();
      for (const std::string& m : cli::split_names(v)) {
        const std::vector<MethodFamily>& all = all_method_families();
        const auto known = std::find_if(all.begin(), all.end(), [&](MethodFamily f) { return to_string(f) == m; });
        if (known == all.end()) throw std::invalid_argument("unknown method family '" + m + "' (see neuroscore leaderboard --help)");
        r.methods.push_back(*known);
      }
    } else if (flag == "--models") {
      r.models.clear();
      for (const std::string& m : cli::split_names(v)) r.models.push_back(parse_leaderboard_model(m, "--models"));
    } else if (flag == "--out") r.out_dir = v;
    else if (flag == "--data") r.data_root = v;
    else if (flag == "--model") r.model_path = v;
    else if (flag == "--tokenizer") r.tokenizer_path = v;
    else if (flag == "--filter") {
      for (const std::string& rule : cli::split_names(v)) {
        if (rule != "sentence_final" && rule != "first_word" && rule != "punctuation") {
          throw std::invalid_argument("--filter: unknown rule '" + rule + "' (known: sentence_final, first_word, punctuation)");
        }
        r.filters.push_back(rule);
      }
    } else if (flag == "--bootstrap") {
      r.bootstrap = cli::parse_positive_count(flag, v, std::numeric_limits<long long>::max());
    } else {
      throw std::invalid_argument("unknown option " + flag + " (see neuroscore leaderboard --help)");
    }
  }
  if (r.methods.empty()) throw std::invalid_argument("--methods must not be empty");
  if (r.benchmarks.empty() && r.benchmark_files.empty()) {
    for (const BenchmarkEntry& e : entries) r.benchmarks.push_back(e.name);
  }
  return r;
}

}  // namespace neuroscore::benchmarks
