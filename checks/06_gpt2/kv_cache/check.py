import torch

from mlkata.checking import CheckFailed, context, expect, expect_close, load_reference, part, randint, randn
from mlkata.checking.gpt2 import F64, TIGHT, attention, config_text, copy_state, gpt2_logits, seeded, tiny_config
from mlkata.given.gpt2 import CharTokenizer, GPT2CacheEntry

reference = load_reference(__file__)

LAYOUT = "The classes of this file keep the parameters of yours from the earlier exercises; keep the given __init__s."
CONFIG = tiny_config(dropout=0.1)
HEADS, HEAD_SIZE = CONFIG.num_heads, CONFIG.hidden_size // CONFIG.num_heads
# New positions per call: a prompt, single tokens, and a chunk of several after the cache has filled.
CHUNKS = [5, 1, 1, 3, 2]
STEPS = [5, 1, 1, 3, 1, 1, 1, 1, 1, 1]  # GPT2: 16 positions, max_position_embeddings
CACHE_NOT_ON_MODULE = (
    "Keep the keys and values in the cache entry you are given (cache.k = torch.cat([cache.k, k], dim=2), "
    "the same for v), never on the module: one model serves many caches."
)
NOTHING_STORED = (
    "Nothing was stored in it. Pass the cache down (GPT2 gives cache[i] to block i, the block gives its entry to "
    "the attention) and store k and v in the entry: cache.k = torch.cat([cache.k, k], dim=2), the same for v. "
    "Never keep them on the module: one model serves many caches."
)


def span(start: int, end: int) -> str:
    return f"position {start}" if end - start == 1 else f"positions {start} to {end - 1}"


def chunks(sizes):
    start = 0
    for size in sizes:
        yield start, start + size
        start += size


def cached_call(learner, model, x, cache, *, label, cached, new):
    """The learner's forward with a cache; a crash is explained when the cache shows why."""
    try:
        return learner.call(model, x, cache, name=label)
    except AssertionError as error:
        if cached == 0 or new == 1:
            raise
        raise CheckFailed(
            f"{label} refuses {new} new positions after {cached} cached ones",
            ("Here forward(x, cache) must take any number of new positions, with the cache empty or not (MLAB's "
             "reference asserts one at a time; mlkata's contract is wider): the mask is (S, cached + S).",
             f"The assertion: {error}" if str(error) else "An assert failed."),
        ) from None
    except RuntimeError as error:
        entries = cache if isinstance(cache, list) else [cache]
        for index, entry in enumerate(entries):
            k, v = getattr(entry, "k", None), getattr(entry, "v", None)
            if isinstance(k, torch.Tensor) and isinstance(v, torch.Tensor) and k.dim() == v.dim() == 4 and k.shape[2] != v.shape[2]:
                raise CheckFailed(
                    f"{label} failed with a cache: cache[{index}].k holds {k.shape[2]} positions but cache[{index}].v "
                    f"holds {v.shape[2]}",
                    ("Cache both: append the new keys to cache.k and the new values to cache.v.", f"The error was: {error}"),
                ) from None
        if cached == 0 or new == 1 or "size" not in str(error):
            raise
        raise CheckFailed(
            f"{label} fails when {new} new positions come after {cached} cached ones: "
            f"the mask must have shape ({new}, {cached} + {new})",
            (
                f"Each new query i is position {cached} + i and sees keys 0 .. {cached} + i: compare "
                "torch.arange(cached, cached + S)[:, None] with torch.arange(cached + S)[None, :].",
                f"The error was: {error}",
            ),
        ) from None


def expect_cache_length(entries, length: int, *, what: str) -> None:
    """Every entry holds k and v of shape (1, HEADS, length, HEAD_SIZE)."""
    expected = (1, HEADS, length, HEAD_SIZE)
    for index, entry in enumerate(entries):
        name = f"{what}[{index}]" if len(entries) > 1 else what
        shapes = {field: _shape(getattr(entry, field, None)) for field in ("k", "v")}
        if all(shape == expected for shape in shapes.values()):
            continue
        if len({shape[2] if len(shape) == 4 else None for shape in shapes.values()}) > 1:
            raise CheckFailed(
                f"after {length} positions, {name}.k has shape {shapes['k']} but {name}.v has shape {shapes['v']}",
                ("Cache both: append the new keys to cache.k and the new values to cache.v, along dimension 2.",),
            )
        field = "k" if shapes["k"] != expected else "v"
        grew = len(shapes[field]) == 4 and shapes[field][2] > 0
        raise CheckFailed(
            f"after {length} positions, {name}.{field} has shape {shapes[field]}; expected {expected}",
            (NOTHING_STORED if not grew else
             f"Append each call's new {field} along dimension 2 (the positions) and store the result back in "
             f"{name}.{field}: its length must be the number of positions seen so far.",),
        )


