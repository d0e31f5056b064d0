#include "extract/gpt2_tokenizer.hpp"

#include <pcre2.h>

#include <nlohmann/json.hpp>

#include <fstream>
#include <iterator>
#include <limits>
#include <memory>
#include <stdexcept>

namespace neuroscore::extract {

namespace {

using nlohmann::json;

constexpr const char* kGpt2Pattern =
    R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";

std::string utf8(std::uint32_t cp) {
  std::string out;
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
  return out;
}

struct CodeDeleter {
  void operator()(pcre2_code* c) const { pcre2_code_free(c); }
};

const pcre2_code* gpt2_regex() {
  static const std::unique_ptr<pcre2_code, CodeDeleter> code = [] {
    int error = 0;
    PCRE2_SIZE offset = 0;
    pcre2_code* c = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(kGpt2Pattern), PCRE2_ZERO_TERMINATED,
                                  PCRE2_UTF | PCRE2_UCP, &error, &offset, nullptr);
    if (c == nullptr) throw std::logic_error("GPT-2 pre-tokenizer pattern failed to compile");
    return std::unique_ptr<pcre2_code, CodeDeleter>(c);
  }();
  return code.get();
}

std::string read_file(const std::string& path, const char* what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": cannot open " + what);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void fill_vocab(Gpt2Tokenizer& t, const json& vocab, const std::string& source) {
  if (!vocab.is_object()) throw std::runtime_error(source + ": vocabulary is not a JSON object");
  for (auto it = vocab.begin(); it != vocab.end(); ++it) {
    if (!it.value().is_number_integer() || it.value().get<std::int64_t>() < 0 ||
        it.value().get<std::int64_t>() > std::numeric_limits<std::int32_t>::max() / 2) {
      throw std::runtime_error(source + ": vocabulary entry \"" + it.key() + "\" has no valid id");
    }
    const auto id = static_cast<std::int32_t>(it.value().get<std::int64_t>());
    t.encoder[it.key()] = id;
    if (static_cast<std::size_t>(id) >= t.decoder.size()) {
      if (id > 50'000'000) throw std::runtime_error(source + ": vocabulary id " + std::to_string(id) + " too large");
      t.decoder.resize(static_cast<std::size_t>(id) + 1);
    }
    t.decoder[static_cast<std::size_t>(id)] = it.key();
  }
}

void add_merge(Gpt2Tokenizer& t, const std::string& left, const std::string& right, const std::string& source,
               std::size_t line) {
  if (left.empty() || right.empty()) {
    throw std::runtime_error(source + ": merge " + std::to_string(line) + " is not two symbols");
  }
  t.ranks.emplace(left + " " + right, static_cast<std::int32_t>(t.ranks.size()));
}

}  // namespace

const std::vector<std::string>& gpt2_byte_symbols() {
  static const std::vector<std::string> table = [] {
    std::vector<std::string> out(256);
    std::uint32_t next = 256;
    for (std::uint32_t b = 0; b < 256; ++b) {
      const bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
      out[b] = utf8(printable ? b : next++);
    }
    return out;
  }();
  return table;
}

std::vector<std::string> pretokenize(std::string_view text) {
  const pcre2_code* re = gpt2_regex();
  std::unique_ptr<pcre2_match_data, void (*)(pcre2_match_data*)> match(
      pcre2_match_data_create_from_pattern(re, nullptr), pcre2_match_data_free);
  std::vector<std::string> out;
  PCRE2_SIZE start = 0;
  std::uint32_t options = 0;
  while (start < text.size()) {
    const int rc = pcre2_match(re, reinterpret_cast<PCRE2_SPTR>(text.data()), text.size(), start, options,
                               match.get(), nullptr);
    options = PCRE2_NO_UTF_CHECK;  // the whole subject was checked on the first call
    if (rc <= PCRE2_ERROR_UTF8_ERR1 && rc >= PCRE2_ERROR_UTF8_ERR21) {
      throw std::invalid_argument("GPT-2 tokenizer: text is not valid UTF-8 near byte " +
                                  std::to_string(pcre2_get_startchar(match.get())));
    }
    if (rc < 0) break;  // no further match: the pattern's \s+ / symbol classes cover everything
    const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(match.get());
    if (ov[1] == ov[0]) break;
    out.emplace_back(text.substr(ov[0], ov[1] - ov[0]));
    start = ov[1];
  }
  return out;
}

Gpt2Tokenizer parse_gpt2_tokenizer(std::string_view vocab_json, std::string_view merges_txt, const std::string& source) {
  const json vocab = json::parse(vocab_json.begin(), vocab_json.end(), nullptr, false);
  if (vocab.is_discarded()) throw std::runtime_error(source + ": vocab.json is not valid JSON");
  Gpt2Tokenizer t;
  fill_vocab(t, vocab, source);
  std::size_t line_no = 0, at = 0;
  while (at < merges_txt.size()) {
    std::size_t end = merges_txt.find('\n', at);
    if (end == std::string_view::npos) end = merges_txt.size();
    std::string_view line = merges_txt.substr(at, end - at);
    at = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || (line_no == 1 && line.substr(0, 9) == "#version:")) continue;
    const std::size_t space = line.find(' ');
    if (space == std::string_view::npos || line.find(' ', space + 1) != std::string_view::npos) {
      throw std::runtime_error(source + ": merges line " + std::to_string(line_no) + " is not \"left right\"");
    }
    add_merge(t, std::string(line.substr(0, space)), std::string(line.substr(space + 1)), source, line_no);
  }
  return t;
}

