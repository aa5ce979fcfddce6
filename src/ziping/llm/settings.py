"""LLM configuration: environment, then ziping.toml / [tool.ziping], then flags (flags win)."""

from __future__ import annotations

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from ziping.llm.presets import MODES, PRESETS, Preset


class LLMSettings(BaseSettings):
    """Where the endpoint is and how to talk to it. The API key comes from the environment only."""

    model_config = SettingsConfigDict(env_prefix="ZIPING_", extra="forbid", populate_by_name=True)

    base_url: str | None = Field(default=None, validation_alias=AliasChoices("ZIPING_BASE_URL", "OPENAI_BASE_URL"))
    api_key: SecretStr | None = Field(default=None, validation_alias=AliasChoices("ZIPING_API_KEY", "OPENAI_API_KEY"))
    model: str | None = None
    preset: str | None = None
    mode: str | None = None  # one of MODES; None: the preset's order
    timeout: float = 60.0  # seconds per request
    transport_retries: int = 2  # the SDK's own retries: timeouts, connection errors, 408/409/429/5xx
    reasks: int = 2  # re-asks after invalid JSON, a schema violation or empty content
    concurrency: int = 8
    max_tokens: int = 2000

    def resolved_preset(self) -> Preset | None:
        return PRESETS.get(self.preset) if self.preset else None

    def modes(self) -> tuple[str, ...]:
        """The structured-output modes to try, in order."""
        if self.mode:
            return (self.mode,)
        preset = self.resolved_preset()
        return preset.modes if preset else MODES

    def endpoint(self) -> str | None:
        """The base URL: explicit, else the preset's."""
        if self.base_url:
            return self.base_url
        preset = self.resolved_preset()
        return preset.base_url if preset else None
