// reproductions/features/extract_features.cc: the build-action tool behind lm_features(): prepares
// a dataset's stimulus (one word list, or one segment per line) from the data root and runs the
// extract pipeline (run_extract, a typed extract::FeatureRequest) into the action's output directory.
//
//   extract_features --dataset alice|pereira|naturalstories --data-hint FILE --out DIR
//                    [--model-name stories260K] [options]
//
// Options, spelled as `neuroscore extract` spells them (features.bzl passes them): --model-variant,
// --features, --context, --lags, --threads, --segment-pool, --baseline (zero | mean),
// --ig-steps, --conductance-steps. Names are matched against extract::to_string of each value.
//
// The data root is $NEUROSCORE_DATA when set, else <realpath(FILE)'s directory>/../shared/data
// (FILE is a workspace source file given to the action as an input, e.g. //:WORKSPACE, whose
// realpath leads out of the sandbox to the workspace). Stimuli:
//   alice          alice_brennan2016/words.TextGrid, tier "word", silences ("sp") dropped
//   pereira        stimuli_384sentences.txt then stimuli_243sentences.txt, one sentence per line
//                  (627 segments, Segments::kLines), words in memory
//   naturalstories processed_wordinfo.tsv rows ordered by (item, zone), one story per line
//                  (10 segments, Segments::kLines), words in memory
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <iomanip>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include "extract/feature_request.hpp"
#include "extract/run_extract.hpp"

namespace {

namespace fs = std::filesystem;

fs::path resolve_data_root(const std::string& hint) {
  if (const char* env = std::getenv("NEUROSCORE_DATA"); env != nullptr && *env != '\0') {
    if (!fs::is_directory(env)) {
      throw std::runtime_error(std::string("NEUROSCORE_DATA=") + env + " is not a directory");
    }
    return fs::path(env);
  }
  std::error_code ec;
  const fs::path real = fs::canonical(hint, ec);
  const fs::path candidate = ec ? fs::path() : real.parent_path() / ".." / "shared" / "data";
  if (!candidate.empty() && fs::is_directory(candidate, ec)) return fs::weakly_canonical(candidate);
  throw std::runtime_error(
      "no data root: NEUROSCORE_DATA is not set (bazel --define=neuroscore_data=DIR sets it for this action; "
      "tools/env.sh passes it when the data is not ../shared/data) and " +
      (candidate.empty() ? "the realpath of " + hint + " could not be resolved"
                         : candidate.string() + " (../shared/data next to the workspace of " + real.string() +
                               ") does not exist") +
      "; see third_party/data/fetch_data.sh");
}

std::vector<std::string> read_lines(const fs::path& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") != std::string::npos) lines.push_back(line);
  }
  return lines;
}

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> out;
  std::string cur;
  std::istringstream in(line);
  while (std::getline(in, cur, '\t')) out.push_back(cur);
  if (!line.empty() && line.back() == '\t') out.emplace_back();
  return out;
}

