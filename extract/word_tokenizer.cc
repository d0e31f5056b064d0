// extract/word_tokenizer.cc: llama2.c, SentencePiece and GPT-2 tokenizers behind one word encoder.
#include "extract/word_tokenizer.hpp"

#include <cctype>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <utility>

#include "extract/gpt2_tokenizer.hpp"
#include "extract/llama2c_tokenizer.hpp"
#include "extract/sentencepiece_model.hpp"
#include "extract/sha256.hpp"

namespace neuroscore::extract {
namespace {

namespace fs = std::filesystem;

std::string lower_extension(const fs::path& p) {
  std::string ext = p.extension().string();
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext;
}

WordTokenizer gpt2_word_tokenizer(Gpt2Tokenizer tok, const std::string& source) {
  WordTokenizer t;
  const auto eot = tok.encoder.find("<|endoftext|>");
  t.bos = eot != tok.encoder.end() ? eot->second : -1;
  t.kind = "GPT-2 byte-level BPE (" + source + "); a word is encoded as \" word\" (leading space) except the first "
           "word of a segment; " +
           (t.bos >= 0 ? "<|endoftext|> (id " + std::to_string(t.bos) + ") starts every window"
                       : std::string("no <|endoftext|> in the vocabulary: windows start without BOS and their first "
                                     "token is not scored"));
  auto shared = std::make_shared<Gpt2Tokenizer>(std::move(tok));
  t.encode_word = [shared](const std::string& w, bool first) { return encode(*shared, first ? w : " " + w); };
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
    t.kind = "SentencePiece BPE .model (read by sentencepiece_model.hpp); each word encoded alone with the dummy "
             "prefix, i.e. \"\u2581word\" as in running text; " +
             (t.bos >= 0 ? "BOS id " + std::to_string(t.bos) + " starts every window" : std::string("no BOS"));
    t.encode_word = [sp](const std::string& w, bool) { return encode_word(*sp, w); };
    return t;
  }
  auto tok = std::make_shared<Llama2cTokenizer>(
      load_llama2c_tokenizer(path, static_cast<std::int32_t>(model_vocab)));
  t.bos = Llama2cTokenizer::kBos;
  t.kind = "llama2.c tokenizer.bin; each word encoded alone with run.c's \" \" prefix; BOS 1 starts every window";
  t.encode_word = [tok](const std::string& w, bool) { return encode(*tok, w, EncodeOptions{false, false}); };
  return t;
}

}  // namespace neuroscore::extract
