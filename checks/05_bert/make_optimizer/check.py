import torch
from torch import nn

from mlkata.checking import CheckFailed, context, expect, load_reference
from mlkata.checking.bert import config_text, optimizers_without_dynamo, tiny_config

optimizers_without_dynamo()
reference = load_reference(__file__)  # its BertLanguageModel is the bert_language_model reference

CONFIG = {"lr": 2e-4, "weight_decay": 0.01, "eps": 1e-6, "epochs": 40, "batch_size": 128, "warmup_step_frac": 0.01}
OTHER_CONFIG = {"lr": 0.05, "weight_decay": 0.3, "eps": 1e-3, "max_grad_norm": None}


class Tied(nn.Module):
    """Linear layers with and without bias, a tied pair, a conv, norms, an embedding, a bare parameter."""

    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(7, 4)
        self.body = nn.Sequential(nn.Linear(4, 4), nn.LayerNorm(4), nn.ReLU(), nn.Linear(4, 4, bias=False))
        self.encode = nn.Linear(4, 3)
        self.decode = nn.Linear(4, 3)
        self.decode.weight = self.encode.weight  # one tensor, two modules
        self.conv = nn.Conv1d(4, 2, 3)
        self.scale = nn.Parameter(torch.ones(3))
        self.embed_again = self.embed.weight  # the embedding's weight registered under a second name


def label_names(model, parameters):
    names = {id(p): name for name, p in model.named_parameters()}
    return ", ".join(names.get(id(p), "(not a parameter of the model)") for p in parameters[:6]) + (
        f", ... ({len(parameters)} in all)" if len(parameters) > 6 else "")


def expect_groups(learner, model, config_dict, label):
    try:
        optimizer = learner.make_optimizer(model, config_dict)
    except RuntimeError as error:
        if "Boolean value of Tensor" not in str(error) and "must match the size of tensor" not in str(error):
            raise
        raise CheckFailed(f"make_optimizer compared tensors by value: {str(error).splitlines()[0]}",
                          ("`p in some_list` and `p == q` compare the numbers inside tensors, element by element. Compare "
                           "parameters by identity: `p is q`, or keep a set of id(p).",)) from None
    except ValueError as error:
        if "more than one parameter group" not in str(error):
            raise
        raise CheckFailed("AdamW refused the groups: some parameter is in both of them",
                          ("A tensor shared by two modules (a tied weight) is listed once by model.parameters(), but "
                           "once per module by a loop over modules: collect by identity, e.g. a dict keyed by id(p).",)) from None
    expect(isinstance(optimizer, torch.optim.AdamW),
           f"make_optimizer returned {type(optimizer).__name__}; expected a torch.optim.AdamW",
           "Build torch.optim.AdamW(groups, lr=config_dict[\"lr\"], eps=config_dict[\"eps\"]).")
    groups = optimizer.param_groups
    expect(len(groups) == 2, f"the optimizer has {len(groups)} parameter groups; expected 2 (decayed, then not decayed)")
    expected = reference.make_optimizer(model, config_dict).param_groups
    for index, (group, want) in enumerate(zip(groups, expected)):
        kind = "the nn.Linear weights, decayed" if index == 0 else "everything else, not decayed"
        got_ids = [id(p) for p in group["params"]]
        twice = [p for i, p in enumerate(group["params"]) if got_ids.index(id(p)) != i]
        if twice:
            raise CheckFailed(f"group {index} ({kind}) lists {label_names(model, twice)} more than once",
                              ("A tied tensor belongs to two modules but is one parameter: list each tensor once "
                               "(model.parameters() does; so does a dict keyed by id(p)).",))
        extra = [p for p in group["params"] if id(p) not in {id(q) for q in want["params"]}]
        missing = [p for p in want["params"] if id(p) not in set(got_ids)]
        if extra:
            names = label_names(model, extra)
            if index == 0 and any(p.dim() == 1 for p in extra):
                why = ("Biases and LayerNorm weights are not decayed. Select by module type, isinstance(module, nn.Linear), "
                       "and take only module.weight: a LayerNorm's and an Embedding's parameters are called \"weight\" too.")
            else:
                why = "Group 0 is exactly the weights of the nn.Linear modules; group 1 is every other parameter."
            raise CheckFailed(f"group {index} ({kind}) holds {names}, which belong in group {1 - index}", (why,))
        if missing:
            where = "no group" if index == 1 else "group 1"
            raise CheckFailed(f"group {index} ({kind}) lacks {label_names(model, missing)} (now in {where})",
                              ("Every parameter of the model goes in one group: walk model.parameters() (or "
                               "named_parameters()) for group 1, not only the parameters of some submodule types; "
                               "a Parameter set directly on the model, like unembed_bias, counts too.",))
        for key, value in (("weight_decay", want["weight_decay"]), ("lr", config_dict["lr"]), ("eps", config_dict["eps"])):
            expect(group.get(key) == value, f"group {index} ({kind}) has {key} = {group.get(key)!r}; expected {value!r}",
                   "weight_decay is config_dict[\"weight_decay\"] for group 0 and 0 for group 1." if key == "weight_decay"
                   else f"Pass {key}=config_dict[\"{key}\"] to torch.optim.AdamW.")


def check(learner):
    config = tiny_config(num_layers=3)
    model = reference.BertLanguageModel(config)
    with context(f"BertLanguageModel({config_text(config, ('hidden_size', 'num_layers'))}), config_dict {CONFIG}"):
        expect_groups(learner, model, CONFIG, "BertLanguageModel")
        optimizer = learner.make_optimizer(model, CONFIG)
        decayed = len(optimizer.param_groups[0]["params"])
        expect(decayed == 6 * config.num_layers + 1,
               f"{decayed} tensors are decayed; expected 6 per layer (4 attention projections, 2 MLP linears) plus lm_linear's = "
               f"{6 * config.num_layers + 1}")
    with context(f"a model with a tied pair of Linear layers, a Linear without bias, LayerNorm, Embedding, Conv1d and a bare "
                 f"Parameter, config_dict {OTHER_CONFIG}"):
        expect_groups(learner, Tied(), OTHER_CONFIG, "the model")
