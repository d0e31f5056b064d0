#include "extract/hf_config.hpp"

#include <nlohmann/json.hpp>

#include <stdexcept>
#include <string>

namespace neuroscore::extract {

namespace {

using nlohmann::json;

std::int64_t get_int(const json& j, const char* key, const std::string& source) {
  const auto it = j.find(key);
  if (it == j.end() || !it->is_number_integer()) {
    throw std::runtime_error(source + ": config.json needs an integer \"" + key + "\"");
  }
  return it->get<std::int64_t>();
}

std::int64_t get_int_or(const json& j, const char* key, std::int64_t fallback, const std::string& source) {
  const auto it = j.find(key);
  if (it == j.end() || it->is_null()) return fallback;
  return get_int(j, key, source);
}

double get_double_or(const json& j, const char* key, double fallback, const std::string& source) {
  const auto it = j.find(key);
  if (it == j.end() || it->is_null()) return fallback;
  if (!it->is_number()) throw std::runtime_error(source + ": config.json field \"" + key + "\" must be a number");
  return it->get<double>();
}

bool get_bool_or(const json& j, const char* key, bool fallback, const std::string& source) {
  const auto it = j.find(key);
  if (it == j.end() || it->is_null()) return fallback;
  if (!it->is_boolean()) throw std::runtime_error(source + ": config.json field \"" + key + "\" must be a boolean");
  return it->get<bool>();
}

void expect_string_or_absent(const json& j, const char* key, const std::string& allowed, const std::string& source) {
  const auto it = j.find(key);
  if (it == j.end() || it->is_null()) return;
  if (!it->is_string() || it->get<std::string>() != allowed) {
    throw std::runtime_error(source + ": config.json field \"" + key + "\" is " + it->dump() + ", only \"" + allowed +
                             "\" is supported");
  }
}

}  // namespace

ModelConfig parse_hf_config(std::string_view text, const std::string& source) {
  const json j = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) throw std::runtime_error(source + ": config.json is not a JSON object");
  const auto type = j.find("model_type");
  if (type == j.end() || !type->is_string()) {
    throw std::runtime_error(source + ": config.json needs a string \"model_type\"");
  }
  ModelConfig c;
  const std::string model_type = type->get<std::string>();
  if (model_type == "llama") {
    c.family = Family::kLlama;
    c.dim = get_int(j, "hidden_size", source);
    c.hidden_dim = get_int(j, "intermediate_size", source);
    c.n_layers = get_int(j, "num_hidden_layers", source);
    c.n_heads = get_int(j, "num_attention_heads", source);
    c.n_kv_heads = get_int_or(j, "num_key_value_heads", c.n_heads, source);
    c.vocab_size = get_int(j, "vocab_size", source);
    c.max_seq_len = get_int(j, "max_position_embeddings", source);
    c.norm_eps = get_double_or(j, "rms_norm_eps", 1e-6, source);
    c.rope_theta = get_double_or(j, "rope_theta", 10000.0, source);
    c.rope_layout = RopeLayout::kHalves;
    if (c.n_heads > 0 && get_int_or(j, "head_dim", c.dim / c.n_heads, source) * c.n_heads != c.dim) {
      throw std::runtime_error(source + ": config.json head_dim * num_attention_heads != hidden_size is not supported");
    }
    c.tied_classifier = get_bool_or(j, "tie_word_embeddings", false, source);
    c.initializer_range = get_double_or(j, "initializer_range", 0.02, source);
    expect_string_or_absent(j, "hidden_act", "silu", source);
    if (j.contains("rope_scaling") && !j["rope_scaling"].is_null()) {
      throw std::runtime_error(source + ": config.json rope_scaling is not supported");
    }
    if (get_bool_or(j, "attention_bias", false, source) || get_bool_or(j, "mlp_bias", false, source)) {
      throw std::runtime_error(source + ": config.json attention_bias / mlp_bias are not supported");
    }
  } else if (model_type == "gpt2") {
    c.family = Family::kGpt2;
    c.dim = get_int(j, "n_embd", source);
    c.hidden_dim = get_int_or(j, "n_inner", 4 * c.dim, source);
    c.n_layers = get_int(j, "n_layer", source);
    c.n_heads = get_int(j, "n_head", source);
    c.n_kv_heads = c.n_heads;
    c.vocab_size = get_int(j, "vocab_size", source);
    c.max_seq_len = get_int(j, "n_positions", source);
    c.norm_eps = get_double_or(j, "layer_norm_epsilon", 1e-5, source);
    c.tied_classifier = get_bool_or(j, "tie_word_embeddings", true, source);
    c.initializer_range = get_double_or(j, "initializer_range", 0.02, source);
    expect_string_or_absent(j, "activation_function", "gelu_new", source);
    if (get_bool_or(j, "scale_attn_by_inverse_layer_idx", false, source) ||
        get_bool_or(j, "reorder_and_upcast_attn", false, source) || !get_bool_or(j, "scale_attn_weights", true, source)) {
      throw std::runtime_error(source + ": config.json attention scaling variants are not supported");
    }
  } else {
    throw std::runtime_error(source + ": config.json model_type \"" + model_type +
                             "\" is not supported (llama or gpt2)");
  }
  try {
    validate(c, source);
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error(e.what());
  }
  return c;
}

std::string format_hf_config(const ModelConfig& c) {
  json j;
  if (c.family == Family::kLlama) {
    j["model_type"] = "llama";
    j["architectures"] = {"LlamaForCausalLM"};
    j["hidden_size"] = c.dim;
    j["intermediate_size"] = c.hidden_dim;
    j["num_hidden_layers"] = c.n_layers;
    j["num_attention_heads"] = c.n_heads;
    j["num_key_value_heads"] = c.n_kv_heads;
    j["vocab_size"] = c.vocab_size;
    j["max_position_embeddings"] = c.max_seq_len;
    j["rms_norm_eps"] = c.norm_eps;
    j["rope_theta"] = c.rope_theta;
    j["hidden_act"] = "silu";
    j["tie_word_embeddings"] = c.tied_classifier;
    j["initializer_range"] = c.initializer_range;
  } else {
    j["model_type"] = "gpt2";
    j["architectures"] = {"GPT2LMHeadModel"};
    j["n_embd"] = c.dim;
    j["n_inner"] = c.hidden_dim;
    j["n_layer"] = c.n_layers;
    j["n_head"] = c.n_heads;
    j["vocab_size"] = c.vocab_size;
    j["n_positions"] = c.max_seq_len;
    j["n_ctx"] = c.max_seq_len;
    j["layer_norm_epsilon"] = c.norm_eps;
    j["activation_function"] = "gelu_new";
    j["tie_word_embeddings"] = c.tied_classifier;
    j["initializer_range"] = c.initializer_range;
  }
  return j.dump(2) + "\n";
}

}  // namespace neuroscore::extract
