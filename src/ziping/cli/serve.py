"""`ziping serve`: the checker and the review queue in a browser (the app is ziping.web; this only starts it)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from ziping.cli.base import DEFAULT_DB, DbOption, app, fail, say, t


@app.command(
    help=t(
        "在浏览器中使用：自查（提交前检查）与审核队列（上传、筛选、标记），与 triage 共用结果库",
        "Work in the browser: self-check forms before submitting, and the review queue (upload, filter, mark) "
        "over the store triage uses.",
    )
)
def serve(
    db: DbOption = DEFAULT_DB,
    inbox: Annotated[
        Path | None,
        typer.Option(
            metavar=t("文件夹", "DIR"),
            help=t(
                "监视此文件夹，新增或改动的自评表自动进入队列", "watch this folder: new or changed forms join the queue"
            ),
            show_default=False,
        ),
    ] = None,
    host: Annotated[
        str,
        typer.Option(
            metavar=t("主机", "HOST"),
            help=t("监听地址；非本机地址必须使用访问令牌", "address to listen on; any but loopback requires a token"),
        ),
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(metavar=t("端口", "PORT"), help=t("监听端口", "port to listen on"))] = 8765,
    token: Annotated[
        str | None,
        typer.Option(
            envvar="ZIPING_TOKEN",
            show_envvar=False,
            metavar=t("令牌", "TOKEN"),
            help=t(
                "访问令牌（或环境变量 ZIPING_TOKEN）；非本机地址未给出时自动生成并只显示一次",
                "access token (or ZIPING_TOKEN); generated and shown once when another host is given without one",
            ),
            show_default=False,
        ),
    ] = None,
) -> None:
    from ziping.web.config import ServeConfig, access_token
    from ziping.web.server import run

    if inbox is not None and not inbox.is_dir():
        raise fail(
            say(t("收件文件夹 {path} 不存在或不是文件夹", "the inbox {path} is not a folder")).format(path=inbox)
        )
    chosen, generated = access_token(host, token)
    config = ServeConfig(db=db, data=db.parent, inbox=inbox, host=host, port=port, token=chosen)
    where = f"http://{host if ':' not in host else f'[{host}]'}:{port}/"

    def announce() -> None:
        if generated:
            # Printed once, never logged again: whoever holds it can use the queue.
            sys.stderr.write(say(t("访问令牌（只显示这一次）：", "access token (shown this once): ")) + f"{chosen}\n")
            sys.stderr.write(say(t("登录地址：", "sign in at: ")) + f"{where}login\n")
        else:
            sys.stderr.write(say(t("已启动：", "serving at: ")) + where + "\n")

    from ziping.store import StoreError

    try:
        run(config, announce)
    except StoreError as exc:
        raise fail(str(exc)) from None
    except OSError as exc:
        raise fail(
            say(t("无法启动服务：{reason}", "cannot start the server: {reason}")).format(reason=exc.strerror or exc)
        ) from None
