// libFuzzer entry point for neuroscore::extract::parse_llama2c_tokenizer and run.c's encode/decode
// (replayed in tests by //tests/io/fuzz:replay_main.cc). A vocabulary that holds the 256 byte
// tokens at ids 3..258 must decode what it encodes, byte for byte.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "extract/llama2c_tokenizer.hpp"
#include "tests/testing/fuzz_target.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace neuroscore::extract;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  neuroscore::fuzz::run_accepting_documented_errors([&] {
    const Llama2cTokenizer t = parse_llama2c_tokenizer(bytes, std::nullopt, "fuzz");
    if (t.vocab_size() > 2000) return;  // encode is quadratic; keep each input fast
    // Text from the input's tail, so mutations reach the encoder too.
    const std::string text(bytes.substr(size > 24 ? size - 24 : 0));
    const std::vector<std::int32_t> ids = encode(t, text);
    for (const std::int32_t id : ids) neuroscore::fuzz::require(id >= 0 && id < t.vocab_size(), "ids in range");
    const std::string back = decode(t, ids);
    bool byte_tokens = t.vocab_size() >= 259 && t.find(" ").has_value();
    for (int b = 0; byte_tokens && b < 256; ++b) {
      static const char* hex = "0123456789ABCDEF";
      const std::string piece = std::string("<0x") + hex[b / 16] + hex[b % 16] + ">";
      byte_tokens = t.pieces[static_cast<std::size_t>(b + 3)] == piece;
    }
    // Round trip holds when pieces are C strings (run.c merges with sprintf), BOS stayed unmerged,
    // and the text has no '<' (a merged piece could then read as a <0xXX> byte token).
    if (byte_tokens && !ids.empty() && ids[0] == Llama2cTokenizer::kBos && text.find('<') == std::string::npos &&
        text.find('\0') == std::string::npos) {
      bool plain = true;
      for (const std::string& p : t.pieces) plain = plain && p.find('\0') == std::string::npos;
      if (plain) neuroscore::fuzz::require(back == text, "decode(encode(text)) == text");
    }
  });
  return 0;
}
