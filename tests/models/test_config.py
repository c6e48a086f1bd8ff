"""weavergen.toml: valid files build the right models, every mistake is named."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.models.model_server import ScriptedServer, openai_reply
from weavergen.errors import ConfigError, ProviderUnavailable
from weavergen.models import (
    AnthropicChatModel,
    OpenAIChatModel,
    Prompt,
    SimulatedModel,
    load_models_config,
)

FULL = """
[models.local_qwen]
provider = "openai"
model = "qwen3:8b"
base_url = "http://127.0.0.1:11434/v1"
price_per_mtok = 0.01
tier = "local"
timeout_s = 5
max_retries = 1

[models.claude]
provider = "anthropic"
model = "claude-x"
base_url = "http://127.0.0.1:9/"
api_key_env = "WG_TEST_ANTHROPIC_KEY"
input_per_mtok = 3.0
output_per_mtok = 15.0
cached_input_per_mtok = 0.3
cache_write_per_mtok = 6.0
circuit_failures = 2
circuit_cooldown_s = 5

[models.gpt4]
provider = "simulated"
success_rate = 0.5
"""


def write(tmp_path: Path, text: str) -> Path:
    """Write ``text`` as weavergen.toml and return its path."""
    path = tmp_path / "weavergen.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_no_file_gives_the_simulated_fleet() -> None:
    """load_models_config(None) is the five seed models, all simulated."""
    config = load_models_config(None)
    assert config.names() == [
        "qwen3_local",
        "claude_haiku",
        "gpt4_mini",
        "claude_sonnet",
        "gpt4",
    ]
    assert config.simulated is True
    assert [m.name for m in config.by_tier("local")] == ["qwen3_local"]


def test_file_without_models_table_gives_the_simulated_fleet(tmp_path: Path) -> None:
    """Other sections alone do not define models."""
    config = load_models_config(write(tmp_path, "[cache]\npath = 'x'\n"))
    assert len(config) == 5
    assert config.simulated is True


def test_full_file_builds_each_provider_with_its_settings(tmp_path: Path) -> None:
    """Adapters get URL, prices, tier, retries and breaker from the file."""
    config = load_models_config(write(tmp_path, FULL))
    local, claude, gpt4 = (config.get(n) for n in ("local_qwen", "claude", "gpt4"))
    assert isinstance(local, OpenAIChatModel)
    assert local.url == "http://127.0.0.1:11434/v1/chat/completions"
    assert (local.tier, local.timeout_s, local.retry.max_retries) == ("local", 5.0, 1)
    assert (local.price.input_per_mtok, local.price.cached_rate) == (0.01, 0.01)
    assert isinstance(claude, AnthropicChatModel)
    assert claude.url == "http://127.0.0.1:9/v1/messages"
    assert claude.price.cache_write_rate == 6.0
    assert claude.breaker.failure_threshold == 2
    assert isinstance(gpt4, SimulatedModel)
    assert (gpt4.success_rate, gpt4.price.input_per_mtok, gpt4.tier) == (
        0.5,
        4.5,
        "cloud",
    )
    assert config.simulated is False


def test_missing_key_variable_is_reported_only_when_called(tmp_path: Path) -> None:
    """Loading works without the key; the call is unavailable, naming file and key."""
    path = write(tmp_path, FULL)
    model = load_models_config(path).get("claude")
    with pytest.raises(ProviderUnavailable) as info:
        model.complete(Prompt("", "hi"))
    message = str(info.value)
    assert str(path) in message
    assert "models.claude.api_key_env" in message
    assert "WG_TEST_ANTHROPIC_KEY" in message


def test_configured_model_talks_to_its_server(
    tmp_path: Path, server: ScriptedServer
) -> None:
    """A model loaded from the file calls its base_url and bills its prices."""
    text = f"""
