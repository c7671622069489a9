"""Webhook facts (`readylint.python.webhooks`): handlers, providers,
verification, side effects and deduplication, per framework."""

from __future__ import annotations

import textwrap

import pytest
from conftest import lint

from readylint.catalog import Catalog
from readylint.python.webhooks import (
    DATABASE_WRITE,
    EMAIL,
    OUTBOUND_CALL,
    TASK,
    WebhookRules,
)
from readylint.sources import SourceFile


@pytest.fixture(scope="module")
def rules(catalog: Catalog) -> WebhookRules:
    return WebhookRules.from_catalogs({code: catalog.by_code[code].catalog for code in ("RL101", "RL201", "RL301", "RL302")})


def analyse(rules, code: str, path: str = "app/views.py"):
    file = SourceFile(path, textwrap.dedent(code))
    module = rules.module(file)
    return module, {h.name: h for h in module.handlers()}


def test_flask_fastapi_and_starlette_routes(rules):
    module, handlers = analyse(rules, """
        from flask import Flask, request
        from starlette.routing import Route
        app = Flask(__name__)

        @app.route("/webhooks/stripe", methods=["POST"])
        def stripe_in(): ...

        @router.post("/hooks/{name}")
        async def named(name: str): ...

        @app.post("/orders")
        def orders(): ...

        @app.post("/payments/callback")
        def payment_callback(): ...

        @app.post("/paystack/callback")
        def paystack_callback(): ...

        def starlette_endpoint(request): ...

        routes = [Route("/webhook", starlette_endpoint, methods=["POST"])]
    """)
    # A weak word (callback) needs a provider named beside it.
    assert set(handlers) == {"stripe_in", "named", "paystack_callback", "starlette_endpoint"}
    assert module.provider(handlers["stripe_in"]).name == "Stripe"
    assert module.provider(handlers["paystack_callback"]).name == "Paystack"


def test_django_views_by_name_and_class(rules):
    _, handlers = analyse(rules, """
        from django.views import View
        from rest_framework.viewsets import ModelViewSet

        def github_webhook(request): ...

        def trigger_webhooks(request): ...

        class GitHubWebhookView(View):
            def get(self, request): ...
            def post(self, request): ...

        class WebhookViewSet(ModelViewSet):
            def create(self, request): ...
    """, path="hooks/views.py")
    # Senders (`trigger_webhooks`) and CRUD on webhook configuration are not receivers.
    assert set(handlers) == {"github_webhook", "GitHubWebhookView.post"}


def test_a_function_taking_request_outside_views_is_not_a_view(rules):
    _, handlers = analyse(rules, "def stripe_webhook(request): ...\n", path="app/utils.py")
    assert handlers == {}


def test_tests_are_skipped(rules):
    assert not rules.applies_to(SourceFile("app/tests/test_webhooks.py", "def test_webhook(request): ...\n"))
    assert rules.applies_to(SourceFile("app/webhooks.py", "def stripe_webhook(request): ...\n"))


@pytest.mark.parametrize("body, verifies", [
    ("stripe.Webhook.construct_event(request.body, sig, secret)", True),
    ("stripe.Event.construct_from(json.loads(request.body), key)", False),
    ("hmac.compare_digest(a, request.headers['X-Hub-Signature-256'])", True),
    ("if request.GET['token'] != settings.HOOK_TOKEN: raise PermissionDenied", True),
    ("verify_signature(request)", True),
    ("json.loads(request.body)", False),
])
def test_verification(rules, body, verifies):
    module, handlers = analyse(rules, f"""
        import hmac, json, stripe

        def stripe_webhook(request):
            {body}
    """)
    assert module.verifies(handlers["stripe_webhook"]) is verifies


def test_verification_by_decorator_class_and_dependency(rules):
    module, handlers = analyse(rules, """
        from rest_framework.permissions import IsAuthenticated

        @verify_github_signature
        def github_webhook(request): ...

        class SlackWebhookView(APIView):
            permission_classes = [IsAuthenticated]
            def post(self, request): ...

        class OpenWebhookView(APIView):
            permission_classes = [AllowAny]
            def post(self, request): ...

        @router.post("/webhook", dependencies=[Depends(validate_hmac)])
        async def fastapi_webhook(payload: dict = Body(...)): ...
    """)
    assert {name: module.verifies(h) for name, h in handlers.items()} == {
        "github_webhook": True, "SlackWebhookView.post": True, "OpenWebhookView.post": False,
        "fastapi_webhook": True,
    }


def test_effects_through_same_module_functions_and_tasks(rules):
    module, handlers = analyse(rules, """
        import requests, smtplib
        from celery import shared_task
        from django.core.mail import send_mail
        from shop.models import Order
        from shop.tasks import remote

        @shared_task
        def local_task(pk):
            Order.objects.create(pk=pk)

        def notify():
            requests.post("https://x", timeout=5)

        def stripe_webhook(request):
            notify()
            send_mail("s", "b", "f", ["t"])
            local_task.delay(1)
            remote.delay(1)
            Order.objects.filter(pk=1).update(paid=True)
    """)
    effects = module.effects(handlers["stripe_webhook"])
    assert [(e.kind, e.label, e.remote_task) for e in effects] == [
        (DATABASE_WRITE, "Order.objects.create() in local_task()", False),
        (OUTBOUND_CALL, "requests.post() in notify()", False),
        (EMAIL, "send_mail()", False),
        (TASK, "remote.delay()", True),
    ]
    # Setting a value again is repeatable: only RL302 ("acts on the body") counts it.
    assert len(module.effects(handlers["stripe_webhook"], repeatable=True)) == 5


