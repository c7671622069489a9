"""Route facts (`readylint.routes` and each language's analysis) and RL601's
judgement over them: what the fixtures cannot show line by line."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from conftest import lint

from readylint.catalog import Catalog
from readylint.checks.sensitive_endpoint_without_rate_limit import SensitiveEndpointWithoutRateLimit
from readylint.config import Config, ConfigError
from readylint.python.routes import PythonRoutes
from readylint.routes import RATE_LIMIT, matches_route_pattern
from readylint.sources import SourceFile
from readylint.typescript.routes import ScriptRoutes


@pytest.fixture(scope="module")
def check(catalog: Catalog) -> SensitiveEndpointWithoutRateLimit:
    rule = catalog.by_code["RL601"]
    check = SensitiveEndpointWithoutRateLimit(rule, rule.option_defaults())
    check.prepare(catalog, None)
    return check


def script_facts(check, path: str, code: str):
    return ScriptRoutes(check.scripts, SourceFile(path, textwrap.dedent(code))).route_facts()


def python_facts(check, path: str, code: str):
    return PythonRoutes(check.python, SourceFile(path, textwrap.dedent(code))).route_facts()


@pytest.mark.parametrize("pattern, url, covered", [
    ("/api/auth/:path*", "/api/auth/login", True),
    ("/api/auth/:path*", "/api/checkout", False),
    ("/api/auth/*", "/api/auth/otp/verify", True),
    ("/((?!_next/static|favicon.ico).*)", "/api/login", True),
    ("/login", "/login", True),
    ("/login", "/login/verify", True),  # a prefix covers what is under it
    ("/login", "/logout", False),
    ("/:team/settings", "/acme/settings", True),
    ("not a path", "/anything", True),  # unreadable: covers, the silent side
])
def test_route_patterns(pattern, url, covered):
    assert matches_route_pattern(pattern, url) is covered


def test_next_routes_methods_groups_and_wrappers(check):
    facts = script_facts(check, "apps/web/app/(auth)/api/login/route.ts", """
        import { withSession } from "@/lib/session";
        export const POST = withSession(async (req: Request) => Response.json(await req.json()));
        export async function GET() { return Response.json({}); }
        const handler = async (req: Request) => new Response();
        export { handler as PUT };
    """)
    by_method = {e.methods: e for e in facts.endpoints}
    assert set(by_method) == {("POST",), ("GET",), ("PUT",)}
    post = by_method[("POST",)]
    assert (post.path, post.framework, post.span.line) == ("/api/login", "next-app", 3)
    assert [(d.module, d.name) for d in post.delegates] == [("@/lib/session", "withSession")]


def test_express_mounts_and_middleware(check):
    facts = script_facts(check, "src/app.js", """
        const express = require("express");
        const app = express();
        app.use("/auth", require("./limits").authLimiter);
        app.post("/auth/login", passport.authenticate("local"), (req, res) => res.end());
        axios.post("/login", { email });
    """)
    # `axios.post(url, data)` has no handler: the one endpoint is the route.
    assert [(e.path, e.methods, e.framework) for e in facts.endpoints] == [("/auth/login", ("POST",), "express")]
    [area] = facts.area_guards
    # It covers every endpoint of the package, whatever module registers it.
    assert area.paths == ("/auth/:rest*",) and area.frameworks == ()


def test_files_without_a_server_framework_declare_no_routes(check):
    facts = script_facts(check, "src/client.ts", """
        import axios from "axios";
        export const login = (email: string) => api.post("/login", { email }, () => {});
    """)
    assert not facts.endpoints


def test_tests_declare_no_routes(check):
    facts = script_facts(check, "src/auth.test.ts", """
        import express from "express";
        const app = express();
        app.post("/login", (req, res) => res.end());
    """)
    assert not facts


def test_nest_routes_join_controller_and_method_paths(check):
    facts = script_facts(check, "src/auth/auth.controller.ts", """
        import { Controller, Post, Get } from "@nestjs/common";
        @Controller({ path: "/v1/auth" })
        export class AuthController {
          @Post("/login")
          login() {}
          @Get("me")
          me() {}
        }
    """)
    assert sorted((e.handler, e.path, e.methods) for e in facts.endpoints) == [
        ("AuthController.login", "/v1/auth/login", ("POST",)),
        ("AuthController.me", "/v1/auth/me", ("GET",)),
    ]


def test_python_methods_and_guards(check):
    facts = python_facts(check, "app/auth.py", """
        from flask import Flask
        app = Flask(__name__)

        @app.route("/login", methods=["POST"])
        @limiter.limit("5/minute")
        def login(): ...

        @app.route("/signin")
        def signin(): ...

        def register(): ...
        app.add_url_rule("/register", view_func=register, methods=["POST"])
    """)
    endpoints = {e.handler: e for e in facts.endpoints}
    assert endpoints["login"].methods == ("POST",)
    assert [g.kind for g in endpoints["login"].guards] == [RATE_LIMIT]
    assert endpoints["signin"].methods == ("GET",)  # Flask's default
    assert (endpoints["register"].path, endpoints["register"].methods) == ("/register", ("POST",))


def test_django_urls_route_views_of_other_modules(check):
    facts = python_facts(check, "accounts/urls.py", """
        from django.urls import path
        from accounts import views
        urlpatterns = [path("login/", views.LoginView.as_view()), path("otp/", views.otp)]
    """)
    assert facts.routes_elsewhere == [("accounts.views.LoginView", "login/"), ("accounts.views.otp", "otp/")]


def test_upstream_option_must_be_true_or_paths(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.readylint.rules.RL601]\nrate-limited-upstream = "yes"\n')
    (tmp_path / "app.py").write_text("")
    with pytest.raises((ConfigError, ValueError)):
        lint([tmp_path], cwd=tmp_path)


def test_upstream_true_silences_every_endpoint(tmp_path):
    (tmp_path / "app.py").write_text(textwrap.dedent("""
        from flask import Flask, request
        app = Flask(__name__)

        @app.post("/login")
        def login():
            return request.form["email"]
    """))
    flagged = lint([tmp_path], cwd=tmp_path, select=["RL601"])
    assert [(f.code, f.line) for f in flagged.findings] == [("RL601", 6)]
    assert "rate-limited-upstream" in flagged.findings[0].message
    silenced = lint([tmp_path], config=Config(rule_options={"RL601": {"rate-limited-upstream": True}}),
                    cwd=tmp_path, select=["RL601"])
    assert not silenced.findings


def test_an_extension_adds_a_sensitive_category_and_a_limiter(tmp_path):
    (tmp_path / "ours.yaml").write_text(textwrap.dedent("""
        code: RL601
        catalog:
          sensitive:
            - category: data export
              paths: '(?:^|/)exports?/?$'
              risk: each request builds a full export
    """))
    (tmp_path / "readylint.yaml").write_text('extend-rules: ["ours.yaml"]\n')
    (tmp_path / "app.py").write_text(textwrap.dedent("""
        from flask import Flask, request
        app = Flask(__name__)

        @app.post("/export")
        def export():
            return request.form["what"]
    """))
    result = lint([tmp_path], cwd=tmp_path, select=["RL601"])
    assert [(f.line, "a data export endpoint" in f.message) for f in result.findings] == [(6, True)]


def test_a_malformed_sensitive_entry_is_a_configuration_error_naming_its_file(tmp_path):
    (tmp_path / "ours.yaml").write_text("code: RL601\ncatalog:\n  sensitive:\n    - paths: '/export'\n")
    (tmp_path / "readylint.yaml").write_text('extend-rules: ["ours.yaml"]\n')
    (tmp_path / "app.py").write_text("")
    process = subprocess.run([sys.executable, "-m", "readylint", "check", "--no-cache", str(tmp_path)],
                             capture_output=True, text=True, cwd=tmp_path)
    assert process.returncode == 2
    assert "Traceback" not in process.stderr and "internal error" not in process.stderr
    assert "ours.yaml" in process.stderr and "needs a 'category'" in process.stderr