def _shape(value) -> tuple:
    return tuple(value.shape) if isinstance(value, torch.Tensor) else (type(value).__name__,)


@part("UnidirectionalAttention")
def check_attention(learner):
    label = "UnidirectionalAttention(32, 4, dropout=0.1)"
    model = learner.UnidirectionalAttention(32, 4, dropout=0.1)
    ref = seeded(reference.UnidirectionalAttention(32, 4, dropout=0.1), 1)
    with context(label):
        copy_state(model, ref, what=label, layout=LAYOUT)
    model.double().eval()
    state = {name: value.double() for name, value in ref.state_dict().items()}
    x = randn(1, sum(CHUNKS), 32, seed=2, dtype=F64)
    expected = attention(state, x, HEADS, HEAD_SIZE)
    with context(f"{label} in eval mode without a cache, x of shape {tuple(x.shape)}"):
        expect_close(learner.call(model, x, name=label), expected, what="the output without a cache", **TIGHT)
    keys, values = _keys_values(state, x)
    cache = GPT2CacheEntry.empty(HEADS, HEAD_SIZE, dtype=F64)
    for start, end in chunks(CHUNKS):
        with context(f"{label} with a cache entry holding {start} positions, x = the next {end - start} of shape "
                     f"(1, {end - start}, 32)"):
            got = cached_call(learner, model, x[:, start:end], cache, label=label, cached=start, new=end - start)
            expect(
                start == 0 or not _close(got, _unshifted_mask(state, x, start, end)),
                f"the new positions are masked as if they were positions 0, 1, ...: with {start} cached, query i "
                f"sees only keys 0 .. i instead of 0 .. {start} + i",
                "Offset the queries' positions by the cache's length: the mask compares "
                "torch.arange(cached, cached + S)[:, None] with torch.arange(cached + S)[None, :].",
            )
            expect_close(got, expected[:, start:end], what=f"the output for {span(start, end)}", **TIGHT)
            expect_cache_length([cache], end, what="the cache entry")
            expect_close(cache.k, keys[:, :, :end], what="cache.k (the keys of every position so far)", **TIGHT)
            expect_close(cache.v, values[:, :, :end], what="cache.v (the values of every position so far)", **TIGHT)


def _unshifted_mask(state, x, start, end):
    """The attention output for positions start..end-1 when new query i sees keys 0..i only (a mistake)."""
    qkv = torch.nn.functional.linear(x[:, :end], state["qkv_proj.weight"], state["qkv_proj.bias"])
    q, k, v = (t.view(1, end, HEADS, HEAD_SIZE).transpose(1, 2) for t in qkv.split(HEADS * HEAD_SIZE, dim=-1))
    scores = q[:, :, start:end] @ k.transpose(-1, -2) / HEAD_SIZE**0.5  # (1, nh, S, end)
    hidden = torch.arange(end)[None, :] > torch.arange(end - start)[:, None]
    y = scores.masked_fill(hidden, -1e4).softmax(-1) @ v
    y = y.transpose(1, 2).reshape(1, end - start, HEADS * HEAD_SIZE)
    return torch.nn.functional.linear(y, state["output_proj.weight"], state["output_proj.bias"])


def _keys_values(state, x):
    qkv = torch.nn.functional.linear(x, state["qkv_proj.weight"], state["qkv_proj.bias"])
    _, k, v = qkv.split(HEADS * HEAD_SIZE, dim=-1)
    B, T, _ = x.shape
    return (t.view(B, T, HEADS, HEAD_SIZE).transpose(1, 2) for t in (k, v))


