"""The simulated fleet: seed prices, success rates, determinism, flags."""

from __future__ import annotations

import pytest

from weavergen.errors import RequestError
from weavergen.models import ChatModel, Prompt, SimulatedModel, simulated_fleet

REFERENCE = 'A = "http.request.method"\nB = "ms"\nC = ["x", "y"]\n'


def prompt(key: str, complexity: float = 0.5) -> Prompt:
    """A prompt with a reference answer and its own seed key."""
    return Prompt(
        "sys", "generate", reference=REFERENCE, complexity=complexity, seed_key=key
    )


def model(name: str = "gpt4_mini") -> SimulatedModel:
    """A fresh model of the seed fleet."""
    return next(m for m in simulated_fleet() if m.name == name)


def success_share(sim: SimulatedModel, complexity: float, n: int = 2000) -> float:
    """Share of n distinct requests answered right at the first attempt."""
    hits = sum(sim.draw(prompt(f"k{i}", complexity), 0).correct for i in range(n))
    return hits / n


def test_fleet_has_the_seed_names_prices_rates_and_tiers() -> None:
    """Five models priced and rated as in the seed, only qwen3_local local."""
    rows = [
        (m.name, m.price.input_per_mtok, m.success_rate, m.tier)
        for m in simulated_fleet()
    ]
    assert rows == [
        ("qwen3_local", 0.01, 0.78, "local"),
        ("claude_haiku", 0.50, 0.85, "cloud"),
        ("gpt4_mini", 1.50, 0.90, "cloud"),
        ("claude_sonnet", 3.00, 0.95, "cloud"),
        ("gpt4", 4.50, 0.97, "cloud"),
    ]
    assert all(isinstance(m, ChatModel) for m in simulated_fleet())


@pytest.mark.parametrize("name", ["qwen3_local", "gpt4_mini", "gpt4"])
def test_first_attempt_success_matches_the_base_rate(name: str) -> None:
    """Over 2000 requests at complexity 0.5 the share is within 3 points."""
    sim = model(name)
    assert success_share(sim, 0.5) == pytest.approx(sim.success_rate, abs=0.03)


def test_hard_requests_fail_more_often() -> None:
    """p = base ** (0.5 + c): 0.78**1.5 = 0.689 at c = 1, 0.883 at c = 0."""
    sim = model("qwen3_local")
    assert sim.success_probability(1.0) == pytest.approx(0.78**1.5)
    assert sim.success_probability(0.0) == pytest.approx(0.78**0.5)
    assert success_share(sim, 1.0) == pytest.approx(0.689, abs=0.03)
    assert success_share(sim, 0.0) == pytest.approx(0.883, abs=0.03)


def test_outcome_is_independent_of_call_order() -> None:
    """Two models asked the same keys in opposite orders answer the same."""
    keys = [f"k{i}" for i in range(40)]
    forward, backward = model("qwen3_local"), model("qwen3_local")
    ahead = {k: forward.complete(prompt(k)).text for k in keys}
    behind = {k: backward.complete(prompt(k)).text for k in reversed(keys)}
    assert ahead == behind


def test_asking_again_is_a_new_attempt() -> None:
    """The n-th call for a key equals complete_attempt(prompt, n)."""
    sim = model("qwen3_local")
    texts = [sim.complete(prompt("same")).text for _ in range(6)]
    fresh = model("qwen3_local")
    assert texts == [fresh.complete_attempt(prompt("same"), n).text for n in range(6)]


def test_models_and_seeds_draw_independently() -> None:
    """Different seeds of the same model disagree on some requests."""
    seeded = SimulatedModel(
        "qwen3_local", price=model().price, success_rate=0.78, seed=1
    )
    base = model("qwen3_local")
    keys = [f"k{i}" for i in range(100)]
    assert [base.draw(prompt(k), 0).correct for k in keys] != [
        seeded.draw(prompt(k), 0).correct for k in keys
    ]


def test_right_answer_is_the_reference_and_wrong_one_is_flawed() -> None:
    """Correct draws return the reference exactly; others name their flaw."""
    sim = model("qwen3_local")
    draws = [sim.draw(prompt(f"k{i}"), 0) for i in range(200)]
    assert all(d.text == REFERENCE for d in draws if d.correct)
    wrong = [d for d in draws if not d.correct]
    assert all(d.text != REFERENCE and d.flaw is not None for d in wrong)
    assert {d.flaw for d in wrong} == {"missing_line", "wrong_value", "syntax_error"}


def test_completion_is_marked_simulated_and_billed_on_chars() -> None:
    """Tokens are chars/4 of prompt and answer; cost at $1.50 blended."""
    completion = model("gpt4_mini").complete_attempt(prompt("k"), 0)
    assert (completion.simulated, completion.provider) == (True, "simulated")
    assert completion.usage.input_tokens == 1 + 2  # "sys" and "generate"
    assert completion.usage.output_tokens == -(-len(completion.text) // 4)
    assert completion.usage.estimated is True
    total = completion.usage.input_tokens + completion.usage.output_tokens
    assert completion.cost_usd == pytest.approx(total * 1.5 / 1e6)


def test_latency_is_modelled_not_slept() -> None:
    """Latency is a positive figure in the modelled range for the tier."""
    local = model("qwen3_local").complete(prompt("k"))
    cloud = model("gpt4").complete(prompt("k"))
    assert 0.04 < local.latency_s < 1.0
    assert 0.28 < cloud.latency_s < 1.0


def test_missing_reference_is_a_request_error() -> None:
    """Without ground truth the simulation cannot answer; it says why."""
    with pytest.raises(RequestError, match=r"needs prompt\.reference"):
        model().complete(Prompt("sys", "user"))


def test_empty_seed_key_falls_back_to_prompt_text() -> None:
    """Identical prompts without seed keys draw the same first answer."""
    a = Prompt("s", "u", reference=REFERENCE)
    assert model("qwen3_local").draw(a, 0) == model("qwen3_local").draw(a, 0)
