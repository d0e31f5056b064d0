// extract/word_features.hpp: word-level features of a stimulus (activations per layer, attention
// to the previous K words, "words x K" attribution matrices) with sub-word pooling and bounded
// context windows. Main entry points: make_windows, extract_word_features.
#pragma once

#include <Eigen/Dense>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "extract/attribution.hpp"
#include "extract/model.hpp"

namespace neuroscore::extract {

// How the sub-word tokens of a word are pooled into one value (per dimension for activations).
enum class Pooling {
  kLast,    // the last sub-word (default for activations: it has seen the whole word)
  kFirst,
  kMean,
  kSum,     // default for attributions (Rahimi et al. 2025 sum token attributions to words)
  kAbsMax,  // the entry with the largest absolute value, sign kept
};

// A context window: words [first_word, end_word) are fed (after BOS); the features of words
// [assigned_begin, assigned_end) are read from it. Every word is assigned to exactly one window.
struct Window {
  std::int64_t first_word = 0;
  std::int64_t end_word = 0;
  std::int64_t assigned_begin = 0;
  std::int64_t assigned_end = 0;
};

// Windows over words with `token_counts[w]` sub-word tokens and at most `max_tokens` tokens per
// window (the model's max_seq_len minus the BOS token).
//  * context_words > 0: one window per word w with words max(0, w - N)..w, dropping the oldest
//    words while the tokens do not fit: each word sees up to N preceding words (Mischler M3).
//  * context_words == 0 ("all that fit"): sliding windows, each as long as fits; the next window
//    starts `stride_words` words later (0: half the previous window, at least 1, moved further
//    when needed so that the next word fits) and is assigned the words the previous one did not
//    cover, so each word after the first window sees at least about half a window of context.
// Segments: with `segment_of` non-empty (one entry per word, non-decreasing; e.g. the line of a
// sentence or story), windows never cross a segment boundary: the rules above are applied to each
// segment's words alone, so the first word of a segment has no context but BOS.
// Throws std::invalid_argument when one word alone has more than max_tokens tokens, or when
// segment_of has the wrong length or decreases.
std::vector<Window> make_windows(const std::vector<std::int64_t>& token_counts, std::int64_t max_tokens,
                                 std::int64_t context_words, std::int64_t stride_words,
                                 const std::vector<std::int64_t>& segment_of = {});

struct FeatureSet {
  bool activations = true;
  bool attention = false;
  bool grad_norm = false;
  bool grad_x_input = false;
  bool integrated_gradients = false;
  bool erasure = false;
  bool conductance = false;
  bool entropy = false;  // WordFeatures::entropy (from the logits of the forward surprisal uses)
  bool any_attribution() const {
    return grad_norm || grad_x_input || integrated_gradients || erasure || conductance;
  }
};

struct WordFeatureOptions {
  FeatureSet features;
  std::int64_t context_words = 0;  // 0: all that fit in max_seq_len
  std::int64_t stride_words = 0;   // sliding-window stride when context_words == 0; 0: half a window
  std::int64_t lags = 10;          // K of attention and "words x K" attributions (Rahimi et al.)
  Pooling activation_pooling = Pooling::kLast;
  Pooling attribution_pooling = Pooling::kSum;
  Target target = Target::kLogProbabilityOfNext;
  IntegratedGradientsOptions integrated_gradients;  // also used by conductance
  // Conductance's n_steps (as Captum's; it uses n_steps + 1 quadrature points); -1: the same as
  // integrated_gradients.steps. Set to integrated_gradients.steps - 1, IG and conductance share
  // their points and come from one pass (integrated_gradients_and_conductance): half the cost.
  std::int64_t conductance_steps = -1;
  // Gradient, integrated-gradient and conductance attributions of several words go through one
  // batched pass (attribution.hpp): words are added while explanations x interpolation points
  // per forward (integrated_gradients.batch_steps) x longest context x model width stays within
  // this many elements (a word alone may exceed it), and at most 64 words. Measured on stories260K (2 cores): no faster than one word at a time for IG and
  // conductance (compute-bound; large batches fall out of cache and were 1.7x slower at 2^21),
  // so the default 2^16 batches only explanations that are cheap on their own (gradients).
  std::int64_t attribution_batch_elements = std::int64_t{1} << 16;
  ErasureOptions erasure;
  // Erasure of a whole word at once (every sub-word removed together, erase_spans) instead of
  // pooling single-token erasures; the erasure.mode is then ignored.
  bool erase_whole_words = false;
  std::int64_t bos = 1;  // prepended to every window; -1 for none
  // Segment index per word (non-decreasing), or empty for one segment: context windows and
  // attribution targets stay within a segment (the last word of a segment has no next word).
  std::vector<std::int64_t> segment_of;
  // Per word, how many of its leading sub-word tokens are pooled into its activation rows; 0 (or an
  // empty vector) means all of them. `neuroscore extract --segment-pool` uses it to leave a
  // sentence's final punctuation out of its last word ("ran." pooled at " ran", not at "."): the
  // model still reads the punctuation, which a causal model's earlier positions never see anyway.
  // Attributions and attention are not affected. Throws std::invalid_argument for a wrong length
  // or a count above the word's tokens.
  std::vector<std::int64_t> activation_tokens;
  // Called after each window with (words done, words in total).
  std::function<void(std::int64_t, std::int64_t)> progress;
};

using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// Features of W words. Column k of a "words x K" matrix is lag k: word w - k (lag 0 is the word
// itself); lags before the window's first word are 0. Attributions explain the prediction of word
// w + 1 (its first sub-word token, or the argmax) made at the last sub-word of word w; the last word
// has no next word and its attribution rows are 0 (unless the target is an argmax). Token
// attributions are pooled to words with attribution_pooling; for erasure this means the token
// erasures of a word's sub-words are pooled (each sub-word removed alone), not the whole word
// removed at once (identical for single-token words).
struct WordFeatures {
  std::vector<std::string> layer_names;        // "embedding", "block_0", ..., "block_{L-1}"
  std::vector<RowMatrix> activations;          // per layer name: [W, dim]
  std::vector<RowMatrix> attention;            // per block: [W, K] head average, word = sum of its tokens
  std::vector<RowMatrix> attention_per_head;   // per block: [W, n_heads * K], head-major
  RowMatrix grad_norm, grad_x_input, grad_x_input_l2, integrated_gradients, erasure;  // [W, K]
  std::vector<RowMatrix> conductance;          // per block: [W, K]
  Eigen::VectorXd ig_target_value, ig_baseline_value, ig_completeness_gap;  // [W] (NaN where none)
  std::vector<std::int64_t> context_words;     // [W] preceding words in the window of each word
  std::vector<Window> windows;
  // Language-model scores under exactly the windows used: every token of word w is predicted, in
  // the window w is assigned to, from the positions before it (BOS included, so a window's first
  // token is scored; with bos = -1 a window's first token has no prediction and is not scored).
  //   surprisal[w] = sum over scored tokens t of word w of -ln p(t | window prefix)   (nats)
  //   scored_tokens[w] = how many of word w's tokens were scored.
  // Always computed (one extra no-grad forward per window when neither activations nor attention
  // is asked for).
  Eigen::VectorXd surprisal;                   // [W]
  //   entropy[w] = -sum_v p(v | prefix) ln p(v | prefix) (nats) for the prediction of word w's first
  //   token, made at the position before it in w's window: the model's uncertainty before it reads
  //   the word. NaN when that token is not scored (a window's first token without BOS). Computed
  //   when FeatureSet::entropy is set (0 x 0 otherwise).
  Eigen::VectorXd entropy;                     // [W]
  std::vector<std::int64_t> scored_tokens;     // [W]
};

// Perplexity summary of WordFeatures::surprisal: nll_per_token = sum(surprisal) / tokens_scored,
// perplexity = exp(nll_per_token).
struct PerplexitySummary {
  double nll_per_token = 0.0;
  double perplexity = 0.0;
  std::int64_t tokens_scored = 0;
};
PerplexitySummary perplexity_of(const WordFeatures& features);

// `word_tokens[w]` are the sub-word token ids of word w (each non-empty). Throws
// std::invalid_argument on an empty word or an id outside the vocabulary.
WordFeatures extract_word_features(const Model& model, const std::vector<std::vector<std::int32_t>>& word_tokens,
                                   const WordFeatureOptions& options);

// Pools `values` [n] (a word's token entries) to one number.
double pool_scalar(const std::vector<double>& values, Pooling pooling);

}  // namespace neuroscore::extract
