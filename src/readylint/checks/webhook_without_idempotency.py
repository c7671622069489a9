"""RL301 webhook-without-idempotency: a webhook handler that repeats its side
effects on every redelivery.

Effects and deduplication are data (`rules/RL301-webhook-without-idempotency.yaml`,
with RL101's outbound calls and RL201's writes); handlers and providers are
RL302's catalog. `readylint.python.webhooks` finds handlers, their effects
(through same-module calls) and their deduplication; `webhook_base` follows
Django routes across modules.
"""

from __future__ import annotations

from readylint.checks.webhook_base import WebhookCheck
from readylint.diagnostics import Finding
from readylint.python.dataaccess import call_label
from readylint.python.webhooks import Handler, WebhookModule
from readylint.sources import SourceFile

EFFECTS_SHOWN = 4


class WebhookWithoutIdempotency(WebhookCheck):
    code = "RL301"

    def prepare(self, catalog, selection):
        super().prepare(catalog, selection)
        self.dispatchers = frozenset(self.options.get("idempotent-dispatchers") or ())

    def judge(self, file: SourceFile, module: WebhookModule, handler: Handler) -> Finding | None:
        # A task of another module owns its effects (and its deduplication).
        effects = [e for e in module.effects(handler) if not e.remote_task]
        if not effects:
            return None
        dedup = module.deduplication(handler, self.rules.dedup, self.dispatchers)
        if dedup.how:
            return None
        provider = module.provider(handler)
        who = f"{provider.name} webhook" if provider else "Webhook"
        event_id = provider.event_id if provider else "the event id"
        shown = ", ".join(e.describe() for e in effects[:EFFECTS_SHOWN])
        more = f" and {len(effects) - EFFECTS_SHOWN} more" if len(effects) > EFFECTS_SHOWN else ""
        if dedup.ignored_created is not None:
            problem = (
                f"{call_label(dedup.ignored_created)} (line {dedup.ignored_created.lineno}) records the event "
                f"but its `created` flag is ignored, so a redelivery runs {shown}{more} again"
            )
        else:
            problem = f"runs {shown}{more} on every delivery, and providers redeliver"
        line, column, end_column = handler.name_span(file)
        return self.finding(
            file, line, column,
            f"{who} handler `{handler.name}` {problem}. Record {event_id} under a unique constraint in "
            f"the same transaction as the effects and return early when it is already there",
            end_column=end_column,
        )
