"""remit: compare remittance channels by their real cost and plan bundled group transfers."""
from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask

from . import config as config_module
from .edge import RemitFlask
from .extensions import db, migrate

MIGRATIONS_DIR = str(Path(__file__).parent / "migrations")


def create_app(config: dict | None = None) -> Flask:
    """Build the application: settings from the environment, then `config` on top (tests use it)."""
    app = RemitFlask(__name__, instance_relative_config=True)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.update(config_module.from_environment(app.instance_path))
    if config:
        app.config.update(config)

    _configure_logging(app)
    proxies = app.config.get("REMIT_TRUSTED_PROXIES", 0)
    if proxies:  # the client's address and scheme as the proxies in front say (werkzeug's ProxyFix)
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)

    from .edge import init_edge

    init_edge(app)  # before the blueprints: their URL rules use its id converter

    from .assets import init_assets

    init_assets(app)

    from . import models  # noqa: F401  (registers the tables on db.metadata)

    db.init_app(app)
    from . import i18n
    from .extensions import babel

    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(Path(__file__).parent / "translations"))
    babel.init_app(app, locale_selector=i18n.select_locale)
    i18n.register(app)
    migrate.init_app(app, db, directory=MIGRATIONS_DIR, render_as_batch=True, compare_type=True)

    from .errors import register_error_handlers
    from .health import bp as health_bp
    from .web import init_web

    from .api import init_api

    init_api(app)
    _init_security(app)
    from .admin import auth_bp
    from .admin import bp as admin_bp

    app.register_blueprint(health_bp)
    init_web(app)
    app.register_blueprint(auth_bp)
    app.register_blueprint(admin_bp)
    # After the API: flask-smorest registers a JSON handler for every HTTP error, which must not
    # answer web pages; ours answers JSON under /api and HTML elsewhere.
    register_error_handlers(app)

    from .cli import remit_cli

    app.cli.add_command(remit_cli)
    return app


def _init_security(app: Flask) -> None:
    """Logins, CSRF for templates, and security headers on every response."""
    from .api import API_BLUEPRINTS
    from .extensions import csrf, login_manager, talisman

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "basic"
    # Every form post carries a CSRF token; the JSON API does not use cookies, so it is exempt.
    csrf.init_app(app)
    for blueprint in API_BLUEPRINTS:
        csrf.exempt(blueprint)
    # No script at all may run from the page; styles only from remit itself and the inline <style> of
    # the server-rendered SVG charts.
    talisman.init_app(
        app,
        content_security_policy={"default-src": "'self'", "script-src": "'self'", "style-src": "'self' 'unsafe-inline'",
                                 "img-src": "'self' data:", "object-src": "'none'", "base-uri": "'self'",
                                 "form-action": "'self'", "frame-ancestors": "'none'"},
        force_https=False,
        strict_transport_security=True,
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        frame_options="DENY",
        referrer_policy="strict-origin-when-cross-origin",
    )


def _configure_logging(app: Flask) -> None:
    level = getattr(logging, app.config["REMIT_LOG_LEVEL"], logging.INFO)
    app.logger.setLevel(level)
    logging.getLogger("remit").setLevel(level)
