#!/usr/bin/python3
"""Independent reference logits for tiny Hugging Face GPT-2 and Llama checkpoints.

Writes, next to this script:
  gpt2_tiny/config.json, gpt2_tiny/model.safetensors
  llama_tiny/config.json, llama_tiny/model.safetensors
  hf_golden.inc  (token ids and float64 reference logits as C++ arrays)

The forward passes below transcribe transformers' modeling_gpt2.py (Conv1D = addmm with [in, out]
weights, fused c_attn, gelu_new) and modeling_llama.py (rotate_half RoPE, repeat_kv, SwiGLU,
RMSNorm), written independently of extract/model.cc. The safetensors files are written by hand
(struct + json), not by the project. Weights are float32 on disk; the reference runs in float64.

Provenance: Debian 12 python3-torch 1.13 (1.13.0a0), numpy 1.24.2; seed 20240601.
Run: /usr/bin/python3 tests/extract/golden/make_hf_golden.py
"""
import json
import math
import os
import struct

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = 20240601
IDS = [3, 17, 0, 28, 5, 5, 11, 2, 19]


def write_safetensors(path, tensors):
    header, data = {"__metadata__": {"format": "pt"}}, b""
    for name, t in tensors.items():
        raw = t.detach().to(torch.float32).contiguous().numpy().tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + data)


def rand(g, *shape, std=0.2):
    return (torch.randn(*shape, generator=g) * std).to(torch.float32)


# ---------------------------------------------------------------- GPT-2
def gpt2():
    g = torch.Generator().manual_seed(SEED)
    cfg = {"model_type": "gpt2", "n_embd": 16, "n_inner": 40, "n_layer": 2, "n_head": 4, "vocab_size": 29,
           "n_positions": 12, "layer_norm_epsilon": 1e-5, "activation_function": "gelu_new",
           "tie_word_embeddings": True}
    d, h, L = cfg["n_embd"], cfg["n_inner"], cfg["n_layer"]
    w = {"wte.weight": rand(g, cfg["vocab_size"], d), "wpe.weight": rand(g, cfg["n_positions"], d)}
    for l in range(L):
        p = "h.%d." % l
        w[p + "ln_1.weight"] = 1 + rand(g, d, std=0.1)
        w[p + "ln_1.bias"] = rand(g, d, std=0.1)
        w[p + "attn.c_attn.weight"] = rand(g, d, 3 * d)  # Conv1D: [in, out]
        w[p + "attn.c_attn.bias"] = rand(g, 3 * d, std=0.1)
        w[p + "attn.c_proj.weight"] = rand(g, d, d)
        w[p + "attn.c_proj.bias"] = rand(g, d, std=0.1)
        w[p + "ln_2.weight"] = 1 + rand(g, d, std=0.1)
        w[p + "ln_2.bias"] = rand(g, d, std=0.1)
        w[p + "mlp.c_fc.weight"] = rand(g, d, h)
        w[p + "mlp.c_fc.bias"] = rand(g, h, std=0.1)
        w[p + "mlp.c_proj.weight"] = rand(g, h, d)
        w[p + "mlp.c_proj.bias"] = rand(g, d, std=0.1)
    w["ln_f.weight"] = 1 + rand(g, d, std=0.1)
    w["ln_f.bias"] = rand(g, d, std=0.1)
    return cfg, w


def gpt2_forward(cfg, w, ids):
    W = {k: v.to(torch.float64) for k, v in w.items()}
    d, H, L, eps = cfg["n_embd"], cfg["n_head"], cfg["n_layer"], cfg["layer_norm_epsilon"]
    T, hs = len(ids), d // H

    def ln(x, p):
        mu = x.mean(-1, keepdim=True)
        var = ((x - mu) ** 2).mean(-1, keepdim=True)
        return (x - mu) / torch.sqrt(var + eps) * W[p + ".weight"] + W[p + ".bias"]

    def conv1d(x, p):  # transformers.pytorch_utils.Conv1D
        return torch.addmm(W[p + ".bias"], x, W[p + ".weight"])

    def gelu_new(x):
        return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))

    x = W["wte.weight"][ids] + W["wpe.weight"][:T]
    for l in range(L):
        p = "h.%d." % l
        q, k, v = conv1d(ln(x, p + "ln_1"), p + "attn.c_attn").split(d, dim=1)
        q, k, v = (t.view(T, H, hs).transpose(0, 1) for t in (q, k, v))
        s = q @ k.transpose(-1, -2) / math.sqrt(hs)
        s = s.masked_fill(torch.triu(torch.ones(T, T, dtype=torch.bool), 1), float("-inf"))
        a = (torch.softmax(s, -1) @ v).transpose(0, 1).reshape(T, d)
        x = x + conv1d(a, p + "attn.c_proj")
        x = x + conv1d(gelu_new(conv1d(ln(x, p + "ln_2"), p + "mlp.c_fc")), p + "mlp.c_proj")
    return ln(x, "ln_f") @ W["wte.weight"].T


