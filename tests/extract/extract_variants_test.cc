// extract additions: segments (windows never cross a line), perplexity under the windows used,
// model variants (untrained twin, noisy copy), tokenizer families, words in memory. The flags of
// `neuroscore extract` are tested in tests/benchmarks/extract_args_test.cc.
#include <gtest/gtest.h>
#include <torch/types.h>
#include <torch/utils.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <vector>

#include "extract/feature_request.hpp"
#include "extract/gpt2_tokenizer.hpp"
#include "extract/loaders.hpp"
#include "extract/run_extract.hpp"
#include "extract/stimulus_files.hpp"
#include "extract/word_features.hpp"
#include "neuroscore/io/npy.hpp"
#include "tests/testing/data.hpp"

namespace neuroscore::extract {
namespace {

namespace fs = std::filesystem;

ModelConfig tiny(Family family = Family::kLlama, std::int64_t vocab = 40) {
  ModelConfig c;
  c.family = family;
  c.dim = 16;
  c.hidden_dim = family == Family::kGpt2 ? 64 : 32;
  c.n_layers = 2;
  c.n_heads = 2;
  c.n_kv_heads = 2;
  c.vocab_size = vocab;
  c.max_seq_len = 64;
  c.initializer_range = 0.2;
  return c;
}

// -ln p(ids[t] | ids[0..t-1]) for t = 1..T-1 from one forward pass.
std::vector<double> token_nll(const Model& model, const std::vector<std::int64_t>& ids) {
  torch::NoGradGuard no_grad;
  const ForwardResult r = forward(model, torch::tensor(ids));
  const torch::Tensor lp = torch::log_softmax(r.logits.to(torch::kFloat64), -1);
  std::vector<double> out(ids.size(), 0.0);
  for (std::size_t t = 1; t < ids.size(); ++t) {
    out[t] = -lp[static_cast<std::int64_t>(t - 1)][ids[t]].item<double>();
  }
  return out;
}

TEST(Windows, SegmentsAreNeverCrossed) {
  const std::vector<std::int64_t> counts = {1, 2, 1, 3, 1, 1};
  const std::vector<std::int64_t> seg = {0, 0, 1, 1, 1, 4};
  // All that fit: one window per segment.
  const std::vector<Window> all = make_windows(counts, 50, 0, 0, seg);
  ASSERT_EQ(all.size(), 3U);
  EXPECT_EQ(all[0].first_word, 0);
  EXPECT_EQ(all[0].end_word, 2);
  EXPECT_EQ(all[1].first_word, 2);
  EXPECT_EQ(all[1].end_word, 5);
  EXPECT_EQ(all[1].assigned_begin, 2);
  EXPECT_EQ(all[2].first_word, 5);
  // Context N: a segment's first word starts its own window.
  const std::vector<Window> ctx = make_windows(counts, 50, 3, 0, seg);
  ASSERT_EQ(ctx.size(), 6U);
  EXPECT_EQ(ctx[1].first_word, 0);
  EXPECT_EQ(ctx[2].first_word, 2);
  EXPECT_EQ(ctx[4].first_word, 2);
  EXPECT_EQ(ctx[5].first_word, 5);
  // Without segments, the same words share windows.
  EXPECT_EQ(make_windows(counts, 50, 3, 0)[2].first_word, 0);
  EXPECT_THROW(make_windows(counts, 50, 0, 0, {0, 0, 1}), std::invalid_argument);
  EXPECT_THROW(make_windows(counts, 50, 0, 0, {0, 1, 1, 0, 2, 2}), std::invalid_argument);
}

// surprisal[w] = sum of -ln p over word w's tokens, each predicted in its own window from BOS on.
TEST(Perplexity, SurprisalIsTheTokenNllUnderTheWindowsUsed) {
  const Model model = to_dtype(untrained_twin(tiny(), 3), torch::kFloat64);
  const std::vector<std::vector<std::int32_t>> words = {{5, 6}, {7}, {8, 9, 10}, {11}};
  WordFeatureOptions opt;  // one window: BOS 5 6 7 8 9 10 11
  const WordFeatures f = extract_word_features(model, words, opt);
  const std::vector<double> nll = token_nll(model, {1, 5, 6, 7, 8, 9, 10, 11});
  EXPECT_NEAR(f.surprisal[0], nll[1] + nll[2], 1e-10);
  EXPECT_NEAR(f.surprisal[1], nll[3], 1e-10);
  EXPECT_NEAR(f.surprisal[2], nll[4] + nll[5] + nll[6], 1e-10);
  EXPECT_NEAR(f.surprisal[3], nll[7], 1e-10);
  const PerplexitySummary p = perplexity_of(f);
  EXPECT_EQ(p.tokens_scored, 7);
  double total = 0.0;
  for (double x : nll) total += x;
  EXPECT_NEAR(p.nll_per_token, total / 7.0, 1e-12);
  EXPECT_NEAR(p.perplexity, std::exp(total / 7.0), 1e-9);

  // Context 1: word 2 is read after BOS and word 1 only.
  opt.context_words = 1;
  const WordFeatures c1 = extract_word_features(model, words, opt);
  const std::vector<double> nll2 = token_nll(model, {1, 7, 8, 9, 10});
  EXPECT_NEAR(c1.surprisal[2], nll2[2] + nll2[3] + nll2[4], 1e-10);

  // Without BOS a window's first token has nothing to be predicted from: not scored.
  opt.context_words = 0;
  opt.bos = -1;
  const WordFeatures nb = extract_word_features(model, words, opt);
  EXPECT_EQ(nb.scored_tokens[0], 1);
  EXPECT_EQ(perplexity_of(nb).tokens_scored, 6);
}

// entropy[w] = -sum_v p ln p of the distribution that predicts word w's first token (computed here
// from one forward pass, independently of the pipeline's windows and gathers).
TEST(Perplexity, EntropyIsThatOfThePredictionOfTheWordsFirstToken) {
  const Model model = to_dtype(untrained_twin(tiny(), 3), torch::kFloat64);
  const std::vector<std::vector<std::int32_t>> words = {{5, 6}, {7}, {8, 9, 10}, {11}};
  WordFeatureOptions opt;  // one window: BOS 5 6 7 8 9 10 11
  opt.features.entropy = true;
  const WordFeatures f = extract_word_features(model, words, opt);
  std::vector<double> h;
  {
    torch::NoGradGuard no_grad;
    const ForwardResult r = forward(model, torch::tensor(std::vector<std::int64_t>{1, 5, 6, 7, 8, 9, 10, 11}));
    const torch::Tensor lp = torch::log_softmax(r.logits.to(torch::kFloat64), -1);
    for (std::int64_t t = 0; t < lp.size(0); ++t) {
      double e = 0.0;
      for (std::int64_t v = 0; v < lp.size(1); ++v) {
        const double l = lp[t][v].item<double>();
        e -= std::exp(l) * l;
      }
      h.push_back(e);
    }
  }
  ASSERT_EQ(f.entropy.size(), 4);
  EXPECT_NEAR(f.entropy[0], h[0], 1e-10);  // token 5 at position 1, predicted at 0 (BOS)
  EXPECT_NEAR(f.entropy[1], h[2], 1e-10);  // token 7 at position 3
  EXPECT_NEAR(f.entropy[2], h[3], 1e-10);  // token 8 at position 4: its first sub-word only
  EXPECT_NEAR(f.entropy[3], h[6], 1e-10);
  const double uniform = std::log(static_cast<double>(tiny().vocab_size));
  for (Eigen::Index w = 0; w < 4; ++w) {
    EXPECT_GT(f.entropy[w], 0.0);
    EXPECT_LE(f.entropy[w], uniform + 1e-12);  // at most ln V
  }
  // Without BOS the first word's first token is not predicted: no entropy.
  opt.bos = -1;
  EXPECT_TRUE(std::isnan(extract_word_features(model, words, opt).entropy[0]));
  // Not asked for: not computed.
  opt.features.entropy = false;
  EXPECT_EQ(extract_word_features(model, words, opt).entropy.size(), 0);
}

TEST(Segments, WordFeaturesStayInsideTheirSegment) {
  const Model model = to_dtype(untrained_twin(tiny(), 4), torch::kFloat64);
  const std::vector<std::vector<std::int32_t>> words = {{5, 6}, {7}, {8, 9}, {10}};
  WordFeatureOptions opt;
  opt.features.grad_norm = true;
  opt.lags = 2;
  opt.segment_of = {0, 0, 1, 1};
  const WordFeatures f = extract_word_features(model, words, opt);
  ASSERT_EQ(f.windows.size(), 2U);
  // Word 2 opens segment 1: read from BOS 8 9, as if segment 0 did not exist.
  const std::vector<double> nll = token_nll(model, {1, 8, 9, 10});
  EXPECT_NEAR(f.surprisal[2], nll[1] + nll[2], 1e-10);
  EXPECT_NEAR(f.surprisal[3], nll[3], 1e-10);
  EXPECT_EQ(f.context_words[2], 0);
  EXPECT_EQ(f.context_words[3], 1);
  {
    torch::NoGradGuard no_grad;
    const ForwardResult r = forward(model, torch::tensor(std::vector<std::int64_t>{1, 8, 9, 10}));
    EXPECT_NEAR(f.activations[2](3, 0), r.residual[1][3][0].item<double>(), 1e-12);
  }
  // Word 1 closes segment 0: no next word to explain (zero row); word 0 explains word 1.
  EXPECT_EQ(f.grad_norm.row(1).norm(), 0.0);
  EXPECT_GT(f.grad_norm.row(0).norm(), 0.0);
  EXPECT_EQ(f.grad_norm.row(3).norm(), 0.0);
  EXPECT_GT(f.grad_norm.row(2).norm(), 0.0);
}

TEST(Erasure, FirstPositionSkipsEarlierTokens) {
  const Model model = to_dtype(untrained_twin(tiny(), 8), torch::kFloat64);
  const torch::Tensor ids = torch::tensor(std::vector<std::int64_t>{1, 5, 6, 7, 8});
  const ErasureResult all = erasure(model, ids, 3, TargetSpec{Target::kLogProbabilityOfNext, 8});
  ErasureOptions o;
  o.first_position = 2;
  const ErasureResult part = erasure(model, ids, 3, TargetSpec{Target::kLogProbabilityOfNext, 8}, o);
  EXPECT_TRUE(std::isnan(part.attributions[0].item<double>()));
  EXPECT_TRUE(std::isnan(part.attributions[1].item<double>()));
  EXPECT_DOUBLE_EQ(part.attributions[2].item<double>(), all.attributions[2].item<double>());
  EXPECT_DOUBLE_EQ(part.attributions[3].item<double>(), all.attributions[3].item<double>());
}

// --erasure remove-word: all sub-words of a lag word removed at once.
TEST(Erasure, WholeWordRemovalMatchesAManualForward) {
  const Model model = to_dtype(untrained_twin(tiny(), 9), torch::kFloat64);
  const std::vector<std::vector<std::int32_t>> words = {{5, 6}, {7, 8, 9}, {10}, {11}};
  WordFeatureOptions opt;
  opt.features.activations = false;
  opt.features.erasure = true;
  opt.erase_whole_words = true;
  opt.lags = 3;
  const WordFeatures f = extract_word_features(model, words, opt);
  // Word 2 (token 10 at position 6) predicts word 3 (token 11). Window ids: 1 5 6 7 8 9 10.
  const auto logprob_last = [&](const std::vector<std::int64_t>& ids) {
    torch::NoGradGuard no_grad;
    const ForwardResult r = forward(model, torch::tensor(ids));
    return torch::log_softmax(r.logits[static_cast<std::int64_t>(ids.size()) - 1], -1)[11].item<double>();
  };
  const double fx = logprob_last({1, 5, 6, 7, 8, 9, 10});
  EXPECT_NEAR(f.erasure(2, 0), fx - logprob_last({1, 5, 6, 7, 8, 9}), 1e-10);  // the word itself
  EXPECT_NEAR(f.erasure(2, 1), fx - logprob_last({1, 5, 6, 10}), 1e-10);       // word 1, 3 tokens at once
  EXPECT_NEAR(f.erasure(2, 2), fx - logprob_last({1, 7, 8, 9, 10}), 1e-10);    // word 0
  // A single-token span is the token erasure.
  const torch::Tensor ids = torch::tensor(std::vector<std::int64_t>{1, 5, 6, 7, 8, 9, 10});
  const ErasureResult tok = erasure(model, ids, 6, TargetSpec{Target::kLogProbabilityOfNext, 11});
  const ErasureResult span = erase_spans(model, ids, 6, {TokenSpan{3, 4}}, TargetSpec{Target::kLogProbabilityOfNext, 11});
  EXPECT_NEAR(span.attributions[0].item<double>(), tok.attributions[3].item<double>(), 1e-12);
  EXPECT_THROW(erase_spans(model, ids, 6, {TokenSpan{3, 9}}), std::invalid_argument);
}

TEST(NoisyCopy, RelativeSdPerTensorTiedStaysTiedSeeded) {
  ModelConfig c = tiny(Family::kLlama, 200);
  c.dim = 64;
  c.hidden_dim = 128;
  const Model m = untrained_twin(c, 1);
  const Model zero = noisy_copy(m, 0.0, 7);
  EXPECT_TRUE(torch::equal(zero.layers[1].w1, m.layers[1].w1));
  EXPECT_TRUE(torch::equal(zero.token_embedding, m.token_embedding));
  const Model n = noisy_copy(m, 0.5, 7);
  // w1 is [128, 64]: 8192 draws, so the sd of the noise is 0.5 sd(w1) within a few percent
  // (the sd of a sample sd is about sd / sqrt(2 n) = 0.8%; 3% is ~4 of those).
  const double sd = m.layers[1].w1.std(false).item<double>();
  const double noise_sd = (n.layers[1].w1 - m.layers[1].w1).std(false).item<double>();
  EXPECT_NEAR(noise_sd / sd, 0.5, 0.03 * 0.5);
  // Norm gains of an untrained twin are all 1: sd 0, left unchanged.
  EXPECT_TRUE(torch::equal(n.layers[0].attn_norm_weight, m.layers[0].attn_norm_weight));
  ASSERT_TRUE(c.tied_classifier);
  EXPECT_TRUE(torch::equal(n.classifier, n.token_embedding));
  EXPECT_FALSE(torch::equal(n.token_embedding, m.token_embedding));
  EXPECT_TRUE(torch::equal(noisy_copy(m, 0.5, 7).layers[0].wq, n.layers[0].wq));
  EXPECT_FALSE(torch::equal(noisy_copy(m, 0.5, 8).layers[0].wq, n.layers[0].wq));
  EXPECT_THROW(noisy_copy(m, -0.1, 7), std::invalid_argument);
}

TEST(StimulusLines, OneSegmentPerLine) {
  const fs::path dir = neuroscore::testing::scratch_dir("stimulus_lines");
  std::ofstream(dir / "ok.txt") << "The cat sat.\nA dog  ran away\n\n";
  const SegmentedWords s = read_stimulus_lines((dir / "ok.txt").string());
  EXPECT_EQ(s.segments, 2);
  EXPECT_EQ(s.words, (std::vector<std::string>{"The", "cat", "sat.", "A", "dog", "ran", "away"}));
  EXPECT_EQ(s.segment_of, (std::vector<std::int64_t>{0, 0, 0, 1, 1, 1, 1}));
  std::ofstream(dir / "blank.txt") << "one\n\ntwo\n";
  EXPECT_THROW(read_stimulus_lines((dir / "blank.txt").string()), std::runtime_error);
}

TEST(StimulusLines, InMemoryLinesAreTheFileLines) {
  const SegmentedWords s = segment_lines({"The cat sat.", "A dog  ran away"}, "test");
  EXPECT_EQ(s.segments, 2);
  EXPECT_EQ(s.words, (std::vector<std::string>{"The", "cat", "sat.", "A", "dog", "ran", "away"}));
  EXPECT_EQ(s.segment_of, (std::vector<std::int64_t>{0, 0, 0, 1, 1, 1, 1}));
  EXPECT_THROW(segment_lines({"one", " ", "two"}, "test"), std::runtime_error);
  // Words in memory are checked: one segment_of entry per word, from 0, none skipped.
  SegmentedWords bad = s;
  bad.segment_of.back() = 3;
  EXPECT_THROW(stimulus_words(Stimulus::in_memory(bad)), std::invalid_argument);
  bad.segment_of.pop_back();
  EXPECT_THROW(stimulus_words(Stimulus::in_memory(bad)), std::invalid_argument);
  EXPECT_EQ(stimulus_words(Stimulus::in_memory(s)).segment_of, s.segment_of);
  EXPECT_EQ(stimulus_words(Stimulus::in_memory(s.words)).segments, 1);
}

// GPT-2 family end to end: a byte-level vocabulary with one merge ("Ġ" + "a"), a tiny GPT-2 written
// with save_hf. A word is " word" except the first word of a segment.
TEST(ExtractCommand, Gpt2TokenizerWordConvention) {
  const fs::path dir = neuroscore::testing::scratch_dir("gpt2_cli");
  nlohmann::json vocab = nlohmann::json::object();
  const std::vector<std::string>& sym = gpt2_byte_symbols();
  for (int b = 0; b < 256; ++b) vocab[sym[static_cast<std::size_t>(b)]] = b;
  vocab["<|endoftext|>"] = 256;
  vocab[sym[' '] + "a"] = 257;
  std::ofstream(dir / "vocab.json") << vocab.dump();
  std::ofstream(dir / "merges.txt") << "#version: 0.2\n" << sym[' '] << " a\n";
  save_hf(untrained_twin(tiny(Family::kGpt2, 258), 2), (dir / "model").string());
  std::ofstream(dir / "s.txt") << "a a b\na a\n";
  FeatureRequest req;
  req.model_path = (dir / "model").string();
  req.tokenizer_path = dir.string();
  req.stimulus = Stimulus::file((dir / "s.txt").string(), Segments::kLines);
  req.out_dir = (dir / "out").string();
  req.segment_pool = SegmentPool::kLast;
  const ExtractSummary s = run_extract(req, nullptr);
  EXPECT_EQ(s.words, 5);
  EXPECT_EQ(s.segments, 2);
  const nlohmann::json m = nlohmann::json::parse(std::ifstream(dir / "out" / "manifest.json"));
  const auto toks = m["word_tokens"].get<std::vector<std::vector<int>>>();
  EXPECT_EQ(toks, (std::vector<std::vector<int>>{{'a'}, {257}, {' ', 'b'}, {'a'}, {257}}));
  EXPECT_EQ(m["tokenizer"]["bos"].get<int>(), 256);
  EXPECT_EQ(m["perplexity"]["tokens_scored"].get<int>(), 6);
  const Eigen::MatrixXd pooled = io::read_npy_matrix(dir / "out" / "segment_activations_block_1.npy");
  const Eigen::MatrixXd words = io::read_npy_matrix(dir / "out" / "activations_block_1.npy");
  ASSERT_EQ(pooled.rows(), 2);
  EXPECT_EQ((pooled.row(0) - words.row(2)).cwiseAbs().maxCoeff(), 0.0);
  EXPECT_EQ((pooled.row(1) - words.row(4)).cwiseAbs().maxCoeff(), 0.0);
  // Identical segments give identical rows: context never crosses the line. The two segments
  // have different lengths, so their GEMMs have different shapes and may sum in another order
  // (OpenBLAS picks kernels and thread splits by shape and load): float32 rounding, measured
  // 3.3e-7 once in a CI run, so the bound is 1e-6 of max(1, max |row|), as padding_test's. Context
  // leaking across the line would move the rows by O(0.1) or more.
  const auto expect_same_row = [&](Eigen::Index a, Eigen::Index b) {
    const double scale = std::max(1.0, words.row(b).cwiseAbs().maxCoeff());
    EXPECT_LE((words.row(a) - words.row(b)).cwiseAbs().maxCoeff(), 1e-6 * scale) << "words " << a << " and " << b;
  };
  expect_same_row(3, 0);
  expect_same_row(4, 1);
  const Eigen::MatrixXd seg = io::read_npy_matrix(dir / "out" / "segment.npy");
  EXPECT_EQ(seg(2, 0), 0.0);
  EXPECT_EQ(seg(3, 0), 1.0);
  // The same words in memory: the same arrays, bit for bit, and the same words and tokens.
  req.stimulus = Stimulus::in_memory(segment_lines({"a a b", "a a"}, "memory"));
  req.out_dir = (dir / "memory").string();
  const ExtractSummary mem = run_extract(req, nullptr);
  EXPECT_EQ(mem.files, s.files);
  for (const std::string& file : s.files) {
    if (file == "manifest.json") continue;
    const Eigen::MatrixXd a = io::read_npy_matrix(dir / "memory" / file), b = io::read_npy_matrix(dir / "out" / file);
    ASSERT_EQ(a.rows(), b.rows()) << file;
    ASSERT_EQ(a.cols(), b.cols()) << file;
    EXPECT_TRUE(((a.array() == b.array()) || (a.array().isNaN() && b.array().isNaN())).all()) << file;
  }
  const nlohmann::json mm = nlohmann::json::parse(std::ifstream(dir / "memory" / "manifest.json"));
  EXPECT_EQ(mm["words"], m["words"]);
  EXPECT_EQ(mm["word_tokens"], m["word_tokens"]);
  EXPECT_EQ(mm["options"], m["options"]);
  EXPECT_EQ(mm["stimulus"]["path"], "(in memory)");
}

// Sentence pooling and final punctuation (issue 12.4), on the real stories260K tokenizer, float64.
// last-token reads each sentence at its "." token, so every sentence's embedding-layer row is the
// same vector (Pereira's embedding layer scored exactly 0). last and mean leave the period out of
// the pooling while the model still reads it: a causal model's earlier positions never see the
// period, so they equal last-token and mean on the same text with the periods removed.
TEST(ExtractCommand, SentencePoolingLeavesTheFinalPunctuationOut) {
  NEUROSCORE_DATA_ROOT_OR_SKIP(root);
  const fs::path model = root / "models" / "stories260K";
  const fs::path dir = neuroscore::testing::scratch_dir("sentence_pool");
  std::ofstream(dir / "with.txt") << "Lily saw a big ball.\nThe dog ran home!\nShe was happy .\n";
  std::ofstream(dir / "without.txt") << "Lily saw a big ball\nThe dog ran home\nShe was happy\n";
  FeatureRequest req;
  req.model_path = (model / "stories260K.bin").string();
  req.tokenizer_path = (model / "tok512.bin").string();
  req.dtype = Precision::kFloat64;
  const auto pooled = [&](const std::string& stimulus, SegmentPool pool, const std::string& layer) {
    req.stimulus = Stimulus::file((dir / stimulus).string(), Segments::kLines);
    req.segment_pool = pool;
    req.out_dir = (dir / (stimulus + "_" + to_string(pool))).string();
    run_extract(req, nullptr);
    return io::read_npy_matrix(fs::path(req.out_dir) / ("segment_activations_" + layer + ".npy"));
  };
  const Eigen::MatrixXd old_rows = pooled("with.txt", SegmentPool::kLastToken, "embedding");
  ASSERT_EQ(old_rows.rows(), 3);
  EXPECT_EQ((old_rows.row(0) - old_rows.row(2)).cwiseAbs().maxCoeff(), 0.0) << "both end in the '.' token";
  const Eigen::MatrixXd last = pooled("with.txt", SegmentPool::kLast, "embedding");
  EXPECT_GT((last.row(0) - last.row(2)).cwiseAbs().maxCoeff(), 0.1);
  for (const std::string layer : {"embedding", "block_2", "block_4"}) {
    const Eigen::MatrixXd got_last = pooled("with.txt", SegmentPool::kLast, layer);
    const Eigen::MatrixXd want_last = pooled("without.txt", SegmentPool::kLastToken, layer);
    EXPECT_LT((got_last - want_last).cwiseAbs().maxCoeff(), 1e-12) << layer;
    const Eigen::MatrixXd got_mean = pooled("with.txt", SegmentPool::kMean, layer);
    const Eigen::MatrixXd want_mean = pooled("without.txt", SegmentPool::kMean, layer);
    EXPECT_LT((got_mean - want_mean).cwiseAbs().maxCoeff(), 1e-12) << layer;
  }
  // The manifest says what was done: two periods/exclamation marks left out of a word, one
  // punctuation-only word skipped, none merged into a word token by this tokenizer.
  const nlohmann::json m = nlohmann::json::parse(std::ifstream(dir / "with.txt_mean" / "manifest.json"));
  EXPECT_EQ(m["stimulus"]["final_punctuation"]["left_out_of_last_word"].get<int>(), 2);
  EXPECT_EQ(m["stimulus"]["final_punctuation"]["punctuation_only_last_words"].get<int>(), 1);
  EXPECT_EQ(m["stimulus"]["final_punctuation"]["merged_into_a_word_token"].get<int>(), 0);
  // A segment pool over activations that were not asked for is refused ("--segment-pool first",
  // an unknown pool, is refused by the command line: tests/benchmarks/extract_args_test.cc).
  req.features = {Feature::kAttention};
  EXPECT_THROW(run_extract(req, nullptr), std::invalid_argument);
}

TEST(ExtractCommand, Stories260kVariantsAndPerplexity) {
  NEUROSCORE_DATA_ROOT_OR_SKIP(root);
  const fs::path model = root / "models" / "stories260K";
  const fs::path dir = neuroscore::testing::scratch_dir("variants");
  std::ofstream(dir / "s.txt") << "Once upon a time, there was a little girl named Lily.\nShe loved to play outside.\n";
  FeatureRequest req;
  req.model_path = (model / "stories260K.bin").string();
  req.tokenizer_path = (model / "tok512.bin").string();
  req.stimulus = Stimulus::file((dir / "s.txt").string());
  const auto run = [&](const ModelVariant& variant, const std::string& out) {
    req.model_variant = variant;
    req.out_dir = (dir / out).string();
    return run_extract(req, nullptr);
  };
  const ExtractSummary trained = run(ModelVariant::trained(), "t");
  const ExtractSummary zero = run(ModelVariant::noise(0.0, 1), "n0");
  const ExtractSummary noisy = run(ModelVariant::noise(0.1, 1), "n1");
  const ExtractSummary untrained = run(ModelVariant::untrained(1), "u");
  // TinyStories text under a TinyStories model: a few nats per token at most.
  EXPECT_LT(trained.perplexity, 20.0);
  EXPECT_EQ(zero.perplexity, trained.perplexity);
  EXPECT_GT(noisy.perplexity, trained.perplexity);
  // The untrained twin (initializer sd 0.02) predicts nearly uniformly over 512 tokens (heavy noise,
  // e.g. 0.5, is worse than that: a damaged trained model is confidently wrong).
  EXPECT_NEAR(std::log(untrained.perplexity), std::log(512.0), 0.2);
  EXPECT_EQ(trained.tokens_scored, trained.tokens);
  const nlohmann::json m = nlohmann::json::parse(std::ifstream(dir / "n1" / "manifest.json"));
  EXPECT_EQ(m["model_variant"]["kind"], "noise");
  EXPECT_EQ(m["model_variant"]["rel_sd"].get<double>(), 0.1);
  EXPECT_NEAR(m["perplexity"]["perplexity"].get<double>(), noisy.perplexity, 1e-9);
  EXPECT_EQ(m["model_variant"]["spec"], "noise:0.1:1");
  // "noise:x:1" is refused by the command line (tests/benchmarks/extract_args_test.cc).
  req.model_variant = ModelVariant::trained();
  req.segment_pool = SegmentPool::kLast;  // without --segments lines
  EXPECT_THROW(run_extract(req, nullptr), std::invalid_argument);
}

}  // namespace
}  // namespace neuroscore::extract