def test_dispatch_by_event_type_reaches_every_candidate(rules):
    module, handlers = analyse(rules, """
        from django.core.mail import send_mail

        def on_paid(obj):
            send_mail("paid", "", "f", ["t"])

        HANDLERS = {"invoice.paid": on_paid}

        def stripe_webhook(request):
            event = parse(request)
            HANDLERS[event.type](event.data.object)

        class StripeWebhookView(View):
            def post(self, request):
                getattr(self, event.type.replace(".", "_"))(request)

            def invoice_paid(self, request):
                send_mail("paid", "", "f", ["t"])
    """)
    assert [e.label for e in module.effects(handlers["stripe_webhook"])] == ["send_mail() in on_paid()"]
    assert [e.label for e in module.effects(handlers["StripeWebhookView.post"])] == ["send_mail() in invoice_paid()"]


@pytest.mark.parametrize("code, how", [
    ("if Event.objects.filter(id=event.id).exists():\n    return", "a lookup of the event id with an early return"),
    ("_, created = Event.objects.get_or_create(event_id=event.id)\nif not created:\n    return",
     "get_or_create on the event id"),
    ("Event.objects.get_or_create(event_id=event.id)", None),
    ("try:\n    Event.objects.create(event_id=event.id)\nexcept IntegrityError:\n    return",
     "a unique insert whose violation is handled"),
    ("cache.add(f'evt:{event.id}', 1)", "a cache add()"),
    ("r.set(event.id, 1, nx=True)", "a set-if-absent"),
    ("if not event_id:\n    return", None),
    ("if Delivery.objects.filter(pk=request.headers['X-GitHub-Delivery']).exists():\n    return",
     "a lookup of the event id with an early return"),
    ("apply_async(task_id=event.id)", None),
])
def test_deduplication(rules, code, how):
    source = "def stripe_webhook(request):\n    event = parse(request)\n"
    module, handlers = analyse(rules, source + textwrap.indent(code, "    ") + "\n    Credit.objects.create(amount=1)\n")
    dedup = module.deduplication(handlers["stripe_webhook"], rules.dedup, frozenset())
    assert dedup.how == how
    assert (dedup.ignored_created is not None) is (code.startswith("Event.objects.get_or_create"))


def test_extending_rl302_teaches_both_rules_a_route_decorator(tmp_path):
    (tmp_path / "ourco.yaml").write_text(
        "code: RL302\ncatalog:\n  handlers:\n    route_decorators: [inbound]\n"
    )
    (tmp_path / "readylint.yaml").write_text("extend-rules: [ourco.yaml]\n")
    (tmp_path / "app.py").write_text(textwrap.dedent("""
        from shop.models import Credit

        @bus.inbound("/webhooks/stripe")
        def stripe_in(request):
            Credit.objects.create(amount=request.POST["amount"])
    """))
    findings = {(f.code, f.line) for f in lint([tmp_path], cwd=tmp_path).findings}
    assert findings == {("RL301", 5), ("RL302", 5)}


def test_urls_routes_to_views_of_other_modules(rules):
    module, _ = analyse(rules, """
        from django.urls import path, re_path
        from payments import views
        from payments.views import GitHubReceiver

        urlpatterns = [
            path("webhooks/stripe/", views.receive),
            re_path(r"^hooks/github/$", GitHubReceiver.as_view()),
            path("orders/", views.orders),
            path("oauth/github/callback/", views.github_callback),
        ]
    """, path="payments/urls.py")
    assert module.routes_to_other_modules() == [
        ("payments.views.receive", "webhooks/stripe/"),
        ("payments.views.GitHubReceiver", r"^hooks/github/$"),
    ]


def test_unrouted_views_are_judged_only_in_django_modules(rules):
    django, _ = analyse(rules, """
        from django.http import HttpResponse
        import stripe

        def receive(request): ...

        class Receiver(View):
            def post(self, request): ...
    """)
    assert [q for q, _ in django.unrouted_views()] == ["app.views.receive", "app.views.Receiver"]
    fastapi, _ = analyse(rules, "import stripe\nfrom fastapi import Request\n\ndef receive(request): ...\n")
    assert fastapi.unrouted_views() == []


def test_an_in_house_http_client_added_to_rl101_is_a_side_effect_for_rl301(tmp_path):
    (tmp_path / "ourco.yaml").write_text(
        "code: RL101\ncatalog:\n  calls:\n    - names: [ourco.http.post]\n      timeout: {keywords: [timeout]}\n"
    )
    (tmp_path / "readylint.yaml").write_text("extend-rules: [ourco.yaml]\n")
    (tmp_path / "views.py").write_text(textwrap.dedent("""
        import stripe
        from ourco import http

        def stripe_webhook(request):
            event = stripe.Webhook.construct_event(request.body, request.headers["Stripe-Signature"], "whsec")
            http.post("https://ledger.internal", json=event, timeout=5)
    """))
    findings = {(f.code, f.line) for f in lint([tmp_path], cwd=tmp_path).findings}
    assert findings == {("RL301", 5)}