@part("GPT2Block")
def check_block(learner):
    label = "GPT2Block(32, 4, 0.1, 1e-05, 'gelu')"
    model = learner.GPT2Block(32, 4, 0.1, 1e-5, "gelu")
    ref = seeded(reference.GPT2Block(32, 4, 0.1, 1e-5, "gelu"), 3)
    with context(label):
        copy_state(model, ref, what=label, layout=LAYOUT)
    model.double().eval()
    ref.double().eval()
    x = randn(1, 7, 32, seed=4, dtype=F64)
    with torch.no_grad():
        expected = ref(x)
    cache = GPT2CacheEntry.empty(HEADS, HEAD_SIZE, dtype=F64)
    for start, end in chunks([4, 1, 2]):
        with context(f"{label} in eval mode with a cache entry holding {start} positions, x of shape (1, {end - start}, 32)"):
            got = cached_call(learner, model, x[:, start:end], cache, label=label, cached=start, new=end - start)
            expect_close(got, expected[:, start:end], what=f"the output for {span(start, end)}", **TIGHT)
            expect_cache_length([cache], end, what="the cache entry given to the block")


def build_gpt2(learner, seed):
    model = learner.GPT2(CONFIG)
    ref = seeded(reference.GPT2(CONFIG), seed)
    with context(f"GPT2({config_text(CONFIG)})"):
        copy_state(model, ref, what="GPT2", layout=LAYOUT)
    return model.double().eval(), ref.double().eval()


@part("GPT2")
def check_gpt2(learner):
    model, ref = build_gpt2(learner, 5)
    ids = randint(0, CONFIG.vocab_size, 2, 10, seed=6)
    weights = Weights(model)
    with context(f"GPT2 in eval mode under torch.no_grad(), without a cache, token ids of shape {tuple(ids.shape)}"), \
            torch.no_grad():
        got = learner.call(model, ids, name="GPT2")
        weights.expect_unchanged()
        expect_close(got, ref(ids), what="the logits without a cache", **TIGHT)

    ids = randint(0, CONFIG.vocab_size, 1, sum(STEPS), seed=7)
    expected = gpt2_logits(ref, ids)
    cache = GPT2CacheEntry.new_empty(CONFIG, dtype=F64)
    restarted = torch.cat([torch.arange(end - start) for start, end in chunks(STEPS)])  # the positions-restart mistake
    for start, end in chunks(STEPS):
        with context(f"GPT2 under torch.no_grad() (as in generation) with a cache holding {start} positions, "
                     f"x = the next {end - start} token ids"), torch.no_grad():
            got = cached_call(learner, model, ids[:, start:end], cache, label="GPT2", cached=start, new=end - start)
            weights.expect_unchanged()
            wrong = gpt2_logits(ref, ids[:, :end], positions=restarted[:end])[:, start:]
            expect(
                start == 0 or not _close(got, wrong),
                f"the logits for {span(start, end)} are those of tokens placed at positions 0, 1, ...: "
                "the new tokens' positions restart at 0",
                f"With {start} positions cached, the new tokens are at positions {start}, {start} + 1, ...: "
                "pos_embedding(torch.arange(cached, cached + S)), cached = cache[0].k.shape[2].",
            )
            expect_close(got, expected[:, start:end], what=f"the logits of {span(start, end)} "
                         "(a full forward without cache gives these)", **TIGHT)
            expect_cache_length(cache, end, what="the cache")

    check_two_caches(learner, model, ref, weights)


class Weights:
    """A copy of a model's state, to show that forwards leave it alone."""

    def __init__(self, model):
        self.model = model
        self.saved = {name: value.clone() for name, value in model.state_dict().items()}

    def expect_unchanged(self):
        for name, value in self.model.state_dict().items():
            expect(name not in self.saved or torch.equal(value, self.saved[name]),
                   f"GPT2's {name} changed during a forward",
                   "A forward may change the cache, never the model: an in-place operation (+=, add_, ...) on a slice "
                   "of a weight (such as pos_embedding.weight[a:b]) writes into the weight itself.")


def check_two_caches(learner, model, ref, weights):
    """Two users of one model: interleaved steps, each cache must only see its own sequence."""
    prompts = {"A": randint(0, CONFIG.vocab_size, 1, 8, seed=8), "B": randint(0, CONFIG.vocab_size, 1, 8, seed=9)}
    caches = {user: GPT2CacheEntry.new_empty(CONFIG, dtype=F64) for user in prompts}
    expected = {user: gpt2_logits(ref, ids) for user, ids in prompts.items()}
    sizes = {"A": [4, 1, 1, 1, 1], "B": [3, 1, 2, 1, 1]}
    spans = {user: list(chunks(sizes[user])) for user in prompts}
    for step in range(5):
        for user in ("A", "B"):
            start, end = spans[user][step]
            with context(f"two caches on one model, used in turn; user {user}'s cache holds {start} positions, "
                         f"x = its next {end - start} token ids"), torch.no_grad():
                got = cached_call(learner, model, prompts[user][:, start:end], caches[user], label="GPT2",
                                  cached=start, new=end - start)
                weights.expect_unchanged()
                if not _close(got, expected[user][:, start:end]):
                    raise CheckFailed(
                        f"with two caches used in turn on one GPT2, user {user}'s logits for {span(start, end)} are wrong: "
                        "the caches are not independent",
                        (CACHE_NOT_ON_MODULE,),
                    )
                expect_cache_length(caches[user], end, what=f"user {user}'s cache")