# ---------------------------------------------------------------- Llama
def llama():
    g = torch.Generator().manual_seed(SEED + 1)
    cfg = {"model_type": "llama", "hidden_size": 16, "intermediate_size": 40, "num_hidden_layers": 2,
           "num_attention_heads": 4, "num_key_value_heads": 2, "vocab_size": 29, "max_position_embeddings": 12,
           "rms_norm_eps": 1e-6, "rope_theta": 1000.0, "hidden_act": "silu", "tie_word_embeddings": False}
    d, h, L = cfg["hidden_size"], cfg["intermediate_size"], cfg["num_hidden_layers"]
    kv = d // cfg["num_attention_heads"] * cfg["num_key_value_heads"]
    w = {"model.embed_tokens.weight": rand(g, cfg["vocab_size"], d, std=1.0)}
    for l in range(L):
        p = "model.layers.%d." % l
        w[p + "input_layernorm.weight"] = 1 + rand(g, d, std=0.1)
        w[p + "self_attn.q_proj.weight"] = rand(g, d, d, std=0.5)  # nn.Linear: [out, in]
        w[p + "self_attn.k_proj.weight"] = rand(g, kv, d, std=0.5)
        w[p + "self_attn.v_proj.weight"] = rand(g, kv, d, std=0.5)
        w[p + "self_attn.o_proj.weight"] = rand(g, d, d)
        w[p + "post_attention_layernorm.weight"] = 1 + rand(g, d, std=0.1)
        w[p + "mlp.gate_proj.weight"] = rand(g, h, d, std=0.5)
        w[p + "mlp.up_proj.weight"] = rand(g, h, d, std=0.5)
        w[p + "mlp.down_proj.weight"] = rand(g, d, h)
    w["model.norm.weight"] = 1 + rand(g, d, std=0.1)
    w["lm_head.weight"] = rand(g, cfg["vocab_size"], d)
    return cfg, w


def llama_forward(cfg, w, ids):
    W = {k: v.to(torch.float64) for k, v in w.items()}
    d, H, KV = cfg["hidden_size"], cfg["num_attention_heads"], cfg["num_key_value_heads"]
    L, eps, theta = cfg["num_hidden_layers"], cfg["rms_norm_eps"], cfg["rope_theta"]
    T, hs = len(ids), d // H

    def rms(x, p):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * W[p]

    def rotate_half(x):
        return torch.cat((-x[..., hs // 2:], x[..., : hs // 2]), dim=-1)

    inv_freq = 1.0 / (theta ** (torch.arange(0, hs, 2, dtype=torch.float64) / hs))
    freqs = torch.outer(torch.arange(T, dtype=torch.float64), inv_freq)
    emb = torch.cat((freqs, freqs), dim=-1)
    cos, sin = emb.cos(), emb.sin()

    x = W["model.embed_tokens.weight"][ids]
    for l in range(L):
        p = "model.layers.%d." % l
        hdn = rms(x, p + "input_layernorm.weight")
        q = (hdn @ W[p + "self_attn.q_proj.weight"].T).view(T, H, hs).transpose(0, 1)
        k = (hdn @ W[p + "self_attn.k_proj.weight"].T).view(T, KV, hs).transpose(0, 1)
        v = (hdn @ W[p + "self_attn.v_proj.weight"].T).view(T, KV, hs).transpose(0, 1)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        k = k.repeat_interleave(H // KV, dim=0)  # repeat_kv
        v = v.repeat_interleave(H // KV, dim=0)
        s = q @ k.transpose(-1, -2) / math.sqrt(hs)
        s = s.masked_fill(torch.triu(torch.ones(T, T, dtype=torch.bool), 1), float("-inf"))
        a = (torch.softmax(s, -1) @ v).transpose(0, 1).reshape(T, d)
        x = x + a @ W[p + "self_attn.o_proj.weight"].T
        hdn = rms(x, p + "post_attention_layernorm.weight")
        gate = hdn @ W[p + "mlp.gate_proj.weight"].T
        x = x + (gate * torch.sigmoid(gate) * (hdn @ W[p + "mlp.up_proj.weight"].T)) @ W[p + "mlp.down_proj.weight"].T
    return rms(x, "model.norm.weight") @ W["lm_head.weight"].T


def emit(name, logits):
    rows = ",\n".join("    {" + ", ".join("%.17g" % v for v in row) + "}" for row in logits.tolist())
    return "inline constexpr double %s[%d][%d] = {\n%s};\n" % (name, logits.shape[0], logits.shape[1], rows)


def main():
    out = ["// Generated by make_hf_golden.py (python3-torch 1.13, seed %d): do not edit.\n" % SEED,
           "inline constexpr long kGoldenIds[%d] = {%s};\n" % (len(IDS), ", ".join(map(str, IDS)))]
    for folder, make, fwd, cname in (("gpt2_tiny", gpt2, gpt2_forward, "kGpt2TinyLogits"),
                                     ("llama_tiny", llama, llama_forward, "kLlamaTinyLogits")):
        cfg, w = make()
        os.makedirs(os.path.join(HERE, folder), exist_ok=True)
        with open(os.path.join(HERE, folder, "config.json"), "w") as f:
            json.dump(cfg, f, indent=2)
            f.write("\n")
        write_safetensors(os.path.join(HERE, folder, "model.safetensors"), w)
        out.append(emit(cname, fwd(cfg, w, torch.tensor(IDS))))
    with open(os.path.join(HERE, "hf_golden.inc"), "w") as f:
        f.write("".join(out))


if __name__ == "__main__":
    main()
