"""KV cache: generate text without recomputing the past.

When GPT-2 generates, every step runs the whole sequence again, yet the keys and values
of the earlier positions never change (causal attention: a position only looks back).
Keep them in a cache, and each step needs to run only the new token.

The cache type is given (mlkata.given.gpt2): a model's cache is a list with one
`GPT2CacheEntry` per block, `GPT2CacheEntry.new_empty(config, dtype=...)`; an entry has
`k` and `v` of shape (1, num_heads, seq, head_size), seq = the positions seen so far (0 at
first). The cache lives outside the model, so one model can serve many users at once,
each with a cache of their own: never keep keys or values on the modules.

This file extends your own classes (from exercises unidirectional_attention, gpt2_block and
gpt2): same __init__, same parameters; the __init__s below only swap in the cached
versions. You write three forwards and the sampler:

1. `UnidirectionalAttention.forward(x, cache=None)`: x holds the S NEW positions,
   (1, S, hidden_size). Without a cache, as before. With one: compute q, k, v for the new
   positions, append k and v to the cache entry along the seq dimension and store them back
   (`cache.k = torch.cat([cache.k, k], dim=2)`, the same for v), and let the new queries
   attend to all the keys. The new positions come after the cached ones: query i (of S)
   is position cached + i and may see keys 0 .. cached + i, so the mask is (S, cached + S).
   S may be more than 1 even when the cache is not empty.
2. `GPT2Block.forward(x, cache=None)`: pass the block's cache entry to the attention.
3. `GPT2.forward(x, cache=None)`: x (1, S) holds the new tokens; their positions start at
   the cache's length (cache[0].k.shape[2]), not at 0; block i gets cache[i]. Returns the
   logits of the new positions, (1, S, vocab_size).
4. `sample_tokens_with_cache(...)`: like sample_tokens (given below), but with a cache (a new
   one if `cache` is None, else the one given, which it fills): the first step feeds the
   whole prompt, every later step only the token just generated.

`sample_next_token` and `sample_tokens` are MLAB's boilerplate, given; they use your
greedy_search, apply_temperature, apply_freq_penalty and samplers. sample_next_token applies
the frequency penalty to the input_ids it is given, so with the cache it penalises the tokens
just fed to the model (the prompt at the first step, then the newest token), as MLAB's
reference does. Counting the whole history instead (as sample_tokens does) is accepted too.

The check compares, at every step, your cached logits with a full uncached forward
(float64, within 1e-9), checks each cache entry's length after each step, runs two caches
on one model in turn, and checks that no weight changes.
"""

import math
from typing import Optional

import torch
from torch import nn

from mlkata.exercises.apply_freq_penalty import apply_freq_penalty  # yours
from mlkata.exercises.apply_temperature import apply_temperature  # yours
from mlkata.exercises.gpt2 import GPT2 as UncachedGPT2  # yours
from mlkata.exercises.gpt2_block import GPT2Block as UncachedGPT2Block  # yours
from mlkata.exercises.greedy_search import greedy_search  # yours
from mlkata.exercises.sample_basic import sample_basic  # yours
from mlkata.exercises.sample_top_k import sample_top_k  # yours
from mlkata.exercises.sample_top_p import sample_top_p  # yours
from mlkata.exercises.unidirectional_attention import UnidirectionalAttention as UncachedAttention  # yours
from mlkata.given.gpt2 import GPT2CacheEntry, GPTConfig


class UnidirectionalAttention(UncachedAttention):
    """Your attention, able to use a cache entry."""

    def forward(self, x: torch.Tensor, cache: Optional[GPT2CacheEntry] = None) -> torch.Tensor:
        """x: (batch, S, hidden_size), the new positions -> (batch, S, hidden_size)"""
        # TODO: as your attention, plus: append the new k and v to the cache, and mask with offsets.
        raise NotImplementedError


