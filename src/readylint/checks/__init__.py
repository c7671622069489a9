"""Every rule's logic, one module per rule, registered by code.

To add a rule: write `rules/RLxxx-name.yaml`, a module here with a `Check`
subclass whose `code` matches, import it below, and add fixtures under
`fixtures/RLxxx/`. A test fails if a catalog and a check do not pair up.
"""

from __future__ import annotations

from readylint.checks import (
    migration_without_down,
    multi_write_without_transaction,
    outbound_call_without_timeout,
    parse_error,
    query_in_loop,
    secrets,
    sensitive_endpoint_without_rate_limit,
    unindexed_foreign_key,
    webhook_without_idempotency,
    webhook_without_signature_check,
)
from readylint.checks.base import Check

CHECKS: dict[str, type[Check]] = {
    check.code: check
    for check in (
        parse_error.ParseError,
        outbound_call_without_timeout.OutboundCallWithoutTimeout,
        multi_write_without_transaction.MultiWriteWithoutTransaction,
        query_in_loop.QueryInLoop,
        webhook_without_idempotency.WebhookWithoutIdempotency,
        webhook_without_signature_check.WebhookWithoutSignatureCheck,
        migration_without_down.MigrationWithoutDown,
        unindexed_foreign_key.UnindexedForeignKey,
        secrets.ProviderToken,
        secrets.PrivateKey,
        secrets.PasswordInUrl,
        secrets.GenericSecret,
        sensitive_endpoint_without_rate_limit.SensitiveEndpointWithoutRateLimit,
    )
}

# Engine rules: reported by the engine itself when a file cannot be read,
# decoded or parsed, or is too large to read. They have docs and a code like
# every rule, and are implied by any selection (only `ignore` turns them
# off) — RL001 when a selected rule reads Python trees, since a syntax error
# matters to those rules only; selecting it by name always runs it.
PARSE_ERROR = parse_error.ParseError.code
FILE_TOO_LARGE = "RL002"  # reported by the engine's reader; no check class
ENGINE_CODES = frozenset({PARSE_ERROR, FILE_TOO_LARGE})
