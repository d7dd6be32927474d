"""``eosc-perf-dashboard``: serve the dashboard, or run the sandbox API alone.

With no arguments it starts the embedded sandbox API on a free loopback port and
serves the dashboard on it; ``--api URL`` points the dashboard at a real service.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import secrets
import socket
import sys
from pathlib import Path

from dashboard import allocator, config, signin
from dashboard.hub import checkin

DEFAULT_PORT = 5006
SIGN_INS = {
    "oauth": "each visitor signs in (OAuth)",
    "hub": "the JupyterHub user",
    "oidc-agent": "you, with your token from oidc-agent",
    "file": "you, with the token in your file",
    "env": f"you, with the token in ${signin.TOKEN_ENV}",
    "demo": "a demo identity chosen in each session",
    "anonymous": "nobody (read-only)",
    "given": "the token given",
}


def _sandbox_parser(subparsers) -> None:
    sandbox = subparsers.add_parser(
        "sandbox",
        help="run the sandbox API alone (no dashboard)",
        description=(
            "Run the sandbox API: a local stand-in for the EOSC Performance API, "
            "with demo data in SQLite."
        ),
    )
    sandbox.add_argument("--host", default="127.0.0.1", help="address to listen on")
    sandbox.add_argument("--port", type=int, default=0, help="port (default: a free one)")
    sandbox.add_argument("--data-dir", type=Path, default=None, help="where the database lives")
    sandbox.add_argument(
        "--size", type=int, default=400, help="results of the main demo benchmark when seeding"
    )
    sandbox.add_argument(
        "--latency-ms", type=float, default=0.0, help="simulated network latency per request"
    )
    sandbox.add_argument(
        "--idle-timeout",
        type=float,
        default=2.0,
        metavar="S",
        help="close idle keep-alive connections after S seconds, as the real service "
        "does after 2 (0: keep them open)",
    )
    sandbox.add_argument(
        "--image",
        action="append",
        default=[],
        metavar="IMAGE:TAG",
        help="another container image its registry knows (repeatable; patterns like example/* too)",
    )
    sandbox.add_argument("--auth", choices=["demo", "oidc"], default="demo")
    sandbox.add_argument("--issuer", default=None, help="OIDC issuer URL (with --auth oidc)")
    sandbox.add_argument(
        "--admin-entitlement",
        action="append",
        default=[],
        help="entitlement that makes a user an administrator (with --auth oidc; repeatable)",
    )


def _sign_in_options(parser: argparse.ArgumentParser) -> None:
    people = parser.add_argument_group(
        "signing people in (Panel's OAuth; secrets also from PANEL_OAUTH_SECRET, "
        "PANEL_COOKIE_SECRET, PANEL_OAUTH_ENCRYPTION)"
    )
    people.add_argument(
        "--checkin",
        choices=sorted(checkin.ISSUERS),
        help="sign people in with EGI Check-in (this realm); needs --oauth-key and a secret",
    )
    people.add_argument("--oauth-provider", help="Panel's OAuth provider, e.g. generic")
    people.add_argument("--oauth-key", help="the OAuth client id")
    people.add_argument("--oauth-secret", help="the OAuth client secret")
    people.add_argument("--oauth-redirect-uri", help="the dashboard's public URL")
    people.add_argument(
        "--oauth-extra-params",
        type=json.loads,
        default=None,
        metavar="JSON",
        help='provider settings, e.g. \'{"AUTHORIZE_URL": "...", "TOKEN_URL": "..."}\'',
    )
    people.add_argument("--oauth-encryption-key", help="Fernet key encrypting the tokens")
    people.add_argument("--cookie-secret", help="secret signing the session cookies")
    people.add_argument(
        "--oauth-refresh-tokens", action="store_true", help="refresh tokens before they expire"
    )
    mine = parser.add_argument_group(
        "a personal dashboard (your own token; served on a loopback address only)"
    )
    mine.add_argument("--oidc-agent", metavar="ACCOUNT", help="your token from oidc-agent")
    mine.add_argument(
        "--token-file",
        type=Path,
        metavar="PATH",
        help=f"your token in a file (also ${signin.TOKEN_FILE_ENV}; or ${signin.TOKEN_ENV})",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="eosc-perf-dashboard",
        description="Explore, contribute and review EOSC Performance benchmark results.",
    )
    parser.add_argument(
        "--port",
        type=int,
        default=DEFAULT_PORT,
        help=f"dashboard port (default {DEFAULT_PORT}; 0 for any free one)",
    )
    parser.add_argument(
        "--address", default="127.0.0.1", help="address to serve on (default 127.0.0.1)"
    )
    parser.add_argument(
        "--api",
        default=None,
        metavar="URL",
        help=f"API root of a real service, e.g. {config.PRODUCTION_API} "
        f"(default: ${config.API_URL_ENV}, else the embedded sandbox)",
    )
    parser.add_argument(
        "--sandbox-dir", type=Path, default=None, help="where the embedded sandbox keeps its data"
    )
    parser.add_argument(
        "--allow-origin-host",
        action="append",
        default=[],
        metavar="HOST",
        help="another host name browsers may reach the dashboard by (repeatable)",
    )
    parser.add_argument(
        "--prefix",
        default="",
        metavar="PATH",
        help="serve under this URL path, e.g. /user/ada/dashboard (behind a proxy)",
    )
    parser.add_argument(
        "--allow-websocket-origin",
        action="append",
        default=[],
        metavar="HOST[:PORT]",
        help="another origin whose pages may open the dashboard's websocket (repeatable)",
    )
    parser.add_argument("--show", action="store_true", help="open a browser tab")
    _sign_in_options(parser)
    subparsers = parser.add_subparsers(dest="command")
    _sandbox_parser(subparsers)
    return parser


def run_sandbox(args: argparse.Namespace) -> None:
    config.serve_sandbox(
        data_dir=args.data_dir or config.sandbox_data_dir(),
        host=args.host,
        port=args.port,
        size=args.size,
        latency_ms=args.latency_ms,
        auth_mode=args.auth,
        oidc_issuer=args.issuer,
        admin_entitlements=tuple(args.admin_entitlement),
        images=tuple(args.image),
        idle_timeout_s=args.idle_timeout,
    )


def free_port(host: str = "127.0.0.1") -> int:
    """A port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def oauth_options(args: argparse.Namespace, env=os.environ) -> dict:
    """Panel's OAuth settings from the command line (``--checkin`` presets Check-in's)."""
    provider, extra = args.oauth_provider, dict(args.oauth_extra_params or {})
    if args.checkin:
        urls = checkin.endpoints(checkin.ISSUERS[args.checkin])
        provider = provider or "generic"
        extra = {
            "AUTHORIZE_URL": urls["authorize_url"],
            "TOKEN_URL": urls["token_url"],
            "USER_URL": urls["userdata_url"],
            **extra,
        }
        os.environ.setdefault("PANEL_OAUTH_SCOPE", ",".join(checkin.SCOPES))
    if not provider:
        return {}
    options = {
        "oauth_provider": provider,
        "oauth_key": args.oauth_key,
        "oauth_secret": args.oauth_secret,
        "oauth_redirect_uri": args.oauth_redirect_uri,
        "oauth_extra_params": extra,
        "oauth_encryption_key": args.oauth_encryption_key,
        "cookie_secret": args.cookie_secret or env.get("PANEL_COOKIE_SECRET"),
        "oauth_refresh_tokens": args.oauth_refresh_tokens or None,
    }
    if not options["cookie_secret"]:  # sessions then last as long as this process
        options["cookie_secret"] = secrets.token_urlsafe(32)
    return {name: value for name, value in options.items() if value not in (None, {})}


