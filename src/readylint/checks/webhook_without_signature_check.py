"""RL302 webhook-without-signature-check: a webhook handler that trusts any caller.

Handlers, providers and what counts as verification are data
(`rules/RL302-webhook-without-signature-check.yaml`, shared with RL301);
`readylint.python.webhooks` finds the handlers and their facts, and
`webhook_base` follows Django routes across modules. Reported: a handler that
reads the request body and acts on it (a side effect, or the payload handed to
a project function) with no signature or shared-secret check in itself, its
decorators, its class or the same-module functions it calls.
"""

from __future__ import annotations

from readylint.checks.webhook_base import WebhookCheck
from readylint.diagnostics import Finding
from readylint.python.dataaccess import call_label
from readylint.python.webhooks import Handler, WebhookModule
from readylint.sources import SourceFile


class WebhookWithoutSignatureCheck(WebhookCheck):
    code = "RL302"

    def judge(self, file: SourceFile, module: WebhookModule, handler: Handler) -> Finding | None:
        if not module.reads_body(handler) or module.verifies(handler):
            return None
        effects = module.effects(handler, repeatable=True)
        passed = module.passes_payload_on(handler)
        if not effects and passed is None:
            return None
        acts = effects[0].describe() if effects else f"passes it to {call_label(passed)} (line {passed.lineno})"
        provider = module.provider(handler)
        parsed = module.construct_from(handler)
        parsing = f"; {call_label(parsed)} only parses the JSON, it does not verify it" if parsed else ""
        who = f"{provider.name} webhook" if provider else "Webhook"
        verify_with = provider.verify_with if provider else self.rules.handlers.generic_verify_with
        line, column, end_column = handler.name_span(file)
        return self.finding(
            file, line, column,
            f"{who} handler `{handler.name}` acts on the request body ({acts}) without verifying "
            f"its signature, so anyone who knows the URL can forge events{parsing}. Verify the raw body "
            f"first: {verify_with}",
            end_column=end_column,
        )
