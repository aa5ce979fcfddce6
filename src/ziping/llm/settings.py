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
    timeout: float = 60.0  # seconds per request
    transport_retries: int = 2  # the SDK's own retries: timeouts, connection errors, 408/409/429/5xx
    reasks: int = 2  # re-asks after invalid JSON, a schema violation or empty content
    concurrency: int = 8
    max_tokens: int = 2000
    deadline: float = 300.0  # seconds for one form, re-asks included

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
