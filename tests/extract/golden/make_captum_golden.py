#!/usr/bin/python3
"""Reference integrated gradients and layer conductance, transcribing Captum's formulas.

Writes captum_golden.inc next to this script: for the tiny GPT-2 and Llama checkpoints of
make_hf_golden.py (gpt2_tiny/, llama_tiny/; weights regenerated from the same seed; the C++ test reads
the files on disk, so a mismatch fails there), the token ids, the explained position and target token, and in float64:
  * IG attributions (summed over the embedding dimension) of log_softmax(logits[pos])[next] with
    the zero baseline and with the embedding of token 0 as baseline;
  * layer conductance of every block output (summed over the dimension), zero baseline.
Captum is not packaged in Debian, so its formulas are transcribed from captum 0.6
(attr/_core/integrated_gradients.py, attr/_core/layer/layer_conductance.py,
attr/_utils/approximation_methods.py):
  gausslegendre: alphas = 0.5 * (1 + leggauss(n)[0]), step_sizes = 0.5 * leggauss(n)[1], then
    torch.tensor(step_sizes) -> float32 (the rounding Captum applies even in float64 runs);
  IG: scaled = cat([b + alpha * (x - b) for alpha in alphas]); grads of sum of outputs;
    total = sum_k grads_k * step_k; attribution = total * (x - b);
  LayerConductance: n_steps + 1 alphas; attribution = sum_{k<n} grad_k * (h_{k+1} - h_k).
The forwards from embeddings below are make_hf_golden.py's with the embedding lookup hoisted out.

Provenance: Debian 12 python3-torch 1.13 (1.13.0a0), numpy 1.24.2.
Run: /usr/bin/python3 tests/extract/golden/make_captum_golden.py
"""
import math
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import make_hf_golden as hf  # noqa: E402

IDS = [3, 17, 0, 28, 5, 5, 11, 2, 19]
POS = 6            # explain the prediction at position 6 ...
NEXT = IDS[POS + 1]  # ... of the actual next token
N_STEPS = 50


def gpt2_from_emb(cfg, W, e):
    d, H, L, eps = cfg["n_embd"], cfg["n_head"], cfg["n_layer"], cfg["layer_norm_epsilon"]
    B, T, hs = e.shape[0], e.shape[1], d // H

    def ln(x, p):
        mu = x.mean(-1, keepdim=True)
        var = ((x - mu) ** 2).mean(-1, keepdim=True)
        return (x - mu) / torch.sqrt(var + eps) * W[p + ".weight"] + W[p + ".bias"]

    def conv1d(x, p):
        return x @ W[p + ".weight"] + W[p + ".bias"]

    def gelu_new(x):
        return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))

    x = e + W["wpe.weight"][:T]
    res = []
    for l in range(L):
        p = "h.%d." % l
        q, k, v = conv1d(ln(x, p + "ln_1"), p + "attn.c_attn").split(d, dim=-1)
        q, k, v = (t.view(B, T, H, hs).transpose(1, 2) for t in (q, k, v))
        s = q @ k.transpose(-1, -2) / math.sqrt(hs)
        s = s.masked_fill(torch.triu(torch.ones(T, T, dtype=torch.bool), 1), float("-inf"))
        a = (torch.softmax(s, -1) @ v).transpose(1, 2).reshape(B, T, d)
        x = x + conv1d(a, p + "attn.c_proj")
        x = x + conv1d(gelu_new(conv1d(ln(x, p + "ln_2"), p + "mlp.c_fc")), p + "mlp.c_proj")
        res.append(x)
    return ln(x, "ln_f") @ W["wte.weight"].T, res


