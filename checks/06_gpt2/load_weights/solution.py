import torch

from mlkata.exercises.gpt2 import GPT2
from mlkata.given.gpt2 import GPTConfig

# Our names -> HuggingFace's, inside block i (transformer.h.{i}); Conv1D weights are stored (in, out).
BLOCK_LINEARS = {"attn.qkv_proj": "attn.c_attn", "attn.output_proj": "attn.c_proj", "linear1": "mlp.c_fc", "linear2": "mlp.c_proj"}
BLOCK_NORMS = {"ln1": "ln_1", "ln2": "ln_2"}


def load_pretrained_weights(pretrained: dict[str, torch.Tensor], config: GPTConfig) -> GPT2:
    model = GPT2(config)
    state = {
        "token_embedding.weight": pretrained["transformer.wte.weight"],
        "pos_embedding.weight": pretrained["transformer.wpe.weight"],
        "ln.weight": pretrained["transformer.ln_f.weight"],
        "ln.bias": pretrained["transformer.ln_f.bias"],
    }
    for i in range(config.num_layers):
        ours, theirs = f"blocks.{i}.", f"transformer.h.{i}."
        for name, hf_name in BLOCK_NORMS.items():
            state[ours + name + ".weight"] = pretrained[theirs + hf_name + ".weight"]
            state[ours + name + ".bias"] = pretrained[theirs + hf_name + ".bias"]
        for name, hf_name in BLOCK_LINEARS.items():
            state[ours + name + ".weight"] = pretrained[theirs + hf_name + ".weight"].T  # (in, out) -> (out, in)
            state[ours + name + ".bias"] = pretrained[theirs + hf_name + ".bias"]
    model.load_state_dict(state)  # copies: the model does not share memory with `pretrained`
    return model