Gpt2Tokenizer load_gpt2_tokenizer(const std::string& vocab_json_path, const std::string& merges_txt_path) {
  return parse_gpt2_tokenizer(read_file(vocab_json_path, "vocab.json"), read_file(merges_txt_path, "merges.txt"),
                              vocab_json_path + " + " + merges_txt_path);
}

Gpt2Tokenizer parse_gpt2_tokenizer_json(std::string_view text, const std::string& source) {
  const json j = json::parse(text.begin(), text.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) throw std::runtime_error(source + ": tokenizer.json is not a JSON object");
  const auto model = j.find("model");
  if (model == j.end() || !model->is_object()) throw std::runtime_error(source + ": tokenizer.json has no model");
  const auto type = model->find("type");
  if (type != model->end() && !(type->is_string() && type->get<std::string>() == "BPE")) {
    throw std::runtime_error(source + ": tokenizer.json model type is not BPE");
  }
  const auto vocab = model->find("vocab");
  const auto merges = model->find("merges");
  if (vocab == model->end() || merges == model->end() || !merges->is_array()) {
    throw std::runtime_error(source + ": tokenizer.json model needs vocab and merges");
  }
  Gpt2Tokenizer t;
  fill_vocab(t, *vocab, source);
  std::size_t i = 0;
  for (const json& m : *merges) {
    ++i;
    if (m.is_string()) {
      const std::string s = m.get<std::string>();
      const std::size_t space = s.find(' ');
      if (space == std::string::npos || s.find(' ', space + 1) != std::string::npos) {
        throw std::runtime_error(source + ": merge " + std::to_string(i) + " is not \"left right\"");
      }
      add_merge(t, s.substr(0, space), s.substr(space + 1), source, i);
    } else if (m.is_array() && m.size() == 2 && m[0].is_string() && m[1].is_string()) {
      add_merge(t, m[0].get<std::string>(), m[1].get<std::string>(), source, i);
    } else {
      throw std::runtime_error(source + ": merge " + std::to_string(i) + " is neither \"a b\" nor [\"a\", \"b\"]");
    }
  }
  return t;
}

Gpt2Tokenizer load_gpt2_tokenizer_json(const std::string& path) {
  return parse_gpt2_tokenizer_json(read_file(path, "tokenizer.json"), path);
}

std::vector<std::int32_t> encode(const Gpt2Tokenizer& t, std::string_view text) {
  const std::vector<std::string>& bytes = gpt2_byte_symbols();
  std::vector<std::int32_t> ids;
  for (const std::string& word : pretokenize(text)) {
    std::vector<std::string> symbols;
    for (const char c : word) symbols.push_back(bytes[static_cast<unsigned char>(c)]);
    // encoder.py bpe(): merge the lowest-ranked pair, all its occurrences, until none is ranked.
    while (symbols.size() > 1) {
      std::int32_t best = std::numeric_limits<std::int32_t>::max();
      std::size_t best_i = 0;
      for (std::size_t i = 0; i + 1 < symbols.size(); ++i) {
        const auto it = t.ranks.find(symbols[i] + " " + symbols[i + 1]);
        if (it != t.ranks.end() && it->second < best) {
          best = it->second;
          best_i = i;
        }
      }
      if (best == std::numeric_limits<std::int32_t>::max()) break;
      const std::string left = symbols[best_i], right = symbols[best_i + 1];
      std::vector<std::string> merged;
      for (std::size_t i = 0; i < symbols.size();) {
        if (i + 1 < symbols.size() && symbols[i] == left && symbols[i + 1] == right) {
          merged.push_back(left + right);
          i += 2;
        } else {
          merged.push_back(symbols[i]);
          ++i;
        }
      }
      symbols = std::move(merged);
    }
    for (const std::string& s : symbols) {
      const auto it = t.encoder.find(s);
      if (it == t.encoder.end()) {
        throw std::runtime_error("GPT-2 tokenizer: symbol \"" + s + "\" of \"" + word + "\" is not in the vocabulary");
      }
      ids.push_back(it->second);
    }
  }
  return ids;
}

std::string decode(const Gpt2Tokenizer& t, const std::vector<std::int32_t>& ids) {
  static const std::unordered_map<std::string, char> back = [] {
    std::unordered_map<std::string, char> m;
    const std::vector<std::string>& table = gpt2_byte_symbols();
    for (int b = 0; b < 256; ++b) m[table[static_cast<std::size_t>(b)]] = static_cast<char>(b);
    return m;
  }();
  std::string out;
  for (const std::int32_t id : ids) {
    if (id < 0 || static_cast<std::size_t>(id) >= t.decoder.size() || t.decoder[static_cast<std::size_t>(id)].empty()) {
      throw std::out_of_range("GPT-2 tokenizer: token id " + std::to_string(id) + " is not in the vocabulary");
    }
    const std::string& s = t.decoder[static_cast<std::size_t>(id)];
    // Split the symbol string into UTF-8 code points; each is one byte's stand-in.
    for (std::size_t i = 0; i < s.size();) {
      const auto c = static_cast<unsigned char>(s[i]);
      const std::size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
      const auto it = back.find(s.substr(i, n));
      if (it == back.end()) {
        out += s.substr(i, n);  // not a byte stand-in (e.g. an added token): keep as text
      } else {
        out.push_back(it->second);
      }
      i += n;
    }
  }
  return out;
}

}  // namespace neuroscore::extract