def llama_from_emb(cfg, W, e):
    d, H, KV = cfg["hidden_size"], cfg["num_attention_heads"], cfg["num_key_value_heads"]
    L, eps, theta = cfg["num_hidden_layers"], cfg["rms_norm_eps"], cfg["rope_theta"]
    B, T, hs = e.shape[0], e.shape[1], d // H

    def rms(x, p):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * W[p]

    def rotate_half(x):
        return torch.cat((-x[..., hs // 2:], x[..., : hs // 2]), dim=-1)

    inv_freq = 1.0 / (theta ** (torch.arange(0, hs, 2, dtype=torch.float64) / hs))
    freqs = torch.outer(torch.arange(T, dtype=torch.float64), inv_freq)
    emb = torch.cat((freqs, freqs), dim=-1)
    cos, sin = emb.cos(), emb.sin()
    x = e
    res = []
    for l in range(L):
        p = "model.layers.%d." % l
        hdn = rms(x, p + "input_layernorm.weight")
        q = (hdn @ W[p + "self_attn.q_proj.weight"].T).view(B, T, H, hs).transpose(1, 2)
        k = (hdn @ W[p + "self_attn.k_proj.weight"].T).view(B, T, KV, hs).transpose(1, 2)
        v = (hdn @ W[p + "self_attn.v_proj.weight"].T).view(B, T, KV, hs).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        k = k.repeat_interleave(H // KV, dim=1)
        v = v.repeat_interleave(H // KV, dim=1)
        s = q @ k.transpose(-1, -2) / math.sqrt(hs)
        s = s.masked_fill(torch.triu(torch.ones(T, T, dtype=torch.bool), 1), float("-inf"))
        a = (torch.softmax(s, -1) @ v).transpose(1, 2).reshape(B, T, d)
        x = x + a @ W[p + "self_attn.o_proj.weight"].T
        hdn = rms(x, p + "post_attention_layernorm.weight")
        gate = hdn @ W[p + "mlp.gate_proj.weight"].T
        x = x + (gate * torch.sigmoid(gate) * (hdn @ W[p + "mlp.up_proj.weight"].T)) @ W[p + "mlp.down_proj.weight"].T
        res.append(x)
    return rms(x, "model.norm.weight") @ W["lm_head.weight"].T, res


def gauss_legendre(n):
    nodes, weights = np.polynomial.legendre.leggauss(n)
    return list(0.5 * (1 + nodes)), list(0.5 * weights)


def target(logits):
    return torch.log_softmax(logits[:, POS], -1)[:, NEXT]


def captum_ig(fwd, x, b):
    alphas, steps = gauss_legendre(N_STEPS)
    scaled = torch.cat([b + a * (x - b) for a in alphas]).requires_grad_()
    logits, _ = fwd(scaled)
    grads = torch.autograd.grad(torch.unbind(target(logits)), scaled)[0]
    step_sizes = torch.tensor(steps).view(N_STEPS, 1)  # float32, as Captum
    scaled_grads = grads.contiguous().view(N_STEPS, -1) * step_sizes
    total = scaled_grads.reshape((N_STEPS, 1) + grads.shape[1:]).sum(0)
    return (total * (x - b)).sum(-1)[0]


def captum_conductance(fwd, x, b):
    alphas, _ = gauss_legendre(N_STEPS + 1)
    scaled = torch.cat([b + a * (x - b) for a in alphas]).requires_grad_()
    logits, res = fwd(scaled)
    grads = torch.autograd.grad(torch.unbind(target(logits)), res)
    out = []
    for g, h in zip(grads, res):
        h = h.detach()
        out.append(((h[1:] - h[:-1]) * g[:-1]).sum(0).sum(-1))
    return torch.stack(out)


def emit(name, t):
    t = t.detach()
    if t.dim() == 1:
        t = t.unsqueeze(0)
    rows = ",\n".join("    {" + ", ".join("%.17g" % v for v in row) + "}" for row in t.tolist())
    return "inline constexpr double %s[%d][%d] = {\n%s};\n" % (name, t.shape[0], t.shape[1], rows)


def main():
    out = ["// Generated by make_captum_golden.py (python3-torch 1.13): do not edit.\n",
           "inline constexpr long kCaptumIds[%d] = {%s};\n" % (len(IDS), ", ".join(map(str, IDS))),
           "inline constexpr long kCaptumPosition = %d;\n" % POS]
    for tag, make, ref_fwd, fwd, emb_key in (("Gpt2", hf.gpt2, hf.gpt2_forward, gpt2_from_emb, "wte.weight"),
                                              ("Llama", hf.llama, hf.llama_forward, llama_from_emb,
                                               "model.embed_tokens.weight")):
        cfg, w = make()
        W = {k: v.to(torch.float64) for k, v in w.items()}
        ids = torch.tensor(IDS)
        x = W[emb_key][ids].unsqueeze(0)
        logits, _ = fwd(cfg, W, x)
        assert torch.allclose(logits[0], ref_fwd(cfg, w, ids), atol=1e-12), tag  # same forward
        f = lambda e: fwd(cfg, W, e)  # noqa: E731
        zero = torch.zeros_like(x)
        tok0 = W[emb_key][0].expand_as(x)
        out.append(emit("k%sIgZero" % tag, captum_ig(f, x, zero)))
        out.append(emit("k%sIgToken0" % tag, captum_ig(f, x, tok0)))
        out.append(emit("k%sConductanceZero" % tag, captum_conductance(f, x, zero)))
    with open(os.path.join(HERE, "captum_golden.inc"), "w") as fh:
        fh.write("".join(out))


if __name__ == "__main__":
    main()
