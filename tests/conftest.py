from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SEED = FIXTURES / "longgang-2023-selfeval.txt"
LLM_KEY = "sk-cli-secret-0042"  # the API key the LLM tests set; no output may ever show it


@pytest.fixture
def seed_path() -> Path:
    return SEED


@pytest.fixture
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture
def llm_server(monkeypatch, tmp_path):
    """The loopback endpoint, with the environment pointing the CLI at it and a cache of this test's own."""
    from .fake_openai import FakeOpenAI

    fake = FakeOpenAI().start()
    monkeypatch.setenv("OPENAI_API_KEY", LLM_KEY)
    monkeypatch.setenv("OPENAI_BASE_URL", fake.url)
    monkeypatch.setenv("ZIPING_MODEL", "fake-model")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    yield fake
    fake.stop()
