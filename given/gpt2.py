"""What the GPT-2 exercises (06_gpt2) share: the config, a tokenizer, the KV cache type, fake weights.

    from mlkata.given.gpt2 import GPTConfig, CharTokenizer, GPT2CacheEntry

- `GPTConfig`: MLAB's config dataclass, same field names and defaults (GPT-2 small).
  The checks use tiny configs, for example
  `GPTConfig(num_layers=2, num_heads=4, vocab_size=50, hidden_size=32,
  max_position_embeddings=16, dropout=0.0)`.
- `CharTokenizer`: a stand-in for GPT-2's tokenizer with the calls MLAB's code makes
  (`tokenizer(text).input_ids`, `decode`, `batch_decode`, `eos_token_id`): one token per
  character of a 49-character alphabet, and the end-of-text token last (id 49), so it fits
  a model with vocab_size=50.
- `GPT2CacheEntry`: the keys and values one attention layer keeps between calls
  (exercise kv_cache).
- `fake_pretrained_state_dict(config)`: random weights laid out like HuggingFace's GPT-2
  checkpoint (exercise load_weights).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

ALPHABET = " abcdefghijklmnopqrstuvwxyz0123456789.,;:!?'\"()-\n"  # 49 characters


@dataclass(frozen=True)
class GPTConfig:
    """Constants used throughout the GPT2 model (MLAB's names; defaults are GPT-2 small)."""

    activation_function: str = "gelu"
    num_layers: int = 12
    num_heads: int = 12
    vocab_size: int = 50257
    hidden_size: int = 768
    max_position_embeddings: int = 1024
    dropout: float = 0.1
    layer_norm_epsilon: float = 1e-5


@dataclass
class Encoding:
    """What calling the tokenizer returns: `.input_ids` (or `["input_ids"]`)."""

    input_ids: list[int] | torch.Tensor

    def __getitem__(self, key: str):
        return getattr(self, key)


class CharTokenizer:
    """One token per character; `eos_token_id` (the last id) stands for "<|endoftext|>"."""

    eos_token = "<|endoftext|>"

    def __init__(self, alphabet: str = ALPHABET):
        self.alphabet = alphabet
        self.eos_token_id = len(alphabet)
        self.vocab_size = len(alphabet) + 1

    def __repr__(self) -> str:
        return "CharTokenizer()"

    def __call__(self, text: str, return_tensors: str | None = None, **_) -> Encoding:
        """`tokenizer(text).input_ids` is a list of ints; with return_tensors="pt", a (1, seq) tensor."""
        ids = [self.alphabet.index(char) for char in text]
        return Encoding(torch.tensor([ids], dtype=torch.int64) if return_tensors == "pt" else ids)

    def encode(self, text: str, return_tensors: str | None = None):
        return self(text, return_tensors=return_tensors).input_ids

    def decode(self, token_ids) -> str:
        """Token ids (a list, or a 1-D tensor) back to text; the end-of-text id becomes "<|endoftext|>"."""
        ids = token_ids.tolist() if isinstance(token_ids, torch.Tensor) else list(token_ids)
        return "".join(self.eos_token if i == self.eos_token_id else self.alphabet[i] for i in ids)

    def batch_decode(self, batch) -> list[str]:
        return [self.decode(row) for row in batch]


@dataclass(repr=False)
class GPT2CacheEntry:
    """The keys and values one attention layer has computed so far, for one sequence.

    k, v: (1, num_heads, seq, head_size), seq = how many positions the layer has seen
    (0 while the cache is empty). Attention updates an entry in place: `cache.k = ...`.
    A whole model's cache is a list with one entry per block, `GPT2CacheEntry.new_empty(config)`.
    """

    k: torch.Tensor
    v: torch.Tensor

    @classmethod
    def empty(cls, num_heads: int, head_size: int, dtype: torch.dtype = torch.float32, device=None) -> "GPT2CacheEntry":
        """An entry that has seen nothing yet."""
        shape = (1, num_heads, 0, head_size)
        return cls(k=torch.empty(shape, dtype=dtype, device=device), v=torch.empty(shape, dtype=dtype, device=device))

    @classmethod
    def new_empty(cls, config: GPTConfig, dtype: torch.dtype = torch.float32, device=None) -> list["GPT2CacheEntry"]:
        """An empty cache for a GPT2 built from `config`: one entry per block."""
        head_size = config.hidden_size // config.num_heads
        return [cls.empty(config.num_heads, head_size, dtype, device) for _ in range(config.num_layers)]

    @property
    def seq_len(self) -> int:
        """How many positions this entry holds."""
        return self.k.shape[2]

    def __repr__(self) -> str:  # shapes, not the numbers
        def text(t) -> str:
            if isinstance(t, torch.Tensor):
                return f"{str(t.dtype).removeprefix('torch.')}{list(t.shape)}"
            return type(t).__name__
        return f"GPT2CacheEntry(k={text(self.k)}, v={text(self.v)})"


class StateDict(dict):
    """A plain dict of tensors that prints as its size (printing every tensor takes long)."""

    def __repr__(self) -> str:
        return f"StateDict({len(self)} tensors: {', '.join(list(self)[:2])}, ...)"


def fake_pretrained_state_dict(config: GPTConfig, seed: int = 0) -> dict[str, torch.Tensor]:
    """Random weights with the keys and shapes of HuggingFace's GPT2LMHeadModel checkpoint.

    HuggingFace's GPT-2 keeps its projections in `Conv1D` layers, whose weight has shape
    (in_features, out_features): the transpose of nn.Linear's. Per block h.{i}:
    ln_1, attn.c_attn (hidden, 3 * hidden: the q, k and v projections side by side, in
    that order), attn.c_proj (hidden, hidden), ln_2, mlp.c_fc (hidden, 4 * hidden),
    mlp.c_proj (4 * hidden, hidden); plus attn.bias and attn.masked_bias, which are the
    causal mask and its fill value, not weights. Then transformer.ln_f, and lm_head.weight,
    which is the token embedding again (tied).
    """
    gen = torch.Generator().manual_seed(seed)
    hidden, n_ctx = config.hidden_size, config.max_position_embeddings

    def uniform(*shape: int, bound: float) -> torch.Tensor:
        return (torch.rand(shape, generator=gen) * 2 - 1) * bound

    def conv1d(prefix: str, n_in: int, n_out: int) -> dict[str, torch.Tensor]:
        bound = 1 / math.sqrt(n_in)
        return {f"{prefix}.weight": uniform(n_in, n_out, bound=bound), f"{prefix}.bias": uniform(n_out, bound=bound)}

    def layer_norm(prefix: str) -> dict[str, torch.Tensor]:
        return {f"{prefix}.weight": 1 + uniform(hidden, bound=0.5), f"{prefix}.bias": uniform(hidden, bound=0.2)}

    wte = uniform(config.vocab_size, hidden, bound=0.5)
    state = {"transformer.wte.weight": wte, "transformer.wpe.weight": uniform(n_ctx, hidden, bound=0.5)}
    for i in range(config.num_layers):
        block = f"transformer.h.{i}"
        state.update(layer_norm(f"{block}.ln_1"))
        state[f"{block}.attn.bias"] = torch.ones(n_ctx, n_ctx).tril().view(1, 1, n_ctx, n_ctx)
        state[f"{block}.attn.masked_bias"] = torch.tensor(-1e4)
        state.update(conv1d(f"{block}.attn.c_attn", hidden, 3 * hidden))
        state.update(conv1d(f"{block}.attn.c_proj", hidden, hidden))
        state.update(layer_norm(f"{block}.ln_2"))
        state.update(conv1d(f"{block}.mlp.c_fc", hidden, 4 * hidden))
        state.update(conv1d(f"{block}.mlp.c_proj", 4 * hidden, hidden))
    state.update(layer_norm("transformer.ln_f"))
    state["lm_head.weight"] = wte.clone()
    return StateDict(state)
