import torch

from mlkata.checking import CheckFailed, context, expect, expect_close, load_reference, randint
from mlkata.checking.gpt2 import TIGHT, config_text, tiny_config
from mlkata.given.gpt2 import fake_pretrained_state_dict

reference = load_reference(__file__)
CONFIGS = [tiny_config(), tiny_config(num_layers=3, num_heads=2, hidden_size=24, vocab_size=30, max_position_embeddings=12)]


def check(learner):
    for seed, config in enumerate(CONFIGS):
        pretrained = fake_pretrained_state_dict(config, seed=seed)
        before = {name: value.clone() for name, value in pretrained.items()}
        label = "load_pretrained_weights(pretrained, config)"
        with context(f"{label} with config = {config_text(config)} and pretrained = fake_pretrained_state_dict(config)"):
            model = learner.load_pretrained_weights(pretrained, config)
            expect(pretrained.keys() == before.keys() and all(torch.equal(pretrained[k], before[k]) for k in before),
                   f"{label} changed the pretrained state dict",
                   "Read from it only: copy values into the model (a .T is a view; t_() or copy_ into it writes back).")
            expect(isinstance(model, torch.nn.Module), f"{label} returned {type(model).__name__}; expected your GPT2")
            expected = reference.load_pretrained_weights(pretrained, config)
            ours = dict(model.named_parameters())
            for name, value in expected.named_parameters():
                expect(name in ours, f"the returned model has no parameter {name}",
                       "Return your GPT2 from exercise gpt2, built from config.")
                expect_weight(ours[name], value.detach(), name, pretrained, before)
            ids = randint(0, config.vocab_size, 2, config.max_position_embeddings, seed=10 + seed)
            model.double().eval()
            expected.double().eval()
            with torch.no_grad():
                got = learner.call(model, ids, name="the returned GPT2")
                expect_close(got, expected(ids), what="the logits of the loaded model", **TIGHT)


def expect_weight(got: torch.Tensor, expected: torch.Tensor, name: str, pretrained, before) -> None:
    """One parameter holds the right pretrained tensor; if not, say which one it holds."""
    got = got.detach()
    if got.shape == expected.shape and torch.equal(got.to(expected.dtype), expected):
        return
    source = _source(expected, before)
    if got.shape == expected.shape:
        if torch.equal(got.to(expected.dtype), expected.T):
            raise CheckFailed(
                f"{name} holds {source.removesuffix(' (transposed)')} as it is, not transposed",
                ("HuggingFace's Conv1D stores its weight as (in_features, out_features); nn.Linear's is "
                 "(out_features, in_features): copy the transpose (.T). A square weight such as c_proj's does not "
                 "fail on shapes, so every Conv1D weight needs it.",),
            )
        if name.endswith("qkv_proj.weight") or name.endswith("qkv_proj.bias"):
            parts = expected.chunk(3, dim=0)
            for order in ((1, 0, 2), (0, 2, 1), (2, 1, 0), (1, 2, 0), (2, 0, 1)):
                if torch.equal(got.to(expected.dtype), torch.cat([parts[i] for i in order])):
                    raise CheckFailed(
                        f"{name} holds q, k and v in another order ({', '.join('qkv'[i] for i in order)})",
                        ("c_attn's output is [q | k | v], the layout qkv_proj has: copy it as it is (transposed).",),
                    )
        for hf_name, value in before.items():
            if value.shape in (got.shape, got.shape[::-1]) and (
                    torch.equal(got.to(value.dtype), value) or (value.dim() == 2 and torch.equal(got.to(value.dtype), value.T))):
                raise CheckFailed(f"{name} holds {hf_name}; it should hold {source}",
                                  ("Map each HuggingFace name to yours as the stub lists.",))
    raise CheckFailed(
        f"{name} does not hold the pretrained weights ({source})",
        (f"It has shape {tuple(got.shape)}; expected {tuple(expected.shape)}, the values of {source}.",),
    )


def _source(expected: torch.Tensor, pretrained) -> str:
    for hf_name, value in pretrained.items():
        if value.shape == expected.shape and torch.equal(value, expected):
            return hf_name
        if value.dim() == 2 and value.shape == expected.shape[::-1] and torch.equal(value.T, expected):
            return f"{hf_name} (transposed)"
    return "the pretrained tensor"
