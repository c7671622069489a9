"""Generated FAKE credentials in real formats, for fixtures and tests.

None of these was ever issued by a provider. They are built to be visibly
fake (they spell READYLINT or FAKE, or run through the alphabet in order)
while passing the format, entropy and checksum checks a real one passes.
`python tests/fake_secrets.py` prints the RL501 fixture lines.
"""

from __future__ import annotations

import base64
import json
import string
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from readylint.secrets.checksums import crc32_base62  # noqa: E402

ALNUM = string.digits + string.ascii_uppercase + string.ascii_lowercase
HEX = "0123456789abcdef"


def sequence(alphabet: str, length: int, start: str = "") -> str:
    """`start`, then the alphabet in order, repeated to `length` characters."""
    body = start + (alphabet * (length // len(alphabet) + 2))
    return body[:length]


def github_style(prefix: str) -> str:
    """`ghp_` / `npm_` + 30 characters + base62(CRC32) of them: passes the checksum."""
    random_part = sequence(ALNUM, 30, "READYLINTfake")
    return prefix + random_part + crc32_base62(random_part)


def jwt(claims: dict) -> str:
    def segment(value: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")

    signature = sequence(ALNUM, 43, "READYLINTfakeSignature")
    return f"{segment({'alg': 'HS256', 'typ': 'JWT'})}.{segment(claims)}.{signature}"


SERVICE_ROLE_JWT = jwt({"iss": "supabase", "ref": "readylintfakeproject", "role": "service_role", "iat": 1700000000})
ANON_JWT = jwt({"iss": "supabase", "ref": "readylintfakeproject", "role": "anon", "iat": 1700000000})
DEMO_SERVICE_ROLE_JWT = jwt({"iss": "supabase-demo", "role": "service_role", "exp": 1983812996})

# detector id -> a fake credential that detector must report (in context
# where the detector needs one).
FAKES: dict[str, str] = {
    "aws-access-key-id": "AKIA" + "READYLINTFAKE234",
    "aws-secret-access-key": "aws_secret_access_key = " + sequence(ALNUM + "/+", 40, "READYLINTfake/"),
    "stripe-live-secret-key": "sk_live_" + sequence(ALNUM, 32, "READYLINTfake"),
    "stripe-live-restricted-key": "rk_live_" + sequence(ALNUM, 32, "READYLINTfake"),
    "stripe-test-secret-key": "sk_test_" + sequence(ALNUM, 32, "READYLINTfake"),
    "stripe-test-restricted-key": "rk_test_" + sequence(ALNUM, 32, "READYLINTfake"),
    "stripe-webhook-secret": "whsec_" + sequence(ALNUM, 32, "READYLINTfake"),
    "github-personal-access-token": github_style("ghp_"),
    "github-oauth-token": github_style("gho_"),
    "github-user-to-server-token": github_style("ghu_"),
    "github-server-to-server-token": github_style("ghs_"),
    "github-refresh-token": github_style("ghr_"),
    "github-fine-grained-token": "github_pat_" + sequence(ALNUM, 22, "READYLINT") + "_" + sequence(ALNUM, 59, "fake"),
    "gitlab-personal-access-token": "glpat-" + sequence(ALNUM, 20, "READYfake"),
    "gitlab-pipeline-trigger-token": "glptt-" + sequence(HEX, 40),
    "gitlab-runner-token": "glrt-" + sequence(ALNUM, 20, "READYfake"),
    "gitlab-deploy-token": "gldt-" + sequence(ALNUM, 20, "READYfake"),
    "slack-bot-token": "xoxb-1234567890-1234567890-" + sequence(ALNUM, 24, "READYLINTfake"),
    "slack-user-token": "xoxp-1234567890-1234567890-1234567890-" + sequence(HEX, 32),
    "slack-app-token": "xapp-1-A0READYFAKE-1234567890123-" + sequence(HEX, 64),
    "slack-webhook-url": "https://hooks.slack.com/services/T0READYFAK/B0READYFAK/" + sequence(ALNUM, 24, "READYLINTfake"),
    "google-api-key": "AIza" + sequence(ALNUM + "_-", 35, "READYLINTfake"),
    "google-oauth-client-secret": "GOCSPX-" + sequence(ALNUM, 28, "READYLINTfake"),
    "openai-api-key": "sk-proj-" + sequence(ALNUM, 20, "READYLINTfake") + "T3BlbkFJ" + sequence(ALNUM, 20, "fake"),
    "anthropic-api-key": "sk-ant-api03-" + sequence(ALNUM, 93, "READYLINTfake") + "AA",
    "sendgrid-api-key": "SG." + sequence(ALNUM, 22, "READYLINTfake") + "." + sequence(ALNUM, 43, "fake"),
    "twilio-api-key": "TWILIO_API_KEY=SK" + sequence(HEX, 32),
    "twilio-auth-token": "twilio_auth_token: " + sequence(HEX, 32, "fa"),
    "mailgun-api-key": "MAILGUN_API_KEY=key-" + sequence(HEX, 32),
    "shopify-access-token": "shpat_" + sequence(HEX, 32),
    "shopify-custom-app-token": "shpca_" + sequence(HEX, 32),
    "shopify-private-app-token": "shppa_" + sequence(HEX, 32),
    "shopify-shared-secret": "shpss_" + sequence(HEX, 32),
    "huggingface-token": "hf_" + sequence(string.ascii_letters, 34, "READYLINTfake"),
    "huggingface-org-token": "api_org_" + sequence(string.ascii_letters, 34, "READYLINTfake"),
    "npm-access-token": github_style("npm_"),
    "pypi-upload-token": "pypi-AgEIcHlwaS5vcmc" + sequence(ALNUM + "_-", 60, "READYLINTfake"),
    "test-pypi-upload-token": "pypi-AgENdGVzdC5weXBpLm9yZw" + sequence(ALNUM + "_-", 60, "READYLINTfake"),
    "heroku-api-key": "HRKU-AA" + sequence(ALNUM, 58, "READYLINTfake"),
    "heroku-legacy-api-key": "HEROKU_API_KEY=01234567-89ab-cdef-0123-456789abcdef",
    "digitalocean-personal-access-token": "dop_v1_" + sequence(HEX, 64),
    "digitalocean-oauth-token": "doo_v1_" + sequence(HEX, 64),
    "digitalocean-refresh-token": "dor_v1_" + sequence(HEX, 64),
    "discord-bot-token": "DISCORD_TOKEN=MTREADYLINTfake0123456789a.Gfake0." + sequence(ALNUM, 38, "READYLINTfake"),
    "discord-webhook-url": "https://discord.com/api/webhooks/123456789012345678/" + sequence(ALNUM, 68, "READYLINTfake"),
    "telegram-bot-token": "123456789:AA" + sequence(ALNUM, 33, "READYLINTfake"),
    "azure-storage-account-key": "AccountKey=" + sequence(ALNUM + "+/", 86, "READYLINTfake") + "==",
    "square-access-token": "sq0atp-" + sequence(ALNUM, 22, "READYLINTfake"),
    "square-oauth-secret": "sq0csp-" + sequence(ALNUM, 43, "READYLINTfake"),
    "atlassian-api-token": "ATATT3" + sequence(ALNUM, 186, "xFfGF0READYLINTfake"),
    "linear-api-key": "lin_api_" + sequence(ALNUM, 40, "READYLINTfake"),
    "postman-api-key": "PMAK-" + sequence(HEX, 24) + "-" + sequence(HEX, 34),
    "doppler-token": "dp.pt." + sequence(ALNUM, 43, "READYLINTfake"),
    "databricks-token": "dapi" + sequence(HEX, 32),
    "new-relic-user-api-key": "NRAK-" + sequence(string.digits + string.ascii_uppercase, 27, "READYLINTFAKE"),
    "sentry-org-token": "sntrys_eyJ" + sequence(ALNUM, 80, "READYLINTfake"),
    "sentry-user-token": "sntryu_" + sequence(HEX, 64),
    "grafana-service-account-token": "glsa_" + sequence(ALNUM, 32, "READYLINTfake") + "_" + sequence(HEX, 8),
    "grafana-cloud-token": "glc_" + sequence(ALNUM, 60, "READYLINTfake") + "==",
    "supabase-access-token": "sbp_" + sequence(HEX, 40),
    "supabase-secret-key": "sb_secret_" + sequence(ALNUM, 32, "READYLINTfake"),
    "supabase-service-role-key": SERVICE_ROLE_JWT,
    "age-secret-key": "AGE-SECRET-KEY-1" + sequence("QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L", 58),
    "mailchimp-api-key": sequence(HEX, 32) + "-us12",
    "terraform-cloud-token": sequence(ALNUM, 14, "READYfake") + ".atlasv1." + sequence(ALNUM, 67, "READYLINTfake"),
    "flyio-token": "fo1_" + sequence(ALNUM, 43, "READYLINTfake"),
    "pulumi-access-token": "pul-" + sequence(HEX, 40),
    "vault-service-token": "hvs." + sequence(ALNUM, 95, "READYLINTfake"),
    "notion-integration-token": "ntn_" + "12345678901" + sequence(ALNUM, 35, "READYLINTfake"),
}



def fake_key_body(blocks: int = 12, width: int = 64) -> list[str]:
    """Base64 lines with the randomness of key material; decoded they say
    `readylint fixture NNN: FAKE key material, not a key.`"""
    raw = b"".join(f"readylint fixture {i:03d}: FAKE key material, not a key. ".encode() for i in range(blocks))
    encoded = base64.b64encode(raw).decode()
    return [encoded[i:i + width] for i in range(0, len(encoded), width)]


if __name__ == "__main__":
    for detector, fake in FAKES.items():
        print(f"{detector}: {fake}  # expect: RL501")
