#include "extract/loaders.hpp"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/types.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>

#include "extract/hf_config.hpp"
#include "extract/llama2c_checkpoint.hpp"

namespace neuroscore::extract {

namespace {

std::string read_file(const std::string& path, const char* what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": cannot open " + what);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// A float32 tensor copied from little-endian bytes (x86-64 and aarch64 are little-endian).
torch::Tensor float32_tensor(std::string_view bytes, const std::vector<std::int64_t>& shape) {
  torch::Tensor t = torch::empty(shape, torch::TensorOptions().dtype(torch::kFloat32));
  if (static_cast<std::size_t>(t.numel()) * 4 != bytes.size()) {
    throw std::logic_error("float32_tensor: byte count does not match the shape");
  }
  if (!bytes.empty()) std::memcpy(t.data_ptr<float>(), bytes.data(), bytes.size());
  return t;
}

}  // namespace

Model load_llama2c(const std::string& path) {
  const std::string bytes = read_file(path, "llama2.c checkpoint");
  const Llama2cLayout layout = parse_llama2c_layout(bytes, bytes.size(), path);
  auto get = [&](const char* name) {
    const Llama2cTensor& t = layout.tensor(name);
    return float32_tensor(std::string_view(bytes).substr(t.offset, t.bytes), t.shape);
  };
  Model m;
  m.config = layout.config;
  m.token_embedding = get("token_embedding");
  const torch::Tensor rms_att = get("rms_att"), wq = get("wq"), wk = get("wk"), wv = get("wv"), wo = get("wo"),
                      rms_ffn = get("rms_ffn"), w1 = get("w1"), w2 = get("w2"), w3 = get("w3");
  for (std::int64_t l = 0; l < m.config.n_layers; ++l) {
    LayerWeights w;
    w.attn_norm_weight = rms_att[l];
    w.wq = wq[l];
    w.wk = wk[l];
    w.wv = wv[l];
    w.wo = wo[l];
    w.ffn_norm_weight = rms_ffn[l];
    w.w1 = w1[l];
    w.w2 = w2[l];
    w.w3 = w3[l];
    m.layers.push_back(std::move(w));
  }
  m.final_norm_weight = get("rms_final");
  m.classifier = m.config.tied_classifier ? m.token_embedding : get("wcls");

  // The stored RoPE tables are cos/sin(pos * 10000^(-2i/head_size)): check them against ours.
  const std::int64_t hs = m.config.head_size();
  auto f64 = torch::TensorOptions().dtype(torch::kFloat64);
  const torch::Tensor angle = torch::outer(torch::arange(m.config.max_seq_len, f64),
                                           torch::pow(m.config.rope_theta, -torch::arange(0, hs, 2, f64) / double(hs)));
  const double cos_err = (get("freq_cis_real").to(torch::kFloat64) - angle.cos()).abs().max().item<double>();
  const double sin_err = (get("freq_cis_imag").to(torch::kFloat64) - angle.sin()).abs().max().item<double>();
  if (!(cos_err < 1e-4 && sin_err < 1e-4)) {
    throw std::runtime_error(path + ": the checkpoint's freq_cis tables differ from RoPE with base 10000 by " +
                             std::to_string(std::max(cos_err, sin_err)) + " (corrupt file?)");
  }
  check_shapes(m, path);
  return m;
}

namespace {

// Where each tensor of a Hugging Face checkpoint lives (one file, or the shards of an index).
class TensorStore {
 public:
  explicit TensorStore(const std::string& directory) {
    namespace fs = std::filesystem;
    const fs::path dir(directory);
    const fs::path single = dir / "model.safetensors";
    const fs::path index = dir / "model.safetensors.index.json";
    if (fs::exists(single)) {
      add_file(single.string());
    } else if (fs::exists(index)) {
      const std::map<std::string, std::string> map =
          parse_safetensors_index(read_file(index.string(), "safetensors index"), index.string());
      for (const auto& [name, file] : map) {
        const std::string path = (dir / file).string();
        if (!files_.count(path)) add_file(path);
        if (!files_.at(path)->contains(name)) {
          throw std::runtime_error(index.string() + ": tensor '" + name + "' is mapped to " + path +
                                   ", which does not contain it");
        }
        owner_[name] = files_.at(path).get();
      }
    } else {
      throw std::runtime_error(directory + ": neither model.safetensors nor model.safetensors.index.json found");
    }
  }

  bool contains(const std::string& name) const { return owner_.count(name) > 0; }

