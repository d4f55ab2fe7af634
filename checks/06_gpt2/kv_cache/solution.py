import math
from typing import Optional

import torch
from torch import nn

from mlkata.exercises.apply_freq_penalty import apply_freq_penalty
from mlkata.exercises.apply_temperature import apply_temperature
from mlkata.exercises.gpt2 import GPT2 as UncachedGPT2
from mlkata.exercises.gpt2_block import GPT2Block as UncachedGPT2Block
from mlkata.exercises.greedy_search import greedy_search
from mlkata.exercises.sample_basic import sample_basic
from mlkata.exercises.sample_top_k import sample_top_k
from mlkata.exercises.sample_top_p import sample_top_p
from mlkata.exercises.unidirectional_attention import UnidirectionalAttention as UncachedAttention
from mlkata.given.gpt2 import GPT2CacheEntry, GPTConfig


class UnidirectionalAttention(UncachedAttention):
    def forward(self, x: torch.Tensor, cache: Optional[GPT2CacheEntry] = None) -> torch.Tensor:
        B, T, C = x.shape
        nh, hs = self.num_heads, self.head_size
        q, k, v = self.qkv_proj(x).split(nh * hs, dim=-1)  # each (B, T, nh * hs)
        q = q.view(B, T, nh, hs).transpose(1, 2)  # (B, nh, T, hs)
        k = k.view(B, T, nh, hs).transpose(1, 2)  # (B, nh, T, hs)
        v = v.view(B, T, nh, hs).transpose(1, 2)  # (B, nh, T, hs)
        past = 0
        if cache is not None:
            past = cache.k.shape[2]
            k = torch.cat([cache.k, k], dim=2)  # (B, nh, past + T, hs)
            v = torch.cat([cache.v, v], dim=2)  # (B, nh, past + T, hs)
            cache.k, cache.v = k, v
        att = q @ k.transpose(-2, -1) / math.sqrt(hs)  # (B, nh, T, past + T)
        q_pos = torch.arange(past, past + T, device=x.device)[:, None]  # (T, 1): the new tokens' positions
        k_pos = torch.arange(past + T, device=x.device)[None, :]  # (1, past + T)
        att = att.masked_fill(k_pos > q_pos, -1e4)
        att = self.attn_dropout(att.softmax(dim=-1))
        y = att @ v  # (B, nh, T, hs)
        y = y.transpose(1, 2).reshape(B, T, nh * hs)
        return self.resid_dropout(self.output_proj(y))  # (B, T, C)


class GPT2Block(UncachedGPT2Block):
    def __init__(
        self,
        hidden_size: int,
        num_heads: int,
        dropout: float,
        layer_norm_epsilon: float,
        activation_function: str,
    ):
        super().__init__(hidden_size, num_heads, dropout, layer_norm_epsilon, activation_function)
        self.attn = UnidirectionalAttention(hidden_size, num_heads, dropout=dropout)

    def forward(self, x: torch.Tensor, cache: Optional[GPT2CacheEntry] = None) -> torch.Tensor:
        x = x + self.attn(self.ln1(x), cache=cache)  # (B, T, C)
        x = x + self.dropout(self.linear2(self.nonlinearity(self.linear1(self.ln2(x)))))
        return x


class GPT2(UncachedGPT2):
    def __init__(self, config: GPTConfig):
        super().__init__(config)
        self.config = config
        self.blocks = nn.ModuleList(
            GPT2Block(
                config.hidden_size, config.num_heads, config.dropout, config.layer_norm_epsilon,
                config.activation_function,
            )
            for _ in range(config.num_layers)
        )

    def forward(self, x: torch.Tensor, cache: Optional[list[GPT2CacheEntry]] = None) -> torch.Tensor:
        B, T = x.shape
        past = 0 if cache is None else cache[0].k.shape[2]
        pos = torch.arange(past, past + T, device=x.device)  # the new tokens come after the cached ones
        h = self.dropout(self.token_embedding(x) + self.pos_embedding(pos))  # (B, T, C)
        for i, block in enumerate(self.blocks):
            h = block(h, cache=None if cache is None else cache[i])
        h = self.ln(h)
        return torch.einsum("btc,vc->btv", h, self.token_embedding.weight)  # (B, T, vocab_size)


def sample_next_token(
    model: GPT2,
    input_ids: torch.Tensor,
    temperature=1.0,
    freq_penalty=0.0,
    top_k=0,
    top_p=0.0,
    cache=None,
) -> int:
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
    model.eval()
    parameter = next(model.parameters())
    if cache is None:
        cache = GPT2CacheEntry.new_empty(model.config, dtype=parameter.dtype, device=parameter.device)
    input_ids: list = tokenizer(initial_text).input_ids
    generated = []
    new_ids = torch.tensor(input_ids, dtype=torch.int64, device=parameter.device)  # the whole prompt first
    for _ in range(max_tokens_generated):
        token = sample_next_token(
            model, new_ids, temperature=temperature, freq_penalty=freq_penalty, top_k=top_k, top_p=top_p, cache=cache,
        )
        generated.append(token)
        if stop_at_eos and token == tokenizer.eos_token_id:
            break
        new_ids = torch.tensor([token], dtype=torch.int64, device=parameter.device)  # the cache holds the rest
    return tokenizer.decode(input_ids + generated)