def run_dashboard(args: argparse.Namespace) -> None:
    import panel as pn

    from dashboard.api.gc_pause import freeze_startup
    from dashboard.app import create_app
    from dashboard.serving import sessions_on_the_loop

    port = args.port or free_port(args.address)

    if args.sandbox_dir:
        os.environ[config.SANDBOX_DIR_ENV] = str(args.sandbox_dir)
    oauth = oauth_options(args)
    target = config.resolve_api(args.api)
    sign_in = signin.decide(
        oauth=bool(oauth),
        oidc_agent=args.oidc_agent,
        token_file=args.token_file,
        sandbox=target.sandbox,
    )
    refusal = sign_in.refusal(args.address)
    if refusal:
        raise SystemExit(refusal)
    pn.extension("tabulator")

    def session():
        return create_app(target.url, sandbox=target.sandbox, signin=sign_in).template()

    wildcard = args.address in ("0.0.0.0", "::")
    shown_host = socket.getfqdn() if wildcard else args.address
    hosts = {"127.0.0.1", "localhost", shown_host, *args.allow_origin_host}
    origins = [f"{host}:{port}" for host in sorted(hosts)] + args.allow_websocket_origin
    server = pn.serve(
        {"/": session},
        port=port,
        address=args.address,
        websocket_origin=origins,
        show=False,
        start=False,
        title="EOSC Performance",
        verbose=False,
        prefix=args.prefix.rstrip("/"),
        **oauth,
    )
    where = "the embedded sandbox API" if target.sandbox else "the API"
    sys.stdout.write(
        f"EOSC Performance Dashboard: http://{shown_host}:{port}{args.prefix.rstrip('/')}/\n"
        f"  using {where} at {target.url}\n  signing in: {SIGN_INS[sign_in.how]}\n"
        "  (Ctrl-C to stop)\n"
    )
    sys.stdout.flush()
    if args.show:
        server.io_loop.add_callback(server.show, "/")
    freeze_startup()  # before any session: what a session makes must stay collectable
    server.start()
    sessions_on_the_loop(server.io_loop)  # each session's code on one thread
    server.io_loop.start()


def main(argv: list[str] | None = None) -> None:
    """The command's work, in this process (:func:`run` is the console script)."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    # httpx logs every request's full URL, query string included: users' searches
    # and filters have no place in a server log
    for noisy in ("httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    try:
        if args.command == "sandbox":
            run_sandbox(args)
        else:
            run_dashboard(args)
    except KeyboardInterrupt:
        pass


def run() -> None:
    """The ``eosc-perf-dashboard`` command: :func:`main` on the server's allocator."""
    allocator.relaunch_with_jemalloc()  # before anything starts: the process is replaced
    main()


if __name__ == "__main__":
    run()
