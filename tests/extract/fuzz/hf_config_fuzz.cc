// libFuzzer entry point for the JSON side files of Hugging Face checkpoints: config.json
// (parse_hf_config) and model.safetensors.index.json (parse_safetensors_index), replayed in tests.
// An accepted config is formatted and must parse back to the same sizes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "extract/hf_config.hpp"
#include "extract/safetensors.hpp"
#include "tests/testing/fuzz_target.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace neuroscore::extract;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  neuroscore::fuzz::run_accepting_documented_errors([&] { parse_safetensors_index(text, "fuzz-index"); });
  neuroscore::fuzz::run_accepting_documented_errors([&] {
    const ModelConfig c = parse_hf_config(text, "fuzz");
    const ModelConfig back = parse_hf_config(format_hf_config(c), "fuzz-again");
    neuroscore::fuzz::require(back.family == c.family && back.dim == c.dim && back.hidden_dim == c.hidden_dim &&
                                  back.n_layers == c.n_layers && back.n_heads == c.n_heads &&
                                  back.n_kv_heads == c.n_kv_heads && back.vocab_size == c.vocab_size &&
                                  back.max_seq_len == c.max_seq_len && back.tied_classifier == c.tied_classifier,
                              "config round trip keeps the architecture");
  });
  return 0;
}
