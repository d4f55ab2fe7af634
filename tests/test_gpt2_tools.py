"""What the 06_gpt2 checks rely on: the given tokenizer and cache, and the data the checks were built on."""

import importlib.util
from pathlib import Path

import torch

from mlkata.given.gpt2 import CharTokenizer, GPT2CacheEntry, GPTConfig, fake_pretrained_state_dict

CHECKS = Path(__file__).resolve().parents[1] / "checks" / "06_gpt2"


def load_check(name: str):
    spec = importlib.util.spec_from_file_location(f"test_check_{name}", CHECKS / name / "check.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_char_tokenizer_round_trip_and_end_of_text():
    tokenizer = CharTokenizer()
    ids = tokenizer("hello, world!").input_ids
    assert tokenizer.vocab_size == 50 and tokenizer.eos_token_id == 49
    assert tokenizer.decode(ids + [tokenizer.eos_token_id]) == "hello, world!<|endoftext|>"
    assert tokenizer("ab", return_tensors="pt")["input_ids"].tolist() == [tokenizer("ab").input_ids]
    assert tokenizer.batch_decode(torch.tensor([[1, 2], [3, 4]])) == ["ab", "cd"]


def test_cache_entries_start_empty_and_print_shapes():
    cache = GPT2CacheEntry.new_empty(GPTConfig(num_layers=3, num_heads=4, hidden_size=32), dtype=torch.float64)
    assert len(cache) == 3 and all(entry.seq_len == 0 for entry in cache)
    assert repr(cache[0]) == "GPT2CacheEntry(k=float64[1, 4, 0, 8], v=float64[1, 4, 0, 8])"


def test_fake_pretrained_state_dict_has_huggingface_shapes():
    config = GPTConfig(num_layers=2, num_heads=4, vocab_size=50, hidden_size=32, max_position_embeddings=16)
    state = fake_pretrained_state_dict(config)
    assert state["transformer.h.1.attn.c_attn.weight"].shape == (32, 96)
    assert state["transformer.h.0.mlp.c_proj.weight"].shape == (128, 32)
    assert torch.equal(state["lm_head.weight"], state["transformer.wte.weight"])


def test_beam_search_finds_the_exhaustive_answer_on_the_bigram_tables():
    """The check compares learners with exhaustive search on these tables: MLAB's beam search must agree."""
    check = load_check("beam_search")
    for _, table, prompt, n, beams, max_new in check.BIGRAM_CASES:
        found = check.reference.beam_search(check.BigramModel(table), torch.tensor(prompt), n, beams, max_new,
                                            check.BigramTokenizer())
        expected = check.exhaustive(table, prompt, n, max_new)
        assert [tokens.tolist() for _, tokens in found] == [tokens for _, tokens, _ in expected]
        assert all(abs(a - b) < 1e-12 for (a, _), (b, _, _) in zip(found, expected))
