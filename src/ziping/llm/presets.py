"""Provider presets: where each endpoint lives and which structured-output modes it accepts.

Modes are tried in the listed order; the first is used unless the endpoint rejects it (a 400 or 422
naming the mode, or a 5xx naming response_format, as llama.cpp's Python server answers json_schema).
"""

from __future__ import annotations

from dataclasses import dataclass

Mode = str  # "json_schema" | "json_object" | "tools"
MODES: tuple[Mode, ...] = ("json_schema", "json_object", "tools")


@dataclass(frozen=True, slots=True)
class Preset:
    name: str
    base_url: str | None
    modes: tuple[Mode, ...]
    # Extra request fields that turn off "thinking" where it would wrap the JSON in prose.
    extra_body: tuple[tuple[str, object], ...] = ()
    # llama.cpp constrains json_object output by a "schema" beside the type (a grammar).
    schema_in_json_object: bool = False


PRESETS: dict[str, Preset] = {
    # platform.openai.com/docs/guides/structured-outputs: response_format json_schema with strict.
    "openai": Preset("openai", "https://api.openai.com/v1", ("json_schema", "tools", "json_object")),
    # api-docs.deepseek.com/guides/json_mode: response_format json_object (the prompt must say "json");
    # blank content can come back and is re-asked. Function calling: api-docs.deepseek.com/guides/function_calling.
    "deepseek": Preset("deepseek", "https://api.deepseek.com", ("json_object", "tools")),
    # help.aliyun.com 百炼 深度思考: enable_thinking is not an OpenAI field and goes in extra_body;
    # 结构化输出 in compatible mode is json_object (json_schema only on some newer models).
    "qwen": Preset(
        "qwen",
        "https://dashscope.aliyuncs.com/compatible-mode/v1",
        ("json_object", "tools"),
        (("enable_thinking", False),),
    ),
    # docs.bigmodel.cn (GLM chat completions): response_format json_object; docs.z.ai/guides/capabilities/
    # thinking-mode: "thinking": {"type": "disabled"}. GLM accepts only tool_choice=auto, so tools come last.
    "glm": Preset(
        "glm", "https://open.bigmodel.cn/api/paas/v4", ("json_object", "tools"), (("thinking", {"type": "disabled"}),)
    ),
    # platform.moonshot.cn/docs (Kimi, JSON Mode): response_format json_object; OpenAI-compatible tools.
    "kimi": Preset("kimi", "https://api.moonshot.cn/v1", ("json_object", "tools")),
    # docs.vllm.ai/en/latest/features/structured_outputs: response_format json_schema (guided decoding).
    "vllm": Preset("vllm", None, ("json_schema", "json_object", "tools")),
    # docs.ollama.com/api/openai-compatibility: response_format json_object, and json_schema (grammar-
    # constrained) since v0.5.
    "ollama": Preset("ollama", "http://localhost:11434/v1", ("json_schema", "json_object")),
    # llama.cpp server README: json_object with a "schema" (grammar-constrained); json_schema answers 500.
    "llamacpp": Preset("llamacpp", "http://127.0.0.1:8080/v1", ("json_object",), schema_in_json_object=True),
}
