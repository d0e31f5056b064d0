// libFuzzer entry point for GPT-2's pre-tokenizer and byte-level BPE (replayed in tests). The
// input is text: pre-tokens must concatenate back to it, and a tokenizer that holds every byte
// stand-in must decode what it encodes. Invalid UTF-8 must be rejected with std::invalid_argument.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "extract/gpt2_tokenizer.hpp"
#include "tests/testing/fuzz_target.hpp"

namespace {

const neuroscore::extract::Gpt2Tokenizer& tokenizer() {
  static const neuroscore::extract::Gpt2Tokenizer t = [] {
    const std::vector<std::string>& bytes = neuroscore::extract::gpt2_byte_symbols();
    std::string vocab = "{";
    for (int b = 0; b < 256; ++b) {
      std::string symbol;
      for (const char c : bytes[static_cast<std::size_t>(b)]) {
        if (c == '"' || c == '\\') symbol.push_back('\\');
        symbol.push_back(c);
      }
      vocab += (b ? ",\"" : "\"") + symbol + "\":" + std::to_string(b);
    }
    vocab += ",\"\xC4\xA0t\":256,\"he\":257,\"\xC4\xA0the\":258,\"in\":259}";
    return neuroscore::extract::parse_gpt2_tokenizer(vocab, "\xC4\xA0 t\nh e\n\xC4\xA0t he\ni n\n", "fuzz");
  }();
  return t;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace neuroscore::extract;
  const std::string text(reinterpret_cast<const char*>(data), size);
  neuroscore::fuzz::run_accepting_documented_errors([&] {
    std::string joined;
    for (const std::string& piece : pretokenize(text)) {
      neuroscore::fuzz::require(!piece.empty(), "pre-tokens are not empty");
      joined += piece;
    }
    neuroscore::fuzz::require(joined == text, "pre-tokens concatenate to the text");
    neuroscore::fuzz::require(decode(tokenizer(), encode(tokenizer(), text)) == text, "decode(encode(text)) == text");
  });
  return 0;
}
