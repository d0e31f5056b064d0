#include "extract/model_config.hpp"

#include <stdexcept>
#include <string>

namespace neuroscore::extract {

namespace {

void require_positive(std::int64_t value, const char* field, const std::string& source) {
  if (value <= 0) {
    throw std::invalid_argument(source + ": model config field " + field + " must be positive, got " +
                                std::to_string(value));
  }
}

}  // namespace

const char* family_name(Family family) { return family == Family::kLlama ? "llama" : "gpt2"; }

void validate(const ModelConfig& c, const std::string& source) {
  require_positive(c.dim, "dim", source);
  require_positive(c.hidden_dim, "hidden_dim", source);
  require_positive(c.n_layers, "n_layers", source);
  require_positive(c.n_heads, "n_heads", source);
  require_positive(c.n_kv_heads, "n_kv_heads", source);
  require_positive(c.vocab_size, "vocab_size", source);
  require_positive(c.max_seq_len, "max_seq_len", source);
  if (c.dim % c.n_heads != 0) {
    throw std::invalid_argument(source + ": dim " + std::to_string(c.dim) + " is not divisible by n_heads " +
                                std::to_string(c.n_heads));
  }
  if (c.n_heads % c.n_kv_heads != 0) {
    throw std::invalid_argument(source + ": n_heads " + std::to_string(c.n_heads) +
                                " is not divisible by n_kv_heads " + std::to_string(c.n_kv_heads));
  }
  if (c.family == Family::kLlama && c.head_size() % 2 != 0) {
    throw std::invalid_argument(source + ": rotary embeddings need an even head size, got " +
                                std::to_string(c.head_size()));
  }
  if (c.family == Family::kGpt2 && c.n_kv_heads != c.n_heads) {
    throw std::invalid_argument(source + ": GPT-2 has n_kv_heads == n_heads, got " + std::to_string(c.n_kv_heads) +
                                " and " + std::to_string(c.n_heads));
  }
  if (!(c.norm_eps > 0.0)) throw std::invalid_argument(source + ": norm_eps must be positive");
}

}  // namespace neuroscore::extract