def _close(got, expected) -> bool:
    return (isinstance(got, torch.Tensor) and got.shape == expected.shape
            and torch.allclose(got.detach().to(expected.dtype), expected, **TIGHT))


# ---------------------------------------------------------------- sample_tokens_with_cache

SAMPLER_SEED = 2  # with these weights, greedy generation after "abc" reaches the end-of-text token in 6 steps


class Recorder:
    """Stands in for model.forward (model(...) and model.forward(...) both reach it) and keeps every call."""

    def __init__(self, model):
        self.model = model
        self.inner = model.forward
        self.calls = []  # (x, cache, logits)
        model.forward = self

    def __call__(self, x, cache=None, *args, **kwargs):
        self.calls.append([x.detach().clone(), cache, None])
        logits = self.inner(x, cache, *args, **kwargs)
        self.calls[-1][2] = logits.detach().clone() if isinstance(logits, torch.Tensor) else logits
        return logits

    def remove(self):
        del self.model.forward


class ReferenceLogits:
    """The reference's last-position logits for a sequence of ids; one forward serves every prefix (causal)."""

    def __init__(self, ref):
        self.ref = ref
        self.memo = {}

    def __call__(self, ids: list[int]) -> torch.Tensor:
        key = tuple(ids)
        if key not in self.memo:
            out = gpt2_logits(self.ref, torch.tensor([ids]))[0]  # (T, V)
            for i in range(len(key)):
                self.memo.setdefault(key[: i + 1], out[i])
        return self.memo[key]


def expected_generation(ref, tokenizer, prompt, max_tokens_generated, temperature=1.0, freq_penalty=2.0,
                        stop_at_eos=True, top_k=1, counted="fed"):
    """The ids an uncached greedy (temperature 0) or top_k = 1 run generates (top_k must be 1).

    counted: which tokens the frequency penalty counts, "fed" (what the model was just given:
    the prompt, then the newest token) or "all" (the whole sequence so far).
    """
    ids = tokenizer(prompt).input_ids
    generated = []
    fed = list(ids)
    for _ in range(max_tokens_generated):
        logits = ref(ids + generated)
        if temperature != 0:
            tokens = torch.tensor(ids + generated if counted == "all" else fed, dtype=torch.int64)
            logits = logits / temperature - freq_penalty * torch.bincount(tokens, minlength=len(logits))
        token = int(torch.argmax(logits))
        generated.append(token)
        if stop_at_eos and token == tokenizer.eos_token_id:
            break
        fed = [token]
    return ids + generated


def run_sampler(learner, model, ref, tokenizer, prompt, settings, label):
    """Run the learner's sampler on the recorded model; check every call it made; its text."""
    recorder = Recorder(model)
    prompt_ids = tokenizer(prompt).input_ids
    try:
        text = learner.sample_tokens_with_cache(model, tokenizer, prompt, **settings)
    except Exception:
        expect_fed_right(recorder.calls, prompt_ids, label)  # a crash that comes from feeding too much
        raise
    finally:
        recorder.remove()
    expect(isinstance(text, str), f"{label} returned {type(text).__name__}, not a str",
           "Return tokenizer.decode(prompt ids + generated ids).")
    expect(len(recorder.calls) > 0, f"{label} never called the model")
    expect_fed_right(recorder.calls, prompt_ids, label)
    sequence = list(prompt_ids)
    for step, (x, cache, logits) in enumerate(recorder.calls):
        if step > 0:
            sequence.append(int(x[0, -1]))
        expect(isinstance(logits, torch.Tensor) and logits.dim() == 3,
               f"the model returned {type(logits).__name__} at step {step + 1}; expected logits (1, S, vocab_size)")
        expect_close(logits[0, -1], ref(sequence), what=f"the logits of the last position at step {step + 1} "
                     "(compared with a full forward without cache)", **TIGHT)
    return text, recorder.calls


