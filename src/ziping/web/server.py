"""Running the app on uvicorn, with the LLM settings taken from the environment once, at start."""

from __future__ import annotations

from ziping.web.config import ServeConfig


def llm_from_environment():
    """The LLM settings when an endpoint and a model are configured, else None (the LLM pages say so)."""
    from ziping.llm.batch import LLMSetupError, check_ready, load_settings

    try:
        settings = load_settings(enabled=True)
        check_ready(settings)
    except LLMSetupError:
        return None
    return settings


def run(config: ServeConfig) -> None:
    """Serve until interrupted; a token beyond loopback is the caller's to ensure (config.access_token)."""
    import uvicorn

    from ziping.web.app import create_app
    from ziping.web.config import TokenRequired, is_loopback

    if config.token is None and not is_loopback(config.host):
        raise TokenRequired(config.host)
    app = create_app(config, llm=llm_from_environment())
    # The access log would print every request's query string; the pages carry no secret in it, but the
    # sign-in link does.
    uvicorn.run(app, host=config.host, port=config.port, access_log=False, log_level="warning")
