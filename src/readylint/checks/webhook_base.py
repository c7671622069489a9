"""What RL301 and RL302 share: finding handlers in a file, and the project
pass that follows Django `urls.py` routes to views of other modules.

A view whose own name does not say webhook (`payments/views.py: receive`)
is a handler when a `urls.py` routes a webhook path to it
(`path("webhooks/stripe/", views.receive)`). Each file judges its other views
in the worker (`collect`: the finding each would get, keyed by qualified
name) and lists its routes into other modules; `check_project` reports the
views some route makes handlers. A rule says how it judges one handler (`judge`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from readylint.catalog import Catalog
from readylint.checks.base import ProjectCheck, ProjectContext
from readylint.diagnostics import Finding
from readylint.python.webhooks import Handler, WebhookModule, WebhookRules
from readylint.sources import FileKind, SourceFile

if TYPE_CHECKING:
    from readylint.engine import Selection


@dataclass
class WebhookFacts:
    routes: list[tuple[str, str]]  # (qualified view, path) routed from this file
    views: dict[str, Finding]  # qualified view -> its finding, were it a handler


class WebhookCheck(ProjectCheck):
    kinds = frozenset({FileKind.PYTHON})

    def prepare(self, catalog: Catalog, selection: "Selection") -> None:
        self.rules = WebhookRules.for_catalog(catalog)

    def applies_to(self, file: SourceFile) -> bool:
        return self.rules.applies_to(file)

    def judge(self, file: SourceFile, module: WebhookModule, handler: Handler) -> Finding | None:
        raise NotImplementedError

    def check(self, file: SourceFile) -> Iterable[Finding]:
        module = self.rules.module(file)
        if module is None:
            return
        for handler in module.handlers():
            finding = self.judge(file, module, handler)
            if finding is not None:
                yield finding

    def collect(self, file: SourceFile) -> WebhookFacts | None:
        module = self.rules.module(file)
        if module is None:
            return None
        views = {}
        for qualified, handler in module.unrouted_views():
            finding = self.judge(file, module, handler)
            if finding is not None:
                views[qualified] = finding
        routes = module.routes_to_other_modules()
        return WebhookFacts(routes, views) if routes or views else None

    def wants_context(self, path: str) -> bool:
        return path.rsplit("/", 1)[-1] == "urls.py"

    def check_project(self, facts: dict[str, WebhookFacts], project: ProjectContext) -> Iterable[Finding]:
        routed = {view for fact in facts.values() for view, _ in fact.routes}
        for fact in facts.values():
            for qualified, finding in fact.views.items():
                # Paths are relative to the scanned root: `src.shop.views.receive`
                # is routed as `shop.views.receive`.
                if any(qualified == view or qualified.endswith("." + view) for view in routed):
                    yield finding
