"""The secrets scanner (RL501-RL504): judgements, one scan per file, selection, severities, masking."""

from __future__ import annotations

import io
import re
import textwrap
from pathlib import Path

import pytest

from conftest import FIXTURES, lint
from fake_secrets import (
    ANON_JWT,
    DEMO_SERVICE_ROLE_JWT,
    FAKES,
    SERVICE_ROLE_JWT,
    fake_key_body,
    github_style,
    jwt,
)
from readylint.catalog import Catalog, CatalogError
from readylint.config import Config
from readylint.diagnostics import Severity, mask_secret
from readylint.engine import RunOptions, run
from readylint.report import FORMATS, render
from readylint.secrets import SecretScanner
from readylint.secrets.checksums import github_crc32
from readylint.secrets.jwt import jwt_claims
from readylint.secrets.base import Hit
from readylint.secrets.scanner import ascii_lower, rank, trie_regex
from readylint.secrets.assignments import names_itself
from readylint.secrets.values import is_identifier, shannon_entropy
from readylint.sources import SourceFile, kind_of

SECRET_CODES = ["RL501", "RL502", "RL503", "RL504"]


def write(directory: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return directory


def findings(directory: Path, **options) -> list[tuple[str, int, str]]:
    result = lint([directory], config=Config(), **options)
    assert not result.internal_errors, result.internal_errors
    return [(f.path, f.line, f.code) for f in result.findings]


# ------------------------------------------------------------- judgements


def test_github_checksum_accepts_issued_shape_and_rejects_any_edit():
    token = github_style("ghp_")
    assert github_crc32(token)
    assert github_crc32(github_style("npm_"))
    last = token[-1]
    assert not github_crc32(token[:-1] + ("0" if last != "0" else "1"))
    assert not github_crc32(token[:10] + ("x" if token[10] != "x" else "y") + token[11:])
    assert not github_crc32("ghp_short")


def test_jwt_claims_decode_payload_and_refuse_non_jwts():
    assert jwt_claims(SERVICE_ROLE_JWT)["role"] == "service_role"
    assert jwt_claims(ANON_JWT)["role"] == "anon"
    assert jwt_claims("eyJhbGciOi.not-base64!.x") is None
    assert jwt_claims("a.b") is None


def test_entropy_orders_random_above_repetitive():
    assert shannon_entropy("aaaaaaaa") == 0
    assert shannon_entropy("Xk29fakeCsrfValue8qLm") > shannon_entropy("passwordpassword")


def test_trie_regex_matches_every_keyword_and_prefers_the_longest():
    words = ["pass", "password", "password=", "pwd", "sk_live_", "sk_test_", "://"]
    pattern = re.compile(trie_regex(words))
    for word in words:
        assert pattern.fullmatch(word), word
    assert pattern.findall("x password= y sk_live_ pwd a://b") == ["password=", "sk_live_", "pwd", "://"]


def test_lowering_keeps_offsets_when_unicode_would_grow():
    text = "İstanbul token=x"
    assert len(ascii_lower(text)) == len(text)
    assert ascii_lower(text).endswith("token=x")


def test_every_detector_has_a_fake_that_it_alone_reports(catalog):
    """One fake per RL501 detector (tests/fake_secrets.py), and no detector without one."""
    detectors = [d["id"] for d in catalog.by_code["RL501"].catalog["detectors"]]
    assert len(detectors) >= 40
    assert sorted(FAKES) == sorted(detectors)
    scanner = SecretScanner.from_catalog(catalog, SECRET_CODES, {})
    for detector, fake in FAKES.items():
        hits = scanner.scan(SourceFile("notes.txt", f"value: {fake}\n"))
        assert [(h.code, h.detector) for h in hits] == [("RL501", detector)], detector


@pytest.mark.parametrize(
    "line",
    [
        f"SUPABASE_ANON_KEY={ANON_JWT}",
        f"SUPABASE_SERVICE_ROLE_KEY={DEMO_SERVICE_ROLE_JWT}",
        "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE",
        "sk_live_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        github_style("ghp_")[:-1] + "Z" if not github_style("ghp_").endswith("Z") else "ghp_",
    ],
)
def test_public_documented_and_invalid_look_alikes_are_silent(catalog, line):
    scanner = SecretScanner.from_catalog(catalog, SECRET_CODES, {})
    assert scanner.scan(SourceFile("notes.txt", line + "\n")) == []


# ------------------------------------------------------------- one scan, selection


def test_one_scan_per_file_serves_all_four_checks(tmp_path, monkeypatch):
    calls = []
    original = SecretScanner._scan

    def counting(self, file):
        calls.append((file.path, file.text))
        return original(self, file)

    monkeypatch.setattr(SecretScanner, "_scan", counting)
    files = {"a.py": f'KEY = "{FAKES["stripe-live-secret-key"]}"\n', "b.env": "X=1\n"}
    write(tmp_path, files)
    assert findings(tmp_path) == [("a.py", 1, "RL501")]
    # Each file once, plus the line a finding shows (scanned for secrets to mask).
    assert sorted(calls) == sorted([*files.items(), ("a.py", files["a.py"].rstrip("\n"))])


def test_a_secret_is_reported_by_the_most_specific_selected_rule(tmp_path):
    # A hand-made fake (the generated ones run through the alphabet, which RL504 calls a placeholder).
    write(tmp_path, {"settings.py": 'STRIPE_SECRET_KEY = "sk_live_51Hq8fakeZr2Lw9xQm4Tn7Vb3Kd6Yp1Sg"\n'})
    assert findings(tmp_path) == [("settings.py", 1, "RL501")]
    assert findings(tmp_path, select=["RL504"]) == [("settings.py", 1, "RL504")]
    assert findings(tmp_path, ignore=["RL501"]) == [("settings.py", 1, "RL504")]
    assert findings(tmp_path, select=["RL502", "RL503"]) == []


def test_test_keys_are_info_and_the_option_changes_it(tmp_path):
    write(tmp_path, {"billing.py": f'KEY = "{FAKES["stripe-test-secret-key"]}"\n'})
    result = lint([tmp_path], config=Config())
    assert [(f.code, f.severity) for f in result.findings] == [("RL501", Severity.INFO)]
    assert result.exit_code == 0
    config = Config(rule_options={"RL501": {"test-key-severity": "error"}})
    result = lint([tmp_path], config=config)
    assert [f.severity for f in result.findings] == [Severity.ERROR]


def test_encrypted_private_key_is_a_warning(tmp_path):
    body = "\n".join(fake_key_body()[:6])
    write(tmp_path, {"key.pem": f"-----BEGIN ENCRYPTED PRIVATE KEY-----\n{body}\n-----END ENCRYPTED PRIVATE KEY-----\n"})
    result = lint([tmp_path], config=Config())
    assert [(f.code, f.severity) for f in result.findings] == [("RL502", Severity.WARNING)]
    assert "passphrase-encrypted" in result.findings[0].message


@pytest.mark.parametrize("code, line", [
    ("RL504", 'PASSWORD = "Tq9fakeTestPw!3x"'),
    ("RL503", 'DATABASE_URL = "postgresql://app:Jm3fakeBillPw7x@test-db.internal.acme.io/app_test"'),
    # RL501 keeps reading tests for live tokens: only test-mode keys are quiet there.
    ("RL501", 'STRIPE_KEY = "sk_test_READYLINTfake0123456789ABCDEFGHI"'),
])
def test_quiet_in_tests_can_be_turned_off(tmp_path, code, line):
    write(tmp_path, {"tests/test_login.py": line + "\n"})
    assert findings(tmp_path) == []
    config = Config(rule_options={code: {"quiet-in-tests": False}})
    result = lint([tmp_path], config=config)
    assert [(f.path, f.line, f.code) for f in result.findings] == [("tests/test_login.py", 1, code)]


def test_users_extend_the_detector_catalog(tmp_path):
    extension = tmp_path / "ours.yaml"
    extension.write_text(textwrap.dedent("""\
        code: RL501
        catalog:
          detectors:
            - id: acme-internal-token
              description: ACME internal API token
              pattern: 'acme_[a-z0-9]{24}'
              keywords: [acme_]
              entropy: 3.0
    """))
    project = write(tmp_path / "project", {"client.py": 'TOKEN = "acme_0a1b2c3d4e5f6g7h8i9j0k1l"\n'})
    catalog = Catalog.load(extensions=[extension])
    result = run(Config(), catalog, RunOptions(paths=[project], jobs=1), cwd=project)
    assert [(f.code, f.message.split(" `")[0]) for f in result.findings] == [("RL501", "ACME internal API token")]


def test_a_broken_detector_is_a_catalog_error_naming_the_file(tmp_path):
    extension = tmp_path / "ours.yaml"
    extension.write_text("code: RL501\ncatalog:\n  detectors:\n    - {id: bad, description: d, pattern: '(', keywords: [x]}\n")
    catalog = Catalog.load(extensions=[extension])
    project = write(tmp_path / "project", {"a.txt": "x\n"})
    with pytest.raises(CatalogError, match=r"ours\.yaml.*RL501.*bad pattern"):
        run(Config(), catalog, RunOptions(paths=[project], jobs=1), cwd=project)


def test_binary_and_odd_text_never_crash(tmp_path):
    (tmp_path / "blob.txt").write_bytes(b"token=\xff\xfe password: \x80\x81 -----BEGIN PRIVATE KEY-----\n")
    write(tmp_path, {"weird.py": 'password = "unterminated\npassword = ("\n', "İ.env": "İTOKEN=İİİİİİİİ\n"})
    assert [f for f in findings(tmp_path) if f[2] != "RL001"] == []


# ------------------------------------------------------------- very long lines

# A minified bundle and a one-line JSON export, about 100 KB each. Their
# keyword mentions (`://`, `token`) wake probes all along the line, so the
# scanner reads it in windows around them, as on real minified files.
JS_CHUNK = 'function f(a,b){a.src="https://cdn.acme.io/lib.js";return a.token||b}var c=[1,2,3,4,5,6,7,8];'
JSON_CHUNK = '"icon{}":{{"paths":["M512 0C229.2 0 0 229.2 0 512"],"token":"grid","width":1024}}'
LONG_LINE_SECRETS = {
    # file, snippet, (code, detector, secret)
    "stripe": ("bundle.js", 'var k="sk_live_51Hq8fakeZr2Lw9xQm4Tn7Vb3Kd6Yp1Sg";',
               ("RL501", "stripe-live-secret-key", "sk_live_51Hq8fakeZr2Lw9xQm4Tn7Vb3Kd6Yp1Sg")),
    "url": ("bundle.js", 'var u="postgres://app:Kq8fakeDsnPw3x@db.acme.io/app";',
            ("RL503", "postgres-url", "Kq8fakeDsnPw3x")),
    "json-pair": ("export.json", '"password":"Hx7fakeDbPw!92q",',
                  ("RL504", "generic-secret", "Hx7fakeDbPw!92q")),
}


def long_line(path: str, snippets: dict[float, str]) -> str:
    """One ~100 KB line of filler with each snippet inserted at its fraction of the length."""
    if path.endswith(".json"):
        chunks = [JSON_CHUNK.format(i) + "," for i in range(1250)]
        head, tail = "{", '"end":0}\n'
    else:
        chunks, head, tail = [JS_CHUNK] * 1100, "", "\n"
    for fraction, snippet in sorted(snippets.items(), reverse=True):
        chunks.insert(round(fraction * len(chunks)), snippet)
    return head + "".join(chunks) + tail


def long_line_hits(catalog, path: str, text: str) -> list[tuple[str, str, int, int]]:
    scanner = SecretScanner.from_catalog(catalog, SECRET_CODES, {})
    return [(h.code, h.detector, h.start, h.end) for h in scanner.scan(SourceFile(path, text))]


def expected_hit(text: str, code: str, detector: str, secret: str) -> tuple[str, str, int, int]:
    start = text.index(secret)
    return code, detector, start, start + len(secret)


@pytest.mark.parametrize("where", [0.0, 0.5, 1.0], ids=["start", "middle", "end"])
@pytest.mark.parametrize("case", sorted(LONG_LINE_SECRETS))
def test_a_secret_in_a_long_minified_line_is_found_exactly(catalog, case, where):
    path, snippet, (code, detector, secret) = LONG_LINE_SECRETS[case]
    text = long_line(path, {where: snippet})
    assert text.count("\n") == 1 and len(text) > 90_000
    assert long_line_hits(catalog, path, text) == [expected_hit(text, code, detector, secret)]


@pytest.mark.parametrize("apart", [0.8, 0.001], ids=["far-apart", "close"])
def test_two_secrets_in_one_long_line_are_both_found(catalog, apart):
    stripe, url = LONG_LINE_SECRETS["stripe"], LONG_LINE_SECRETS["url"]
    text = long_line("bundle.js", {0.1: stripe[1], 0.1 + apart: url[1]})
    assert long_line_hits(catalog, "bundle.js", text) == [
        expected_hit(text, *stripe[2]), expected_hit(text, *url[2]),
    ]


def test_a_token_longer_than_the_window_is_read_whole(catalog):
    token = jwt({"role": "service_role", "ref": "readylintfakeproject", "note": "fake " * 400})
    assert len(token) > 2500
    text = long_line("bundle.js", {0.5: f'var k="{token}";'})
    assert long_line_hits(catalog, "bundle.js", text) == [
        expected_hit(text, "RL501", "supabase-service-role-key", token),
    ]


def test_a_private_key_in_a_long_json_line_is_read_to_its_end_marker(catalog):
    body = "\\n".join(fake_key_body(blocks=40))
    key = f"-----BEGIN PRIVATE KEY-----\\n{body}\\n-----END PRIVATE KEY-----\\n"
    assert len(key) > 2500  # its END marker is past the window around its BEGIN
    text = long_line("service-account.json", {0.5: f'"private_key":"{key}",'})
    start = text.index("-----BEGIN")
    end = text.index("-----END PRIVATE KEY-----") + len("-----END PRIVATE KEY-----")
    assert long_line_hits(catalog, "service-account.json", text) == [("RL502", "pem-private-key", start, end)]


def test_a_minified_bundle_is_read_only_by_the_rules_that_read_bundles(catalog):
    """RL501 skips `*.min.js` and RL504 skips bundles; RL503 still reads it."""
    stripe, url = LONG_LINE_SECRETS["stripe"], LONG_LINE_SECRETS["url"]
    text = long_line("vendor.min.js", {0.3: stripe[1], 0.6: url[1], 0.9: 'var password="Hx7fakeDbPw!92q";'})
    assert long_line_hits(catalog, "vendor.min.js", text) == [expected_hit(text, *url[2])]


def test_a_long_dockerfile_env_line_is_read_from_its_start(catalog):
    text = "ENV " + " ".join(f"OPT_{i}=value{i}" for i in range(800)) + " DB_PASSWORD=Hx7fakeDbPw!92q\n"
    assert len(text) > 8000
    assert long_line_hits(catalog, "Dockerfile", text) == [
        expected_hit(text, "RL504", "generic-secret", "Hx7fakeDbPw!92q"),
    ]


# ------------------------------------------------------------- never print a secret


def secret_fixture_result():
    cases = [FIXTURES / code for code in SECRET_CODES]
    result = lint(cases, config=Config(), cwd=FIXTURES)
    assert len(result.findings) > 80
    return result


KEY_LINE_RE = re.compile(r"[A-Za-z0-9+/=]{16,}")


def secret_fragments(result, catalog) -> set[str]:
    """Every secret of the fixtures, and every base64 line of a multi-line
    secret (a key body). Findings keep only masks, so the files are scanned again."""
    scanner = SecretScanner.from_catalog(catalog, SECRET_CODES, {})
    fragments = set()
    for path in {f.path for f in result.findings}:
        source = SourceFile(path, (result.root / path).read_text(), kind_of(path), result.root / path)
        for hit in scanner.scan(source):
            fragments.add(hit.secret)
            fragments.update(KEY_LINE_RE.findall(hit.secret))
    assert len(fragments) > 80
    return fragments


def test_findings_keep_only_the_mask_and_hash_of_a_secret():
    result = secret_fixture_result()
    # (Other rules read the fixtures too: a log-in view there has no rate limit.)
    for finding in (f for f in result.findings if f.code in SECRET_CODES):
        assert finding.secret is None
        assert finding.masked_secret and "…[" in finding.masked_secret
        assert len(finding.secret_hash) == 64


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_output_format_contains_a_secret(fmt, catalog):
    result = secret_fixture_result()
    stream = io.StringIO()
    render(fmt, result, catalog, stream, color=False)
    output = stream.getvalue()
    leaked = [fragment for fragment in secret_fragments(result, catalog) if fragment in output]
    assert not leaked, leaked[:3]
    # Masked forms are shown (first four characters and the length) in the human formats.
    if fmt == "text":
        assert "…[" in output


def test_messages_name_the_detector_and_fingerprints_differ_by_secret():
    result = secret_fixture_result()
    messages = {f.message.split(" `")[0] for f in result.findings if f.code == "RL501"}
    assert {"Stripe live secret key", "GitHub personal access token", "AWS access key ID"} <= messages
    assert any("service_role" in m for m in messages)
    fingerprints = [f.fingerprint for f in result.findings]
    assert len(set(fingerprints)) == len(fingerprints)


def test_overlapping_keywords_wake_every_probe_they_could_hide(catalog):
    """`password =` (RL503's keyword) also contains RL504's `password`; both probes run."""
    scanner = SecretScanner.from_catalog(catalog, SECRET_CODES, {})
    codes = {probe.code for probe in scanner.keyword_index(frozenset(SECRET_CODES)).probes_by_keyword["password ="]}
    assert codes == {"RL503", "RL504"}
    text = 'DB_PASSWORD = "Hx7fakeDbPw!92q"\nDSN = "host=db.acme.io user=app password=Kq8fakeDsnPw3x"\n'
    hits = scanner.scan(SourceFile("settings.py", text))
    assert [(h.code, h.secret) for h in hits] == [("RL504", "Hx7fakeDbPw!92q"), ("RL503", "Kq8fakeDsnPw3x")]


def test_text_caret_underlines_the_mask_not_the_old_width(tmp_path, catalog):
    write(tmp_path, {"settings.py": 'X = 1; KEY = "sk_live_51Hq8fakeZr2Lw9xQm4Tn7Vb3Kd6Yp1Sg"\n'})
    result = lint([tmp_path], config=Config())
    stream = io.StringIO()
    render("text", result, catalog, stream, color=False)
    source, caret = [line for line in stream.getvalue().splitlines() if line.lstrip().startswith(("1 |", "|"))][:2]
    masked = mask_secret("sk_live_51Hq8fakeZr2Lw9xQm4Tn7Vb3Kd6Yp1Sg")
    assert masked in source
    assert caret.index("^") == source.index(masked)
    assert caret.count("^") == len(masked)


def test_rank_keeps_the_most_specific_of_overlapping_hits_and_every_separate_one():
    def hit(code, start, end):
        return Hit(code, "detector", start, end, "s" * (end - start), "message")

    url = hit("RL503", 10, 40)  # a password in a URL ...
    token = hit("RL501", 20, 30)  # ... that is a provider token: the token wins
    generic = hit("RL504", 25, 35)  # overlaps the token
    key = hit("RL502", 50, 90)
    inside_key = hit("RL501", 60, 70)
    before, after = hit("RL504", 0, 10), hit("RL504", 40, 50)  # touching, not overlapping
    same_span = hit("RL504", 50, 90)
    ranked = rank([after, generic, url, same_span, inside_key, before, key, token])
    assert ranked == [before, token, after, key]


@pytest.mark.parametrize("value, expected", [
    ("polar_cl_e2e_seed_checkout_link_subscription", True),
    ("acme-corp-v2-dev-key", True),
    ("Xk-9a_Qz7Lw2Vb4Tn8Rm", False),  # random base64url: its separated parts are long and mixed
    ("sk_live_READYLINTfake0123", False),
    ("ab_c1", False),  # two parts are not enough to call it a name
])
def test_identifiers_are_words_and_short_parts(value, expected):
    assert is_identifier(value) is expected


@pytest.mark.parametrize("value, name, expected", [
    ("token_xyz123", "personal_access_token", True),
    ("token123", "authorization", True),  # a secret word and a short tail
    ("DB_PASSWORD", "db_password", True),
    ("token_Xk9vQ2mLr7TzW4pB", "api_token", False),  # a long tail is what a real prefixed token has
    ("Xk9vQ2mLr7TzW4pB", "api_token", False),
])
def test_a_value_that_names_itself_is_a_placeholder(value, name, expected):
    assert names_itself(value, name, ["token", "password"]) is expected


def test_a_password_that_starts_with_its_name_is_still_a_password():
    # `password123` is what a seeded account really has, not a placeholder.
    assert not names_itself("password123", "password", ["password"], is_password=True)
    assert names_itself("password", "password", ["password"], is_password=True)
