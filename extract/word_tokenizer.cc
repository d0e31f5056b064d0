// extract/word_tokenizer.cc: llama2.c, SentencePiece and GPT-2 tokenizers behind one word encoder.
#include "extract/word_tokenizer.hpp"

#include <cctype>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string_view>
#include <utility>

#include "extract/gpt2_tokenizer.hpp"
#include "extract/llama2c_tokenizer.hpp"
#include "extract/sentencepiece_model.hpp"
#include "extract/sha256.hpp"
#include "extract/word_alignment.hpp"

namespace neuroscore::extract {
namespace {

namespace fs = std::filesystem;

std::string lower_extension(const fs::path& p) {
  std::string ext = p.extension().string();
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext;
}

// The ids of a single-spaced text as the concatenation of each word's ids, `encode_one(word)`: the
// whole-text encoding of tokenizers whose merges never cross a space (SentencePiece splits at
// whitespace; llama2.c vocabularies without a piece spanning one).
template <class EncodeOne>
std::vector<std::int32_t> ids_word_by_word(std::string_view text, EncodeOne&& encode_one) {
  std::vector<std::int32_t> ids;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find(' ', start);
    if (end == std::string_view::npos) end = text.size();
    if (end > start) {
      const std::vector<std::int32_t> w = encode_one(text.substr(start, end - start));
      ids.insert(ids.end(), w.begin(), w.end());
    }
    start = end + 1;
  }
  return ids;
}

WordTokenizer gpt2_word_tokenizer(Gpt2Tokenizer tok, const std::string& source) {
  WordTokenizer t;
  const auto eot = tok.encoder.find("<|endoftext|>");
  t.bos = eot != tok.encoder.end() ? eot->second : -1;
  t.kind = "GPT-2 byte-level BPE (" + source + "); each segment's words joined by single spaces and encoded whole, "
           "tokens assigned to words by extract/word_alignment.hpp (a word's leading space is its own); " +
           (t.bos >= 0 ? "<|endoftext|> (id " + std::to_string(t.bos) + ") starts every window"
                       : std::string("no <|endoftext|> in the vocabulary: windows start without BOS and their first "
                                     "token is not scored"));
  auto shared = std::make_shared<Gpt2Tokenizer>(std::move(tok));
  t.encode_word = [shared](const std::string& w, bool first) { return encode(*shared, first ? w : " " + w); };
  t.encode_text = [shared](const std::string& text) { return encode(*shared, text); };
  t.token_bytes = [shared](const std::vector<std::int32_t>& ids) { return gpt2_token_bytes(*shared, ids); };
  t.prefix = "";
  return t;
}

}  // namespace