class GPT2Block(UncachedGPT2Block):
    """Your block, with the cached attention."""

    def __init__(
        self,
        hidden_size: int,
        num_heads: int,
        dropout: float,
        layer_norm_epsilon: float,
        activation_function: str,
    ):
        super().__init__(hidden_size, num_heads, dropout, layer_norm_epsilon, activation_function)
        self.attn = UnidirectionalAttention(hidden_size, num_heads, dropout=dropout)  # given: same parameters

    def forward(self, x: torch.Tensor, cache: Optional[GPT2CacheEntry] = None) -> torch.Tensor:
        """x: (batch, S, hidden_size) -> (batch, S, hidden_size)"""
        # TODO
        raise NotImplementedError


class GPT2(UncachedGPT2):
    """Your GPT2, with cached blocks. `self.config` is kept for GPT2CacheEntry.new_empty."""

    def __init__(self, config: GPTConfig):
        super().__init__(config)
        self.config = config  # given
        self.blocks = nn.ModuleList(  # given: the same parameters, in cached blocks
            GPT2Block(
                config.hidden_size, config.num_heads, config.dropout, config.layer_norm_epsilon,
                config.activation_function,
            )
            for _ in range(config.num_layers)
        )

    def forward(self, x: torch.Tensor, cache: Optional[list[GPT2CacheEntry]] = None) -> torch.Tensor:
        """x: (1, S) the new token ids -> (1, S, vocab_size) their logits"""
        # TODO: positions start at the cache's length; block i gets cache[i].
        raise NotImplementedError


def sample_next_token(
    model: GPT2,
    input_ids: torch.Tensor,
    temperature=1.0,
    freq_penalty=0.0,
    top_k=0,
    top_p=0.0,
    cache=None,
) -> int:
    """Given (MLAB's): the next token from the model's distribution, with the modifiers.

    input_ids: (seq,) the tokens to feed the model (with a cache: only the ones it has not seen).
    """
    assert input_ids.ndim == 1, "input_ids should be a 1D sequence of token ids"
    assert temperature >= 0
    assert 0 <= top_p <= 1.0, "Top-p must be a probability"
    assert 0 <= top_k, "Top-k must be non-negative"
    assert not (top_p != 0 and top_k != 0), "At most one of top-p and top-k supported"
    model.eval()
    with torch.inference_mode():
        all_logits = model(input_ids.unsqueeze(0), cache=cache)
    B, S, V = all_logits.shape
    assert B == 1
    assert S == len(input_ids)
    logits = all_logits[0, -1]
    if temperature == 0:
        return greedy_search(logits)
    logits = apply_temperature(logits, temperature)
    logits = apply_freq_penalty(input_ids, logits, freq_penalty)
    if top_k > 0:
        return sample_top_k(logits, top_k)
    if top_p > 0:
        return sample_top_p(logits, top_p)
    return sample_basic(logits)


def sample_tokens(
    model: GPT2,
    tokenizer,
    initial_text: str,
    max_tokens_generated=30,
    temperature=1.0,
    freq_penalty=0.0,
    stop_at_eos=True,
    top_k=0,
    top_p=0.0,
    cache=None,
) -> str:
    """Given (MLAB's): sample until `tokenizer.eos_token_id` or max_tokens_generated; the prompt and continuation."""
    model.eval()
    input_ids: list = tokenizer(initial_text).input_ids
    generated = []
    device = next(model.parameters()).device
    for _ in range(max_tokens_generated):
        new_token = sample_next_token(
            model,
            torch.tensor(input_ids + generated, dtype=torch.int64, device=device),
            temperature=temperature,
            freq_penalty=freq_penalty,
            top_k=top_k,
            top_p=top_p,
            cache=cache,
        )
        generated.append(new_token)
        if stop_at_eos and new_token == tokenizer.eos_token_id:
            break
    return tokenizer.decode(input_ids + generated)


def sample_tokens_with_cache(
    model: GPT2,
    tokenizer,
    initial_text: str,
    max_tokens_generated=30,
    temperature=1.0,
    freq_penalty=2.0,
    stop_at_eos=True,
    top_k=0,
    top_p=0.0,
    cache=None,
) -> str:
    """The same as sample_tokens, with a cache: the prompt first, then one token per step.

    A new cache when `cache` is None: GPT2CacheEntry.new_empty(model.config, dtype=<the model's dtype>).
    """
    # TODO
    raise NotImplementedError
