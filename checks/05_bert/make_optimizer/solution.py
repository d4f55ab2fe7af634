import torch
from torch import nn

from mlkata.exercises.bert_language_model import BertLanguageModel


def make_optimizer(model: BertLanguageModel, config_dict: dict) -> torch.optim.AdamW:
    """AdamW with two groups: every nn.Linear weight (decayed), then every other parameter (not)."""
    decay = {id(m.weight): m.weight for m in model.modules() if isinstance(m, nn.Linear)}  # by identity: a tied weight once
    no_decay = [p for p in model.parameters() if id(p) not in decay]  # parameters() lists each tensor once
    groups = [
        dict(params=list(decay.values()), weight_decay=config_dict["weight_decay"]),
        dict(params=no_decay, weight_decay=0.0),
    ]
    return torch.optim.AdamW(groups, lr=config_dict["lr"], eps=config_dict["eps"])