WordTokenizer load_word_tokenizer(const std::string& path, std::int64_t model_vocab) {
  if (!fs::exists(path)) throw std::runtime_error("tokenizer not found: " + path);
  WordTokenizer t;
  const std::string ext = lower_extension(path);
  if (fs::is_directory(path)) {
    const fs::path dir(path), json = dir / "tokenizer.json", vocab = dir / "vocab.json", merges = dir / "merges.txt";
    if (fs::exists(json)) {
      t = gpt2_word_tokenizer(load_gpt2_tokenizer_json(json.string()), "tokenizer.json");
      t.files[fs::absolute(json).string()] = sha256_file_hex(json.string());
    } else if (fs::exists(vocab) && fs::exists(merges)) {
      t = gpt2_word_tokenizer(load_gpt2_tokenizer(vocab.string(), merges.string()), "vocab.json + merges.txt");
      t.files[fs::absolute(vocab).string()] = sha256_file_hex(vocab.string());
      t.files[fs::absolute(merges).string()] = sha256_file_hex(merges.string());
    } else {
      throw std::runtime_error("tokenizer directory " + path + " holds neither tokenizer.json nor vocab.json + merges.txt");
    }
    return t;
  }
  t.files[fs::absolute(path).string()] = sha256_file_hex(path);
  if (ext == ".json") {
    WordTokenizer g = gpt2_word_tokenizer(load_gpt2_tokenizer_json(path), "tokenizer.json");
    g.files = t.files;
    return g;
  }
  if (ext == ".model") {
    // Read without libsentencepiece (its bundled protobuf clashes with libtorch's; see
    // sentencepiece_model.hpp); BPE models only.
    auto sp = std::make_shared<SentencePieceModel>(load_sentencepiece_model(path));
    if (sp->model_type != 2) {
      throw std::invalid_argument("--tokenizer " + path + ": SentencePiece model type " +
                                  std::to_string(sp->model_type) + " is not BPE; only BPE models are supported");
    }
    t.bos = sp->bos_id;
    t.kind = "SentencePiece BPE .model (read by sentencepiece_model.hpp); each segment's words joined by single spaces, "
             "encoded as SentencePiece splits running text (\"\u2581word\" per word), tokens assigned to words by "
             "extract/word_alignment.hpp; " +
             (t.bos >= 0 ? "BOS id " + std::to_string(t.bos) + " starts every window" : std::string("no BOS"));
    t.encode_word = [sp](const std::string& w, bool) { return encode_word(*sp, w); };
    // SentencePiece splits running text at whitespace before its merges (each piece of a word
    // starts a new "\u2581word"), so a text's ids are its words' ids in order.
    t.encode_text = [sp](const std::string& text) {
      return ids_word_by_word(text, [&](std::string_view w) { return encode_word(*sp, w); });
    };
    t.token_bytes = [sp](const std::vector<std::int32_t>& ids) { return llama2c_token_bytes(sp->vocabulary, ids); };
    t.prefix = " ";
    return t;
  }
  auto tok = std::make_shared<Llama2cTokenizer>(
      load_llama2c_tokenizer(path, static_cast<std::int32_t>(model_vocab)));
  t.bos = Llama2cTokenizer::kBos;
  // run.c's encode merges the best-scoring pair anywhere in the text, which takes time quadratic in
  // the text's length (minutes for a story). When no piece holds a space after another byte, no
  // merge can join two words of a single-spaced text, so the merges of each word are those of the
  // word alone: encoding " word" by " word" gives the same ids, in linear time.
  bool merges_stay_in_words = true;
  for (const std::string& p : tok->pieces) {
    for (std::size_t i = 1; i < p.size() && merges_stay_in_words; ++i) {
      if (p[i] == ' ' && p[i - 1] != ' ') merges_stay_in_words = false;
    }
  }
  t.kind = std::string("llama2.c tokenizer.bin; each segment's words joined by single spaces and encoded as run.c encodes the "
                       "whole text (its \" \" dummy prefix first") +
           (merges_stay_in_words ? "; no piece spans a space, so word by word, which gives the same ids" : "") +
           "), tokens assigned to words by extract/word_alignment.hpp; BOS 1 starts every window";
  t.encode_word = [tok](const std::string& w, bool) { return encode(*tok, w, EncodeOptions{false, false}); };
  t.encode_text = [tok, merges_stay_in_words](const std::string& text) {
    if (!merges_stay_in_words) return encode(*tok, text, EncodeOptions{false, false});
    return ids_word_by_word(text, [&](std::string_view w) { return encode(*tok, w, EncodeOptions{false, false}); });
  };
  t.token_bytes = [tok](const std::vector<std::int32_t>& ids) { return llama2c_token_bytes(*tok, ids); };
  t.prefix = " ";
  return t;
}

std::vector<std::vector<std::int32_t>> encode_words_in_context(const WordTokenizer& tokenizer, const std::vector<std::string>& words,
                                                                const std::vector<std::int64_t>& segment_of) {
  std::vector<std::vector<std::int32_t>> out;
  out.reserve(words.size());
  std::size_t start = 0;
  while (start < words.size()) {
    std::size_t end = start + 1;
    while (end < words.size() && segment_of[end] == segment_of[start]) ++end;
    const std::vector<std::string> segment(words.begin() + static_cast<std::ptrdiff_t>(start), words.begin() + static_cast<std::ptrdiff_t>(end));
    try {
      const TextOfWords text = join_words(segment);
      const std::vector<std::int32_t> ids = tokenizer.encode_text(text.text);
      const WordAlignment a = align_tokens_to_words(text, tokenizer.token_bytes(ids), tokenizer.prefix);
      for (std::size_t w = 0; w < segment.size(); ++w) {
        out.emplace_back(ids.begin() + a.first_token[w], ids.begin() + a.end_token[w]);
      }
    } catch (const std::exception& e) {
      throw std::invalid_argument("the words of segment " + std::to_string(segment_of[start]) + " (words " + std::to_string(start) + ".." +
                                  std::to_string(end - 1) + ", 0-based; word indices below count from the segment's first): " + e.what());
    }
    start = end;
  }
  return out;
}

}  // namespace neuroscore::extract
