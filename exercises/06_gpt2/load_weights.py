"""load_pretrained_weights: put GPT-2 weights saved by HuggingFace into your GPT2 (optional).

`load_pretrained_weights(pretrained, config)` builds your GPT2(config) and fills every
parameter from `pretrained`, a state dict with the keys and layout of HuggingFace's GPT-2
checkpoint, then returns the model. mlkata generates such a dict with random values (no
download): `fake_pretrained_state_dict(config)` from mlkata.given.gpt2, which documents it.

HuggingFace's names, and where each goes in yours (block i is transformer.h.{i}):
- transformer.wte.weight -> token_embedding.weight; transformer.wpe.weight -> pos_embedding.weight
- h.{i}.ln_1 -> blocks.{i}.ln1;  h.{i}.ln_2 -> blocks.{i}.ln2  (weight and bias)
- h.{i}.attn.c_attn -> blocks.{i}.attn.qkv_proj;  h.{i}.attn.c_proj -> blocks.{i}.attn.output_proj
- h.{i}.mlp.c_fc -> blocks.{i}.linear1;  h.{i}.mlp.c_proj -> blocks.{i}.linear2
- transformer.ln_f -> ln
- lm_head.weight is the token embedding again (tied); h.{i}.attn.bias and
  h.{i}.attn.masked_bias are the causal mask and its fill value: not weights, skip them.

Watch out: HuggingFace's GPT-2 uses Conv1D layers, whose weight has shape (in_features,
out_features), the transpose of nn.Linear's (out_features, in_features); c_attn's output is
[q | k | v], as your qkv_proj's. c_proj is square, so a missing transpose there does not
fail on shapes: it silently computes something else.

Copy the values (load_state_dict or param.copy_ under torch.no_grad()); `pretrained` must
not change. GPT2 is your own, from exercise gpt2.
"""

import torch

from mlkata.exercises.gpt2 import GPT2  # yours
from mlkata.given.gpt2 import GPTConfig


def load_pretrained_weights(pretrained: dict[str, torch.Tensor], config: GPTConfig) -> GPT2:
    """pretrained: HuggingFace-layout state dict -> your GPT2(config) holding those weights"""
    # TODO
    raise NotImplementedError
