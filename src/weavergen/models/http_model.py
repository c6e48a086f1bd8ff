"""What every HTTP model adapter shares: one client, retries, breaker, errors.

The wire formats differ (:mod:`weavergen.models.openai_compat`,
:mod:`weavergen.models.anthropic`); everything else is here so that both
providers retry, time out, fail and bill the same way. Everything that can be
resolved before the first call (URL, price, headers, client) is, so the hot
path is one POST, one JSON decode and a few dictionary lookups.

The API key is read from its environment variable on the first call, kept in
the request headers only, and scrubbed from any provider text that goes into
an error message; it never reaches a log line or an exception.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Callable
from typing import Any, ClassVar

import httpx

from weavergen.errors import (
    ConfigError,
    ProviderError,
    ProviderRateLimited,
    ProviderResponseError,
    ProviderUnavailable,
)
from weavergen.models.chat import Completion, PricedModel, Prompt, Tier
from weavergen.models.circuit import CircuitBreaker
from weavergen.models.pricing import ModelPrice, Usage, estimate_tokens
from weavergen.models.retry import RetryPolicy, parse_retry_after

logger = logging.getLogger(__name__)

JsonObject = dict[str, Any]

_SNIPPET_CHARS = 200
# No single call reads or writes more; a larger count is a garbled body, and
# billing it would put absurd figures into the ledger.
MAX_TOKENS_PER_CALL = 100_000_000
# A chat answer is kilobytes; more than this is not one, and is not buffered.
MAX_BODY_BYTES = 16 * 1024 * 1024
_HTTP_TOO_MANY_REQUESTS = 429
_HTTP_SERVER_ERROR = 500
_HTTP_CLIENT_ERROR = 400


class _RetryableFailure(Exception):
    """One attempt failed in a way that may clear up on its own."""

    def __init__(
        self,
        error_class: type[ProviderError],
        reason: str,
        retry_after_s: float | None = None,
    ) -> None:
        super().__init__(reason)
        self.error_class = error_class
        self.reason = reason
        self.retry_after_s = retry_after_s


class HttpChatModel(PricedModel):
    """Base of the HTTP adapters; subclasses supply the wire format."""

    provider: ClassVar[str] = "http"
    path: ClassVar[str] = ""

    def __init__(
        self,
        *,
        name: str,
        model: str,
        base_url: str,
        price: ModelPrice,
        api_key_env: str | None = None,
        timeout_s: float = 60.0,
        tier: Tier = "cloud",
        retry: RetryPolicy | None = None,
        breaker: CircuitBreaker | None = None,
        sleep: Callable[[float], None] = time.sleep,
        config_source: str = "<code>",
    ) -> None:
        super().__init__(name, price, tier)
        self.model = model
        self.url = base_url.rstrip("/") + self.path
        self.api_key_env = api_key_env
        self.timeout_s = timeout_s
        self.retry = retry or RetryPolicy()
        self.breaker = breaker or CircuitBreaker(name)
        self._sleep = sleep
        self._config_source = config_source
        self._where = f"model {name} (POST {self.url})"
        self._client: httpx.Client | None = None
        self._headers: dict[str, str] | None = None
        self._secret: str | None = None
        self._warned_missing_key = False
        self._init_lock = threading.Lock()

    @property
    def simulated(self) -> bool:
        """Always False: a real server answers."""
        return False

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self._name!r}, url={self.url!r})"

    def complete(self, prompt: Prompt) -> Completion:
        """Send ``prompt``, retrying transient failures; bill the usage."""
        # A missing key is checked before the breaker: it is not the
        # provider's failure, and an open circuit would hide the variable.
        self._connection()
        try:
            self.breaker.before_call()
        except ProviderUnavailable as exc:
            raise ProviderUnavailable(f"{self._where}: {exc}") from None
        started_s = time.perf_counter()
        try:
            text, usage, attempts = self._call_with_retries(prompt)
        except ProviderError:
            self.breaker.record_failure()
            raise
        self.breaker.record_success()
        return self._completion(text, usage, attempts, time.perf_counter() - started_s)

    def close(self) -> None:
        """Close the HTTP connection pool."""
        if self._client is not None:
            self._client.close()
            self._client = None

    # -- provider-specific parts -------------------------------------------

    def build_body(self, prompt: Prompt) -> JsonObject:
        """The JSON request body for ``prompt``."""
        raise NotImplementedError

    def auth_headers(self, api_key: str | None) -> dict[str, str]:
        """Headers that carry the key and the API version."""
        raise NotImplementedError

    def parse_body(self, payload: JsonObject, prompt: Prompt) -> tuple[str, Usage]:
        """The answer text and normalised usage from a decoded body."""
        raise NotImplementedError

    # -- shared machinery ---------------------------------------------------

    def _call_with_retries(self, prompt: Prompt) -> tuple[str, Usage, int]:
        client, headers = self._connection()
        body = self.build_body(prompt)
        retry_index = 0
        while True:
            try:
                payload = self._post_once(client, body, headers)
            except _RetryableFailure as failure:
                self._wait_or_give_up(failure, retry_index)
                retry_index += 1
                continue
            text, usage = self._parse(payload, prompt)
            return text, usage, retry_index + 1

    def _wait_or_give_up(self, failure: _RetryableFailure, retry_index: int) -> None:
        wait_s = self.retry.wait_s(retry_index, failure.retry_after_s)
        attempts = retry_index + 1
        if wait_s is None:
            raise failure.error_class(
                f"{self._where}: {failure.reason}; gave up after {attempts} attempt(s)"
            ) from failure.__cause__
        logger.warning(
            "%s: %s; retry %d in %.2fs", self._where, failure.reason, attempts, wait_s
        )
        self._sleep(wait_s)

    def _post_once(
        self, client: httpx.Client, body: JsonObject, headers: dict[str, str]
    ) -> JsonObject:
        request = client.build_request("POST", self.url, json=body, headers=headers)
        try:
            response = client.send(request, stream=True)
        except httpx.TimeoutException as exc:
            reason = f"no answer within {self.timeout_s}s"
            raise _RetryableFailure(ProviderUnavailable, reason) from exc
        except httpx.TransportError as exc:
            raise _RetryableFailure(
                ProviderUnavailable, _transport_reason(exc)
            ) from exc
        except httpx.HTTPError as exc:
            raise ProviderUnavailable(
                f"{self._where}: request failed ({type(exc).__name__})"
            ) from exc
        try:
            raw = self._read_body(response)
        finally:
            response.close()
        self._check_status(response, raw)
        return self._decode(raw)

    def _read_body(self, response: httpx.Response) -> bytes:
        try:
            return self._read_within_deadline(response)
        except httpx.TimeoutException as exc:
            reason = f"body not finished within {self.timeout_s}s"
            raise _RetryableFailure(ProviderUnavailable, reason) from exc
        except httpx.TransportError as exc:
            reason = f"response body cut off ({type(exc).__name__})"
            raise _RetryableFailure(ProviderResponseError, reason) from exc
        except httpx.DecodingError as exc:
            # A body whose Content-Encoding does not match its bytes.
            raise ProviderResponseError(
                f"{self._where}: body could not be decoded ({type(exc).__name__})"
            ) from exc

    def _read_within_deadline(self, response: httpx.Response) -> bytes:
        # httpx's timeout bounds each read, so a server sending one byte a
        # second would never time out; the whole body gets timeout_s too.
        deadline = time.monotonic() + self.timeout_s
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            chunks.append(chunk)
            size += len(chunk)
            if size > MAX_BODY_BYTES:
                raise ProviderResponseError(
                    f"{self._where}: body larger than {MAX_BODY_BYTES:,} bytes"
                )
            if time.monotonic() > deadline:
                reason = f"body not finished within {self.timeout_s}s"
                raise _RetryableFailure(ProviderUnavailable, reason)
        return b"".join(chunks)

    def _check_status(self, response: httpx.Response, raw: bytes) -> None:
        status = response.status_code
        if status < _HTTP_CLIENT_ERROR:
            return
        detail = f"HTTP {status}: {self._snippet(raw)}"
        if status == _HTTP_TOO_MANY_REQUESTS or status >= _HTTP_SERVER_ERROR:
            error_class: type[ProviderError] = (
                ProviderRateLimited
                if status == _HTTP_TOO_MANY_REQUESTS
                else ProviderUnavailable
            )
            retry_after_s = parse_retry_after(response.headers.get("retry-after"))
            raise _RetryableFailure(error_class, detail, retry_after_s)
        raise ProviderUnavailable(f"{self._where}: request rejected, {detail}")

    def _decode(self, raw: bytes) -> JsonObject:
        try:
            payload = json.loads(raw)
        except ValueError as exc:
            raise ProviderResponseError(
                f"{self._where}: body is not JSON: {self._snippet(raw)}"
            ) from exc
        if not isinstance(payload, dict):
            raise ProviderResponseError(f"{self._where}: body is not a JSON object")
        return payload

    def _parse(self, payload: JsonObject, prompt: Prompt) -> tuple[str, Usage]:
        try:
            return self.parse_body(payload, prompt)
        except (KeyError, IndexError, TypeError, ValueError, AttributeError) as exc:
            # The exception text may quote body values, so it is scrubbed too.
            detail = self._redact(f"{type(exc).__name__}: {exc}")
            # Not chained: the original exception's text is the unscrubbed one.
            raise ProviderResponseError(
                f"{self._where}: unexpected body shape ({detail})"
            ) from None

    def _completion(
        self, text: str, usage: Usage, attempts: int, latency_s: float
    ) -> Completion:
        cost_usd = self._price.cost_usd(usage)
        logger.info(
            "model %s: %d in / %d out tokens%s, $%.6f, %.3fs",
            self._name,
            usage.input_tokens,
            usage.output_tokens,
            " (estimated)" if usage.estimated else "",
            cost_usd,
            latency_s,
        )
        return Completion(
            model=self._name,
            provider=self.provider,
            text=text,
            usage=usage,
            cost_usd=cost_usd,
            latency_s=latency_s,
            simulated=False,
            attempts=attempts,
        )

    def _connection(self) -> tuple[httpx.Client, dict[str, str]]:
        client, headers = self._client, self._headers
        if client is not None and headers is not None:
            return client, headers
        with self._init_lock:
            if self._headers is None:
                self._headers = self.auth_headers(self._read_api_key())
            if self._client is None:
                self._client = httpx.Client(timeout=self.timeout_s)
            return self._client, self._headers

    def _read_api_key(self) -> str | None:
        if self.api_key_env is None:
            return None
        # Surrounding whitespace is a copy-paste accident, not part of a key.
        key = os.environ.get(self.api_key_env, "").strip()
        where = f"{self._config_source}: models.{self._name}.api_key_env names "
        if not key:
            raise self._missing_key()
        if not key.isascii() or not key.isprintable():
            # The value is never quoted: it is a secret, even if a broken one.
            raise ConfigError(
                f"{where}{self.api_key_env}, whose value holds characters an HTTP "
                "header cannot carry (non-ASCII or control characters)"
            )
        self._secret = key
        return key

    def _missing_key(self) -> ProviderUnavailable:
        # Unavailable, not a ConfigError: the engine then falls back to the
        # next model instead of aborting, as it would for a dead provider.
        if not self._warned_missing_key:
            self._warned_missing_key = True
            logger.warning(
                "model %s skipped: its API key variable %s is not set",
                self._name,
                self.api_key_env,
            )
        return ProviderUnavailable(
            f"{self._where}: API key variable {self.api_key_env} is not set "
            f"({self._config_source}: models.{self._name}.api_key_env)"
        )

    def _snippet(self, raw: bytes) -> str:
        # Scrub before cutting, so no prefix of the key survives the cut.
        text = self._redact(raw.decode("utf-8", errors="replace"))
        return text[:_SNIPPET_CHARS] or "<empty body>"

    def _redact(self, text: str) -> str:
        if self._secret:
            text = text.replace(self._secret, "[redacted]")
        return text


def _transport_reason(exc: httpx.TransportError) -> str:
    # httpx wraps the socket error; "refused" is the one users recognise.
    if isinstance(exc, httpx.ConnectError) and "refused" in str(exc).lower():
        return "connection refused"
    return f"connection failed ({type(exc).__name__})"


def token_count(usage: JsonObject, key: str, *, required: bool = True) -> int:
    """A whole, non-negative, plausible token count from a usage object.

    Raises ValueError naming the key but never quoting the value (a garbled
    body may echo request headers).
    """
    value = usage.get(key)
    if value is None and not required:
        return 0
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"usage.{key} is not a whole number")
    if not 0 <= value <= MAX_TOKENS_PER_CALL:
        raise ValueError(f"usage.{key} is outside 0..{MAX_TOKENS_PER_CALL:,}")
    return value


def usage_or_estimate(
    raw: object,
    read: Callable[[JsonObject], Usage],
    prompt: Prompt,
    text: str,
    where: str,
) -> Usage:
    """Usage read from the body, or estimated (and flagged so) if unusable.

    The answer itself is kept: a bad usage block makes the bill uncertain,
    not the code wrong, and ``Usage.estimated`` says which figures are guesses.
    """
    if not isinstance(raw, dict):
        return estimated_usage(prompt, text)
    try:
        return read(raw)
    except (KeyError, TypeError, ValueError) as exc:
        logger.warning("%s: %s; token counts estimated instead", where, exc)
        return estimated_usage(prompt, text)


def estimated_usage(prompt: Prompt, text: str) -> Usage:
    """Usage guessed from character counts, for bodies that report none."""
    return Usage(
        input_tokens=estimate_tokens(prompt.system) + estimate_tokens(prompt.user),
        output_tokens=estimate_tokens(text),
        estimated=True,
    )