// processed_wordinfo.tsv: one line per story (item 1..10), words ordered by zone.
std::vector<std::string> naturalstories_lines(const fs::path& tsv, nlohmann::json& info) {
  std::ifstream in(tsv);
  if (!in) throw std::runtime_error("cannot read " + tsv.string());
  std::string line;
  if (!std::getline(in, line)) throw std::runtime_error(tsv.string() + ": empty");
  const std::vector<std::string> header = split_tabs(line);
  const auto col = [&](const std::string& name) {
    const auto it = std::find(header.begin(), header.end(), name);
    if (it == header.end()) throw std::runtime_error(tsv.string() + ": no column '" + name + "'");
    return static_cast<std::size_t>(it - header.begin());
  };
  const std::size_t c_word = col("word"), c_zone = col("zone"), c_item = col("item");
  std::map<std::pair<long, long>, std::string> by_key;  // (item, zone) -> word, ordered
  std::size_t row = 1;
  while (std::getline(in, line)) {
    ++row;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    const std::vector<std::string> f = split_tabs(line);
    if (f.size() <= std::max({c_word, c_zone, c_item})) {
      throw std::runtime_error(tsv.string() + ": line " + std::to_string(row) + " has " + std::to_string(f.size()) +
                               " fields");
    }
    const long item = std::stol(f[c_item]), zone = std::stol(f[c_zone]);
    const std::string& word = f[c_word];
    if (word.empty() || word.find_first_of(" \t") != std::string::npos) {
      throw std::runtime_error(tsv.string() + ": line " + std::to_string(row) + ": word '" + word +
                               "' is empty or holds whitespace");
    }
    if (!by_key.emplace(std::make_pair(item, zone), word).second) {
      throw std::runtime_error(tsv.string() + ": duplicate (item " + std::to_string(item) + ", zone " +
                               std::to_string(zone) + ") at line " + std::to_string(row));
    }
  }
  std::vector<std::string> lines;
  nlohmann::json words_per_item = nlohmann::json::object();
  long current = -1;
  for (const auto& [key, word] : by_key) {
    if (key.first != current) {
      lines.emplace_back();
      current = key.first;
    } else {
      lines.back() += ' ';
    }
    lines.back() += word;
    words_per_item[std::to_string(key.first)] = words_per_item.value(std::to_string(key.first), 0) + 1;
  }
  info["rows"] = by_key.size();
  info["order"] = "processed_wordinfo.tsv rows sorted by (item, zone); one line (segment) per item, items ascending";
  info["words_per_item"] = words_per_item;
  return lines;
}

namespace ex = neuroscore::extract;

// The value of enum E whose extract::to_string is `name`, among `values`.
template <class E>
E named(const std::string& flag, const std::string& name, const std::vector<E>& values) {
  for (const E v : values) {
    if (ex::to_string(v) == name) return v;
  }
  throw std::invalid_argument(flag + ": unknown value '" + name + "'");
}

std::int64_t whole(const std::string& flag, const std::string& value) {
  std::size_t end = 0;
  const long long v = std::stoll(value, &end);
  if (end != value.size() || v < 0) throw std::invalid_argument(flag + ": '" + value + "' is not a whole number");
  return v;
}

// The extract options features.bzl passes, into the request.
void apply_option(const std::string& flag, const std::string& value, ex::FeatureRequest& req) {
  if (flag == "--model-variant") {
    req.model_variant = ex::parse_model_variant(value, flag);
  } else if (flag == "--features") {
    req.features.clear();
    std::istringstream in(value);
    std::string name;
    while (std::getline(in, name, ',')) {
      if (name.empty()) continue;
      req.features.push_back(named(flag, name,
                                   std::vector<ex::Feature>{ex::Feature::kActivations, ex::Feature::kAttention,
                                                            ex::Feature::kGradNorm, ex::Feature::kGradXInput,
                                                            ex::Feature::kIntegratedGradients, ex::Feature::kErasure,
                                                            ex::Feature::kConductance, ex::Feature::kEntropy}));
    }
  } else if (flag == "--context") {
    req.context_words = whole(flag, value);
  } else if (flag == "--lags") {
    req.lags = whole(flag, value);
  } else if (flag == "--threads") {
    req.threads = whole(flag, value);
  } else if (flag == "--segment-pool") {
    req.segment_pool = named(flag, value,
                             std::vector<ex::SegmentPool>{ex::SegmentPool::kNone, ex::SegmentPool::kLast,
                                                          ex::SegmentPool::kMean, ex::SegmentPool::kLastToken});
  } else if (flag == "--baseline") {
    const ex::AttributionBaseline zero{ex::AttributionBaseline::Kind::kZero, 0};
    const ex::AttributionBaseline mean{ex::AttributionBaseline::Kind::kMean, 0};
    if (value == ex::to_string(zero)) req.baseline = zero;
    else if (value == ex::to_string(mean)) req.baseline = mean;
    else throw std::invalid_argument("--baseline: wants zero or mean here, got '" + value + "'");
  } else if (flag == "--ig-steps") {
    req.ig_steps = whole(flag, value);
  } else if (flag == "--conductance-steps") {
    req.conductance_steps = whole(flag, value);
  } else {
    throw std::invalid_argument("unsupported option " + flag + " (see extract_features.cc)");
  }
}

