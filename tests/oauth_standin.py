"""A stand-in for WeChat's OAuth server, run in the test process.

WeChat is outside our walls, so this small threaded HTTP server is the one thing the
WeChat login tests replace. It answers the three addresses allauth's weixin provider
uses, as WeChat documents them (official-account web authorisation):

- GET /connect/oauth2/authorize?appid&redirect_uri&response_type=code&scope&state
  → 302 to redirect_uri?code=…&state=… (the person said yes), as WeChat does;
- GET /sns/oauth2/access_token?appid&secret&code&grant_type=authorization_code
  → {access_token, expires_in, refresh_token, openid, scope}, or {errcode, errmsg};
- GET /sns/userinfo?access_token&openid → {openid, nickname, headimgurl, unionid}.

A code works once, for the app that asked for it; a token only for its openid.
"""

from __future__ import annotations

import json
import secrets
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit


@dataclass
class WechatStandIn:
    app_id: str = "wx-standin-app"
    secret: str = "standin-secret"
    openid: str = "o-standin-openid-1"
    nickname: str = "王阿姨"
    base_url: str = ""
    requests: list[str] = field(default_factory=list)
    _codes: dict[str, str] = field(default_factory=dict)
    _tokens: dict[str, str] = field(default_factory=dict)
    _server: ThreadingHTTPServer | None = None

    def provider_settings(self) -> dict:
        """SOCIALACCOUNT_PROVIDERS["weixin"] pointing at this stand-in."""
        from django.conf import settings

        return {
            **settings.SOCIALACCOUNT_PROVIDERS["weixin"],
            "AUTHORIZE_URL": f"{self.base_url}/connect/oauth2/authorize",
            "ACCESS_TOKEN_URL": f"{self.base_url}/sns/oauth2/access_token",
            "PROFILE_URL": f"{self.base_url}/sns/userinfo",
            "APPS": [{"client_id": self.app_id, "secret": self.secret}],
        }

    def configure(self, settings) -> None:
        """Point the site at this stand-in, as WECHAT_* environment variables would: the
        provider's addresses and app, and the authorisation page's origin allowed as a
        form target (CSP form-action), which community/settings.py derives the same way."""
        settings.SOCIALACCOUNT_PROVIDERS = {"weixin": self.provider_settings()}
        policy = settings.CONTENT_SECURITY_POLICY
        directives = policy["DIRECTIVES"]
        settings.CONTENT_SECURITY_POLICY = {
            **policy,
            "DIRECTIVES": {
                **directives,
                "form-action": [*directives["form-action"], self.base_url],
            },
        }

    # --- the server ---------------------------------------------------------------------

    def start(self) -> WechatStandIn:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # quiet
                pass

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                standin.requests.append(parts.path)
                route = {
                    "/connect/oauth2/authorize": standin._authorize,
                    "/sns/oauth2/access_token": standin._access_token,
                    "/sns/userinfo": standin._userinfo,
                }.get(parts.path)
                if route is None:
                    self.send_error(404)
                    return
                status, headers, body = route(query)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                data = json.dumps(body, ensure_ascii=False).encode() if body is not None else b""
                if body is not None:
                    self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(
            target=self._server.serve_forever, daemon=True, name="wechat-standin"
        ).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    # --- WeChat's answers ---------------------------------------------------------------

    def _authorize(self, query: dict):
        if query.get("appid") != self.app_id or query.get("response_type") != "code":
            return 400, {}, {"errcode": 10003, "errmsg": "redirect_uri or appid invalid"}
        code = secrets.token_hex(8)
        self._codes[code] = query["appid"]
        params = {"code": code}
        if "state" in query:
            params["state"] = query["state"]
        sep = "&" if "?" in query["redirect_uri"] else "?"
        return 302, {"Location": f"{query['redirect_uri']}{sep}{urlencode(params)}"}, None

    def _access_token(self, query: dict):
        if (
            query.get("appid") != self.app_id
            or query.get("secret") != self.secret
            or query.get("grant_type") != "authorization_code"
            or self._codes.pop(query.get("code", ""), None) != self.app_id
        ):
            return 200, {}, {"errcode": 40029, "errmsg": "invalid code"}
        token = secrets.token_hex(12)
        self._tokens[token] = self.openid
        return (
            200,
            {},
            {
                "access_token": token,
                "expires_in": 7200,
                "refresh_token": secrets.token_hex(12),
                "openid": self.openid,
                "scope": "snsapi_userinfo",
            },
        )

    def _userinfo(self, query: dict):
        if self._tokens.get(query.get("access_token", "")) != query.get("openid"):
            return 200, {}, {"errcode": 40001, "errmsg": "invalid credential"}
        return (
            200,
            {},
            {
                "openid": self.openid,
                "nickname": self.nickname,
                "headimgurl": "",
                "unionid": "u-" + self.openid,
            },
        )
