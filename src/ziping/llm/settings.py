"""LLM configuration: environment, then ziping.toml / [tool.ziping], then flags (flags win)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from ziping.llm.presets import MODES, PRESETS, Preset


class LLMSettings(BaseSettings):
    """Where the endpoint is and how to talk to it. The API key comes from the environment only."""

    model_config = SettingsConfigDict(
        env_prefix="ZIPING_",
        extra="forbid",
        populate_by_name=True,
    )

    enabled: bool = Field(default=False, validation_alias=AliasChoices("llm", "ZIPING_LLM"))

    base_url: str | None = Field(default=None, validation_alias=AliasChoices("ZIPING_BASE_URL", "OPENAI_BASE_URL"))
    # The key is read from the environment only: a key in a config file would end up in version control.
    api_key: SecretStr | None = Field(default=None, validation_alias=AliasChoices("ZIPING_API_KEY", "OPENAI_API_KEY"))
    model: str | None = None
    preset: str | None = None
    mode: str | None = None  # one of MODES; None: the preset's order
    # Seconds one request may take in total, however slowly the answer trickles in (also the read timeout).
    timeout: float = Field(default=60.0, gt=0)
    transport_retries: int = Field(default=2, ge=0)  # after timeouts, connection errors, 408/409/429/5xx
    reasks: int = Field(default=2, ge=0)  # re-asks after invalid JSON, a schema violation or empty content
    concurrency: int = Field(default=8, ge=1)  # requests in flight for the whole run
    max_tokens: int = Field(default=2000, ge=1)
    deadline: float = Field(default=300.0, gt=0)  # seconds for one form, retries and re-asks included
    # The run's circuit breaker (llm/breaker.py): a longer Retry-After stops the run instead of holding it,
    # and this many requests in a row without an answer stop it too.
    retry_after_max: float = Field(default=10.0, ge=0)
    breaker_failures: int = Field(default=3, ge=1)

    @field_validator("preset")
    @classmethod
    def _known_preset(cls, value: str | None) -> str | None:
        if value is not None and value not in PRESETS:
            raise ValueError(f"未知的服务商预设 {value}；可选：{'、'.join(PRESETS)}")
        return value

    @field_validator("mode")
    @classmethod
    def _known_mode(cls, value: str | None) -> str | None:
        if value is not None and value not in MODES:
            raise ValueError(f"未知的结构化输出方式 {value}；可选：{'、'.join(MODES)}")
        return value

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

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Flags (init) > environment > ziping.toml > [tool.ziping] in pyproject.toml > defaults."""
        return (
            init_settings,
            env_settings,
            _ConfigFile(settings_cls, Path("ziping.toml"), ()),
            _ConfigFile(settings_cls, Path("pyproject.toml"), ("tool", "ziping")),
        )


class ConfigFileError(ValueError):
    """A config file that cannot be used; the message says why, in Chinese."""


class _ConfigFile(PydanticBaseSettingsSource):
    """One table of a TOML file in the current folder; refuses API keys (files get committed, keys must not)."""

    def __init__(self, settings_cls: type[BaseSettings], path: Path, table: tuple[str, ...]):
        super().__init__(settings_cls)
        self.path = path
        self.table = table

    def get_field_value(self, field, field_name):  # pragma: no cover -- __call__ is used
        return None, field_name, False

    def __call__(self) -> dict:
        if not self.path.is_file():
            return {}
        try:
            data = tomllib.loads(self.path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigFileError(f"配置文件 {self.path} 不是有效的 TOML：{exc}") from None
        for key in self.table:
            data = data.get(key, {})
        if any("api_key" in key.lower() for key in data):
            raise ConfigFileError(f"API 密钥只能通过环境变量 OPENAI_API_KEY 提供，不能写在 {self.path} 中")
        return dict(data)