int run(const std::vector<std::string>& args) {
  std::string dataset, hint, out, model_name = "stories260K";
  std::vector<std::pair<std::string, std::string>> options;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& flag = args[i];
    const auto value = [&]() -> const std::string& {
      if (i + 1 >= args.size()) throw std::invalid_argument("missing value for " + flag);
      return args[++i];
    };
    if (flag == "--dataset") dataset = value();
    else if (flag == "--data-hint") hint = value();
    else if (flag == "--model-name") model_name = value();
    else if (flag == "--out") out = value();
    else options.emplace_back(flag, value());
  }
  if (dataset.empty() || hint.empty() || out.empty()) {
    throw std::invalid_argument("usage: extract_features --dataset D --data-hint FILE --out DIR [extract options]");
  }
  const fs::path root = resolve_data_root(hint);
  const fs::path model_dir = root / "models" / model_name;
  const std::map<std::string, std::pair<std::string, std::string>> models = {
      {"stories260K", {"stories260K.bin", "tok512.bin"}}};
  if (models.count(model_name) == 0) throw std::invalid_argument("unknown --model-name " + model_name);
  fs::create_directories(out);
  nlohmann::json info = {{"name", dataset}, {"data_root", root.string()}};
  ex::FeatureRequest req;
  req.model_path = (model_dir / models.at(model_name).first).string();
  req.tokenizer_path = (model_dir / models.at(model_name).second).string();
  req.out_dir = out;
  if (dataset == "alice") {
    const fs::path tg = root / "alice_brennan2016" / "words.TextGrid";
    req.stimulus = ex::Stimulus::file(tg.string(), ex::Segments::kNone, "word");
    info["stimulus"] = "alice_brennan2016/words.TextGrid, tier \"word\", silences dropped";
  } else if (dataset == "pereira" || dataset == "naturalstories") {
    std::vector<std::string> lines;
    if (dataset == "pereira") {
      const fs::path dir = root / "pereira2018";
      lines = read_lines(dir / "stimuli_384sentences.txt");
      const std::vector<std::string> more = read_lines(dir / "stimuli_243sentences.txt");
      info["experiment_sentences"] = {lines.size(), more.size()};
      lines.insert(lines.end(), more.begin(), more.end());
      info["stimulus"] = "pereira2018/stimuli_384sentences.txt then stimuli_243sentences.txt, one sentence per line";
    } else {
      lines = naturalstories_lines(root / "naturalstories_futrell2018" / "processed_wordinfo.tsv", info);
      info["stimulus"] = "naturalstories_futrell2018/processed_wordinfo.tsv";
    }
    info["segments"] = lines.size();
    req.stimulus = ex::Stimulus::in_memory(ex::segment_lines(lines, dataset + " sentences"));
  } else {
    throw std::invalid_argument("--dataset wants alice, pereira or naturalstories, got '" + dataset + "'");
  }
  for (const auto& [flag, value] : options) apply_option(flag, value, req);
  // Progress lines would fill the build log: the summary line only.
  const ex::ExtractSummary s = ex::run_extract(req, nullptr);
  std::cout << "extract: " << s.words << " words (" << s.tokens << " tokens, " << s.segments << " segments) in "
            << std::fixed << std::setprecision(2) << s.seconds << " s; perplexity " << std::setprecision(3)
            << s.perplexity << "; wrote " << s.files.size() << " files to " << out << "\n";
  // Record the dataset preparation next to the extract manifest.
  const fs::path manifest_path = fs::path(out) / "manifest.json";
  nlohmann::json manifest;
  {
    std::ifstream in(manifest_path);
    in >> manifest;
  }
  manifest["dataset"] = info;
  std::ofstream(manifest_path) << manifest.dump(2) << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(std::vector<std::string>(argv + 1, argv + argc));
  } catch (const std::exception& e) {
    std::cerr << "extract_features: error: " << e.what() << "\n";
    return 1;
  }
}
