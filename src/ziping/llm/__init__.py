"""The LLM layer: structured, validated, grounded answers from any OpenAI-compatible endpoint.

Nothing here is imported on the deterministic path: `ziping check` without --llm never loads openai.
"""
