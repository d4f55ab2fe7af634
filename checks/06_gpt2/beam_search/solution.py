import torch


def beam_search(
    model,
    input_ids: torch.Tensor,
    num_return_sequences: int,
    num_beams: int,
    max_new_tokens: int,
    tokenizer,
    verbose=False,
) -> list[tuple[float, torch.Tensor]]:
    assert num_return_sequences <= num_beams
    beams = input_ids[None, :]  # (B, T): the prompt is the only beam at first
    scores = torch.zeros(1, dtype=torch.float64)  # (B,): log-probability of each beam's continuation
    finished: list[tuple[float, torch.Tensor]] = []
    for _ in range(max_new_tokens):
        with torch.inference_mode():
            logprobs = model(beams)[:, -1].log_softmax(dim=-1).double()  # (B, V)
        B, V = logprobs.shape
        candidates = (scores[:, None] + logprobs).flatten()  # (B * V,): entry b * V + v extends beam b with token v
        top_scores, top_indexes = candidates.topk(min(2 * num_beams, B * V))  # best first
        next_beams, next_scores = [], []
        for score, index in zip(top_scores.tolist(), top_indexes.tolist()):
            beam, token = index // V, index % V
            if token == tokenizer.eos_token_id:
                finished.append((score, beams[beam].clone()))  # kept without its EOS
            else:
                next_beams.append(torch.cat([beams[beam], beams.new_tensor([token])]))
                next_scores.append(score)
                if len(next_beams) == num_beams:
                    break
        if len(finished) >= num_return_sequences:
            break
        beams = torch.stack(next_beams)  # (num_beams, T + 1)
        scores = torch.tensor(next_scores, dtype=torch.float64)
        if verbose:
            for score, text in zip(scores.tolist(), tokenizer.batch_decode(beams)):
                print(f"{score:.3f} {text!r}")
    missing = max(0, num_return_sequences - len(finished))
    finished += [(score, beam) for score, beam in zip(scores.tolist()[:missing], beams[:missing])]  # best unfinished
    return sorted(finished, key=lambda pair: pair[0], reverse=True)[:num_return_sequences]