  // The tensor as float32, which must have exactly `shape`.
  torch::Tensor get(const std::string& name, const std::vector<std::int64_t>& shape) const {
    const auto it = owner_.find(name);
    if (it == owner_.end()) throw std::runtime_error(description_ + ": missing tensor '" + name + "'");
    const SafetensorsFile& f = *it->second;
    const SafetensorsEntry& e = f.entry(name);
    if (e.shape != shape) {
      auto str = [](const std::vector<std::int64_t>& v) {
        std::string s = "[";
        for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
        return s + "]";
      };
      throw std::runtime_error(f.path + ": tensor '" + name + "' has shape " + str(e.shape) + ", the config implies " +
                               str(shape));
    }
    torch::Tensor t = torch::empty(shape, torch::TensorOptions().dtype(torch::kFloat32));
    to_float32(e.dtype, f.data(e), t.data_ptr<float>());
    return t;
  }

 private:
  void add_file(const std::string& path) {
    auto file = std::make_unique<SafetensorsFile>(read_safetensors(path));
    for (const SafetensorsEntry& e : file->header.tensors) owner_[e.name] = file.get();
    description_ += (description_.empty() ? "" : ", ") + path;
    files_[path] = std::move(file);
  }

  std::map<std::string, std::unique_ptr<SafetensorsFile>> files_;
  std::map<std::string, const SafetensorsFile*> owner_;
  std::string description_;
};

std::string layer_prefix(const ModelConfig& c, std::int64_t l) {
  return (c.family == Family::kLlama ? "model.layers." : "h.") + std::to_string(l) + ".";
}

}  // namespace

Model load_hf(const std::string& directory) {
  namespace fs = std::filesystem;
  const std::string config_path = (fs::path(directory) / "config.json").string();
  Model m;
  m.config = parse_hf_config(read_file(config_path, "config.json"), config_path);
  const ModelConfig& c = m.config;
  const TensorStore store(directory);
  const std::int64_t d = c.dim, hd = c.hidden_dim, kv = c.kv_dim(), V = c.vocab_size;
  if (c.family == Family::kLlama) {
    m.token_embedding = store.get("model.embed_tokens.weight", {V, d});
    for (std::int64_t l = 0; l < c.n_layers; ++l) {
      const std::string p = layer_prefix(c, l);
      LayerWeights w;
      w.attn_norm_weight = store.get(p + "input_layernorm.weight", {d});
      w.wq = store.get(p + "self_attn.q_proj.weight", {d, d});
      w.wk = store.get(p + "self_attn.k_proj.weight", {kv, d});
      w.wv = store.get(p + "self_attn.v_proj.weight", {kv, d});
      w.wo = store.get(p + "self_attn.o_proj.weight", {d, d});
      w.ffn_norm_weight = store.get(p + "post_attention_layernorm.weight", {d});
      w.w1 = store.get(p + "mlp.gate_proj.weight", {hd, d});
      w.w3 = store.get(p + "mlp.up_proj.weight", {hd, d});
      w.w2 = store.get(p + "mlp.down_proj.weight", {d, hd});
      m.layers.push_back(std::move(w));
    }
    m.final_norm_weight = store.get("model.norm.weight", {d});
  } else {
    // GPT2LMHeadModel prefixes the body with "transformer."; GPT2Model and the hub files do not.
    const std::string b = store.contains("transformer.wte.weight") ? "transformer." : "";
    m.token_embedding = store.get(b + "wte.weight", {V, d});
    m.position_embedding = store.get(b + "wpe.weight", {c.max_seq_len, d});
    for (std::int64_t l = 0; l < c.n_layers; ++l) {
      const std::string p = b + layer_prefix(c, l);
      LayerWeights w;
      w.attn_norm_weight = store.get(p + "ln_1.weight", {d});
      w.attn_norm_bias = store.get(p + "ln_1.bias", {d});
      // Conv1D stores [in, out]; c_attn fuses q, k, v along its output axis.
      const torch::Tensor qkv = store.get(p + "attn.c_attn.weight", {d, 3 * d}).t();
      const torch::Tensor qkv_bias = store.get(p + "attn.c_attn.bias", {3 * d});
      w.wq = qkv.narrow(0, 0, d).contiguous();
      w.wk = qkv.narrow(0, d, d).contiguous();
      w.wv = qkv.narrow(0, 2 * d, d).contiguous();
      w.bq = qkv_bias.narrow(0, 0, d).contiguous();
      w.bk = qkv_bias.narrow(0, d, d).contiguous();
      w.bv = qkv_bias.narrow(0, 2 * d, d).contiguous();
      w.wo = store.get(p + "attn.c_proj.weight", {d, d}).t().contiguous();
      w.bo = store.get(p + "attn.c_proj.bias", {d});
      w.ffn_norm_weight = store.get(p + "ln_2.weight", {d});
      w.ffn_norm_bias = store.get(p + "ln_2.bias", {d});
      w.w1 = store.get(p + "mlp.c_fc.weight", {d, hd}).t().contiguous();
      w.b1 = store.get(p + "mlp.c_fc.bias", {hd});
      w.w2 = store.get(p + "mlp.c_proj.weight", {hd, d}).t().contiguous();
      w.b2 = store.get(p + "mlp.c_proj.bias", {d});
      m.layers.push_back(std::move(w));
    }
    m.final_norm_weight = store.get(b + "ln_f.weight", {d});
    m.final_norm_bias = store.get(b + "ln_f.bias", {d});
  }
  m.classifier = c.tied_classifier ? m.token_embedding : store.get("lm_head.weight", {V, d});
  check_shapes(m, directory);
  return m;
}

void save_hf(const Model& m, const std::string& directory, DType dtype) {
  namespace fs = std::filesystem;
  check_shapes(m, "save_hf");
  const ModelConfig& c = m.config;
  std::vector<TensorToWrite> out;
  auto put = [&](const std::string& name, const torch::Tensor& t) {
    const torch::Tensor values = t.detach().to(torch::kFloat64).contiguous();
    out.push_back(TensorToWrite{name, dtype, t.sizes().vec(),
                                from_float64(dtype, values.data_ptr<double>(), static_cast<std::size_t>(values.numel()))});
  };
  // transformers rotates (i, i + head_size/2) pairs; llama2.c and Meta rotate (2i, 2i+1). Reorder
  // the rows of wq and wk within each head (llama2.c export.py's permute()) so the file is a true
  // Hugging Face checkpoint; the attention scores are unchanged up to summation order.
  const bool permute = c.family == Family::kLlama && c.rope_layout == RopeLayout::kInterleaved;
  auto to_halves = [&](const torch::Tensor& w, std::int64_t heads) {
    if (!permute) return w;
    const std::int64_t hs = c.head_size();
    return w.reshape({heads, hs / 2, 2, c.dim}).transpose(1, 2).reshape({heads * hs, c.dim});
  };
  if (c.family == Family::kLlama) {
    put("model.embed_tokens.weight", m.token_embedding);
    for (std::int64_t l = 0; l < c.n_layers; ++l) {
      const std::string p = layer_prefix(c, l);
      const LayerWeights& w = m.layers[static_cast<std::size_t>(l)];
      put(p + "input_layernorm.weight", w.attn_norm_weight);
      put(p + "self_attn.q_proj.weight", to_halves(w.wq, c.n_heads));
      put(p + "self_attn.k_proj.weight", to_halves(w.wk, c.n_kv_heads));
      put(p + "self_attn.v_proj.weight", w.wv);
      put(p + "self_attn.o_proj.weight", w.wo);
      put(p + "post_attention_layernorm.weight", w.ffn_norm_weight);
      put(p + "mlp.gate_proj.weight", w.w1);
      put(p + "mlp.up_proj.weight", w.w3);
      put(p + "mlp.down_proj.weight", w.w2);
    }
    put("model.norm.weight", m.final_norm_weight);
  } else {
    put("wte.weight", m.token_embedding);
    put("wpe.weight", m.position_embedding);
    for (std::int64_t l = 0; l < c.n_layers; ++l) {
      const std::string p = layer_prefix(c, l);
      const LayerWeights& w = m.layers[static_cast<std::size_t>(l)];
      put(p + "ln_1.weight", w.attn_norm_weight);
      put(p + "ln_1.bias", w.attn_norm_bias);
      put(p + "attn.c_attn.weight", torch::cat({w.wq, w.wk, w.wv}, 0).t());
      put(p + "attn.c_attn.bias", torch::cat({w.bq, w.bk, w.bv}, 0));
      put(p + "attn.c_proj.weight", w.wo.t());
      put(p + "attn.c_proj.bias", w.bo);
      put(p + "ln_2.weight", w.ffn_norm_weight);
      put(p + "ln_2.bias", w.ffn_norm_bias);
      put(p + "mlp.c_fc.weight", w.w1.t());
      put(p + "mlp.c_fc.bias", w.b1);
      put(p + "mlp.c_proj.weight", w.w2.t());
      put(p + "mlp.c_proj.bias", w.b2);
    }
    put("ln_f.weight", m.final_norm_weight);
    put("ln_f.bias", m.final_norm_bias);
  }
  if (!c.tied_classifier) put("lm_head.weight", m.classifier);
  fs::create_directories(directory);
  write_safetensors((fs::path(directory) / "model.safetensors").string(), out, {{"format", "pt"}});
  ModelConfig saved = c;
  if (saved.family == Family::kLlama) saved.rope_layout = RopeLayout::kHalves;
  const std::string config_path = (fs::path(directory) / "config.json").string();
  std::ofstream config(config_path, std::ios::trunc);
  config << format_hf_config(saved);
  if (!config) throw std::runtime_error(config_path + ": failed writing config.json");
}

Model untrained_twin(const ModelConfig& c, std::uint64_t seed) {
  validate(c, "untrained_twin");
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  const double sd = c.initializer_range;
  auto normal = [&](std::vector<std::int64_t> shape, double stddev) {
    return torch::empty(shape, torch::TensorOptions().dtype(torch::kFloat32)).normal_(0.0, stddev, gen);
  };
  auto ones = [](std::int64_t n) { return torch::ones({n}, torch::TensorOptions().dtype(torch::kFloat32)); };
  auto zeros = [](std::int64_t n) { return torch::zeros({n}, torch::TensorOptions().dtype(torch::kFloat32)); };
  const std::int64_t d = c.dim, hd = c.hidden_dim, kv = c.kv_dim();
  const bool gpt2 = c.family == Family::kGpt2;
  const double proj_sd = gpt2 ? sd / std::sqrt(2.0 * static_cast<double>(c.n_layers)) : sd;
  Model m;
  m.config = c;
  m.token_embedding = normal({c.vocab_size, d}, sd);
  if (gpt2) m.position_embedding = normal({c.max_seq_len, d}, sd);
  for (std::int64_t l = 0; l < c.n_layers; ++l) {
    LayerWeights w;
    w.attn_norm_weight = ones(d);
    w.ffn_norm_weight = ones(d);
    w.wq = normal({d, d}, sd);
    w.wk = normal({kv, d}, sd);
    w.wv = normal({kv, d}, sd);
    w.wo = normal({d, d}, proj_sd);
    w.w1 = normal({hd, d}, sd);
    w.w2 = normal({d, hd}, proj_sd);
    if (gpt2) {
      w.attn_norm_bias = zeros(d);
      w.ffn_norm_bias = zeros(d);
      w.bq = zeros(d);
      w.bk = zeros(d);
      w.bv = zeros(d);
      w.bo = zeros(d);
      w.b1 = zeros(hd);
      w.b2 = zeros(d);
    } else {
      w.w3 = normal({hd, d}, sd);
    }
    m.layers.push_back(std::move(w));
  }
  m.final_norm_weight = ones(d);
  if (gpt2) m.final_norm_bias = zeros(d);
  m.classifier = c.tied_classifier ? m.token_embedding : normal({c.vocab_size, d}, sd);
  check_shapes(m, "untrained_twin");
  return m;
}

Model noisy_copy(const Model& model, double rel_sd, std::uint64_t seed) {
  if (!(rel_sd >= 0.0) || !std::isfinite(rel_sd)) {
    throw std::invalid_argument("noisy_copy: relative noise sd must be finite and >= 0, got " +
                                std::to_string(rel_sd));
  }
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  // W + N(0, (rel_sd * sd(W))^2); undefined tensors (weights a family does not use) stay undefined.
  auto noisy = [&](const torch::Tensor& w) -> torch::Tensor {
    if (!w.defined()) return w;
    torch::Tensor out = w.detach().clone();
    if (rel_sd == 0.0 || w.numel() < 2) return out;
    const double sd = w.detach().to(torch::kFloat64).std(/*unbiased=*/false).item<double>();
    if (sd == 0.0) return out;
    torch::Tensor noise = torch::empty_like(out).normal_(0.0, rel_sd * sd, gen);
    return out + noise;
  };
  Model m;
  m.config = model.config;
  m.token_embedding = noisy(model.token_embedding);
  m.position_embedding = noisy(model.position_embedding);
  for (const LayerWeights& l : model.layers) {
    LayerWeights w;
    w.attn_norm_weight = noisy(l.attn_norm_weight);
    w.attn_norm_bias = noisy(l.attn_norm_bias);
    w.wq = noisy(l.wq);
    w.wk = noisy(l.wk);
    w.wv = noisy(l.wv);
    w.wo = noisy(l.wo);
    w.bq = noisy(l.bq);
    w.bk = noisy(l.bk);
    w.bv = noisy(l.bv);
    w.bo = noisy(l.bo);
    w.ffn_norm_weight = noisy(l.ffn_norm_weight);
    w.ffn_norm_bias = noisy(l.ffn_norm_bias);
    w.w1 = noisy(l.w1);
    w.w2 = noisy(l.w2);
    w.w3 = noisy(l.w3);
    w.b1 = noisy(l.b1);
    w.b2 = noisy(l.b2);
    m.layers.push_back(std::move(w));
  }
  m.final_norm_weight = noisy(model.final_norm_weight);
  m.final_norm_bias = noisy(model.final_norm_bias);
  m.classifier = model.config.tied_classifier ? m.token_embedding : noisy(model.classifier);
  check_shapes(m, "noisy_copy");
  return m;
}

}  // namespace neuroscore::extract