def expect_fed_right(calls, prompt_ids, label):
    """Every call had a cache; the first fed the prompt, each later one the token just generated."""
    for step, (x, cache, _) in enumerate(calls):
        expect(cache is not None, f"{label} called the model without a cache (the model call for step {step + 1})",
               "Create the cache once, before the loop (GPT2CacheEntry.new_empty(model.config, dtype=...)), and pass it "
               "to every call: sample_next_token(..., cache=cache).")
        ids = x.tolist()[0] if x.dim() == 2 else x.tolist()
        if step == 0:
            right = ids == list(prompt_ids)
        else:
            right = len(ids) == 1
        if not right:
            raise CheckFailed(
                f"{label} fed the model {len(ids)} token{'s' if len(ids) != 1 else ''} at step {step + 1}; "
                f"with the cache it should feed {'the whole prompt' if step == 0 else 'only the token just generated'}",
                (f"fed {ids}.",
                 "The cache already holds the keys and values of everything fed before: feed the prompt at the "
                 "first step, then only the newest token."),
            )


def expect_text(text, expected_ids, tokenizer, *, label, alternatives=()):
    accepted = [tokenizer.decode(expected_ids), *(tokenizer.decode(ids) for ids in alternatives)]
    if text not in accepted:
        raise CheckFailed(
            f"{label} returned {text!r}; expected {accepted[0]!r}",
            ("The text is the prompt followed by every generated token, decoded with tokenizer.decode; with "
             "stop_at_eos the end-of-text token is the last one kept.",
             *((f"(Counting the frequency penalty over the whole sequence gives {accepted[1]!r}, also accepted.)",)
               if len(accepted) > 1 else ())),
        )


@part("sample_tokens_with_cache")
def check_sampler(learner):
    model, ref_model = build_gpt2(learner, SAMPLER_SEED)
    ref = ReferenceLogits(ref_model)
    tokenizer = CharTokenizer()
    weights = Weights(model)

    settings = dict(max_tokens_generated=10, temperature=0, stop_at_eos=False)
    label = "sample_tokens_with_cache(model, tokenizer, 'abc', max_tokens_generated=10, temperature=0, stop_at_eos=False)"
    with context(f"{label}; greedy, so every step can be compared with a full forward"):
        text, _ = run_sampler(learner, model, ref, tokenizer, "abc", settings, label)
        expect_text(text, expected_generation(ref, tokenizer, "abc", **settings), tokenizer, label=label)

    cache = GPT2CacheEntry.new_empty(CONFIG, dtype=F64)
    settings = dict(max_tokens_generated=12, temperature=0, stop_at_eos=True)
    label = "sample_tokens_with_cache(model, tokenizer, 'abc', max_tokens_generated=12, temperature=0, cache=cache)"
    with context(f"{label}; the end-of-text token comes at step 6"):
        text, calls = run_sampler(learner, model, ref, tokenizer, "abc", {**settings, "cache": cache}, label)
        expected = expected_generation(ref, tokenizer, "abc", **settings)
        expect_text(text, expected, tokenizer, label=label)
        expect(all(call_cache is cache for _, call_cache, _ in calls),
               f"{label} did not use the cache it was given",
               "When the caller passes a cache, use it (and fill it); create a new one only when cache is None.")
        expect_cache_length(cache, len(expected) - 1, what="the cache given")

    settings = dict(max_tokens_generated=8, temperature=0.5, freq_penalty=2.0, top_k=1)
    label = "sample_tokens_with_cache(model, tokenizer, 'zebra', max_tokens_generated=8, temperature=0.5, freq_penalty=2.0, top_k=1)"
    with context(f"{label}; top_k = 1 makes the penalised choice deterministic"):
        text, _ = run_sampler(learner, model, ref, tokenizer, "zebra", settings, label)
        fed = expected_generation(ref, tokenizer, "zebra", **settings, counted="fed")
        whole = expected_generation(ref, tokenizer, "zebra", **settings, counted="all")
        if text == tokenizer.decode(expected_generation(ref, tokenizer, "zebra", **{**settings, "freq_penalty": 0.0})):
            raise CheckFailed(f"{label} ignores freq_penalty",
                              ("Pass temperature, freq_penalty, top_k and top_p on to sample_next_token.",))
        expect_text(text, fed, tokenizer, label=label, alternatives=[whole])
    with context("after the three runs of sample_tokens_with_cache"):
        weights.expect_unchanged()