[models.m]
provider = "openai"
model = "x"
base_url = "{server.url}/v1"
input_per_mtok = 1.0
output_per_mtok = 2.0
"""
    config = load_models_config(write(tmp_path, text))
    server.queue(openai_reply("hi", {"prompt_tokens": 1000, "completion_tokens": 1000}))
    try:
        assert config.get("m").complete(Prompt("", "hi")).cost_usd == pytest.approx(
            0.003
        )
    finally:
        config.close()


BAD_FILES = [
    ('[models.m]\nprovider = "gemini"\n', "models.m.provider: expected one of"),
    ('[models.m]\nmodel = "x"\n', "models.m.provider: missing"),
    (
        '[models.m]\nprovider = "openai"\nmodel = "x"\nprice_per_mtok = 1\n',
        "models.m.base_url: missing",
    ),
    (
        '[models.m]\nprovider = "openai"\nmodel = "x"\nbase_url = "http://127.0.0.1"\n',
        "models.m.input_per_mtok: missing",
    ),
    (
        '[models.m]\nprovider = "simulated"\nprice_per_mtok = -1\nsuccess_rate = 0.5\n',
        "models.m.price_per_mtok: expected a number >= 0, got -1",
    ),
    (
        '[models.m]\nprovider = "simulated"\nprice_per_mtok = 1\nsuccess_rate = 1.5\n',
        "models.m.success_rate: expected a probability",
    ),
    (
        '[models.gpt4]\nprovider = "simulated"\noutput_per_mtok = "cheap"\n',
        "models.gpt4.output_per_mtok: expected a number, got 'cheap'",
    ),
    ('[models.gpt4]\nprovider = "simulated"\ntier = "edge"\n', "models.gpt4.tier"),
    ('[models.gpt4]\nprovider = "simulated"\napi_key = "k"\n', "models.gpt4.api_key"),
    ('[models.gpt4]\nprovider = "simulated"\nseed = -2\n', "models.gpt4.seed"),
    (
        '[models.m]\nprovider = "openai"\nmodel = "x"\nbase_url = "http://127.0.0.1"\n'
        "price_per_mtok = 1\ntimeout_s = 0\n",
        "models.m.timeout_s: expected a positive number",
    ),
    (
        '[models.m]\nprovider = "openai"\nmodel = "x"\nbase_url = "http://127.0.0.1"\n'
        "price_per_mtok = 1\nmax_retries = 1.5\n",
        "models.m.max_retries: expected an integer >= 0",
    ),
    (
        '[models.m]\nprovider = "openai"\nmodel = "x"\nbase_url = "http://[::1"\n'
        "price_per_mtok = 1\n",
        "models.m.base_url: expected an http(s) URL",
    ),
    (
        '[models.m]\nprovider = "openai"\nmodel = "x"\nbase_url = "ftp://127.0.0.1"\n'
        "price_per_mtok = 1\n",
        "models.m.base_url: expected an http:// or https:// URL",
    ),
    (
        '[models.m]\nprovider = "anthropic"\nmodel = "x"\nbase_url = "not a url"\n'
        "price_per_mtok = 1\n",
        "models.m.base_url: expected an http:// or https:// URL",
    ),
    (
        '[models.m]\nprovider = "simulated"\nprice_per_mtok = nan\nsuccess_rate = 1\n',
        "models.m.price_per_mtok: expected a finite number, got nan",
    ),
    (
        '[models.m]\nprovider = "openai"\nmodel = "x"\nbase_url = "http://127.0.0.1"\n'
        "price_per_mtok = 1\ntimeout_s = inf\n",
        "models.m.timeout_s: expected a finite number, got inf",
    ),
    ("models = 3\n", "models: expected a table"),
    ("[models]\nm = 1\n", "models.m: expected a table"),
    ("[models.m\nprovider = 1\n", "not valid TOML"),
]


@pytest.mark.parametrize(("text", "expected"), BAD_FILES)
def test_each_mistake_names_file_and_key(
    tmp_path: Path, text: str, expected: str
) -> None:
    """Every bad file raises ConfigError with the path and the offending key."""
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_models_config(path)
    assert str(path) in str(info.value)
    assert expected in str(info.value)


def test_toml_syntax_error_says_the_line(tmp_path: Path) -> None:
    """A TOML syntax error reports its line."""
    path = write(tmp_path, '[models.m]\nprovider = "openai"\nmodel = \n')
    with pytest.raises(ConfigError, match="line 3"):
        load_models_config(path)


def test_missing_file_is_a_config_error(tmp_path: Path) -> None:
    """A path that does not exist says so."""
    with pytest.raises(ConfigError, match="file not found"):
        load_models_config(tmp_path / "nope.toml")


def test_unknown_model_name_lists_the_known_ones() -> None:
    """get() of an unknown name says which names exist."""
    with pytest.raises(ConfigError, match="known: qwen3_local, claude_haiku"):
        load_models_config(None).get("gpt5")
