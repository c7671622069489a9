"""RL101 reads its catalog strictly: a malformed user extension is named, not a crash later."""

from __future__ import annotations

import copy
import subprocess
import sys
import re

import pytest

from readylint.checks.outbound_call_without_timeout import OutboundCallWithoutTimeout
from readylint.sources import SourceFile


@pytest.mark.parametrize(
    "extra, fragment",
    [
        ({"calls": [{"timeout": {"keywords": ["timeout"]}}]}, "calls[0] needs 'names'"),
        ({"calls": [{"names": ["ourco.get"], "timeout": {}}]}, "calls[0] needs 'timeout'"),
        ({"calls": [{"names": ["ourco.get"], "timeout": {"default": 3}}]}, "needs 'keywords' or 'position'"),
        ({"clients": [{"factories": ["ourco.Client"], "methods": ["get"]}]}, "clients[0] needs 'method_timeout'"),
    ],
)
def test_malformed_entries_are_named(catalog, extra, fragment):
    rule = copy.deepcopy(catalog.by_code["RL101"])
    rule.catalog = {**rule.catalog, **extra}
    with pytest.raises(ValueError, match=r".*" + fragment.replace("[", r"\[").replace("]", r"\]")):
        OutboundCallWithoutTimeout(rule, rule.option_defaults())


def test_max_default_seconds_must_be_a_number(catalog):
    rule = catalog.by_code["RL101"]
    with pytest.raises(ValueError, match="max-default-seconds must be a number"):
        OutboundCallWithoutTimeout(rule, {**rule.option_defaults(), "max-default-seconds": "ten"})


def test_positional_only_timeout_has_a_readable_remedy_and_no_fix(catalog):
    rule = copy.deepcopy(catalog.by_code["RL101"])
    rule.catalog = {"calls": [{"names": ["ourco.fetch"], "timeout": {"position": 1}, "default": "forever",
                               "hangs": "ourco.fetch waits forever"}]}
    check = OutboundCallWithoutTimeout(rule, rule.option_defaults())
    file = SourceFile("app.py", "import ourco\n\nourco.fetch(url)\nourco.fetch(url, 5)\n")
    findings = list(check.check(file))
    assert [(f.line, f.fix) for f in findings] == [(3, None)]
    assert "pass a timeout as argument 2" in findings[0].message


@pytest.mark.parametrize(
    "typescript, fragment",
    [
        ({"calls": [{"names": ["ourco"]}]}, "typescript.calls[0] needs 'timeout'"),
        ({"calls": [{"names": ["ourco"], "timeout": {"keys": ["t"]}, "options": [1]}]}, "must be mappings"),
        ({"clients": [{"factories": ["ourco.create"], "methods": ["get"], "method_timeout": {"keys": ["t"]}}]},
         "`methods` maps each method"),
        ({"injected": [{"types": ["ourco.Http"], "methods": {"get": 1}}]}, "injected[0] needs 'method_timeout'"),
    ],
)
def test_malformed_typescript_entries_are_named(catalog, typescript, fragment):
    rule = copy.deepcopy(catalog.by_code["RL101"])
    rule.catalog = {**rule.catalog, "typescript": typescript}
    with pytest.raises(ValueError, match=re.escape(fragment)):
        OutboundCallWithoutTimeout(rule, rule.option_defaults())


def test_a_malformed_extension_is_a_configuration_error_naming_its_file(tmp_path):
    (tmp_path / "ours.yaml").write_text(
        "code: RL101\ncatalog:\n  typescript:\n    clients:\n      - factories: [ourco.create]\n"
        "        methods: [get]\n        method_timeout: {keys: [t]}\n"
    )
    (tmp_path / "readylint.yaml").write_text('extend-rules: ["ours.yaml"]\n')
    (tmp_path / "a.ts").write_text("fetch(u);\n")
    process = subprocess.run([sys.executable, "-m", "readylint", "check", "--no-cache", str(tmp_path)],
                             capture_output=True, text=True, cwd=tmp_path)
    assert process.returncode == 2
    assert "internal error" not in process.stderr and "Traceback" not in process.stderr
    assert "ours.yaml" in process.stderr and "`methods` maps each method" in process.stderr
