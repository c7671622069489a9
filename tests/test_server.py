"""`readylint server` driven by a real LSP client (pytest-lsp) over stdio."""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

import pytest
import pytest_asyncio
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

SERVER = [sys.executable, "-m", "readylint", "server"]
LANGUAGE_IDS = {".py": "python", ".ts": "typescript", ".sql": "sql"}
SECRET_PASSWORD = "Xq7vR2mPz9LkT4wd"
CLIENT_PY = """import requests


def fetch(url):
    return requests.get(url)
"""
FIXED_CLIENT_PY = CLIENT_PY.replace("requests.get(url)", "requests.get(url, timeout=10)")
API_TS = """export async function load(url: string) {
  return fetch(url);
}
"""
UP_001 = """CREATE TABLE customers (id bigserial PRIMARY KEY);
CREATE TABLE orders (
    id bigserial PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES customers (id)
);
"""
UP_002 = "CREATE TABLE notes (id bigserial PRIMARY KEY);\n"
DOWN = "DROP TABLE notes;\n"
INDEX = "CREATE INDEX orders_customer_id_idx ON orders (customer_id);\n"


def write_workspace(root: Path) -> Path:
    files = {
        "pyproject.toml": '[tool.readylint]\nextend-exclude = ["legacy/"]\n',
        "app/client.py": CLIENT_PY,
        "app/settings.py": f'DATABASE_URL = "postgres://app:{SECRET_PASSWORD}@db.internal/app"\n',
        "legacy/old.py": CLIENT_PY,
        "web/api.ts": API_TS,
        "migrations/001_orders.up.sql": UP_001,
        "migrations/001_orders.down.sql": "DROP TABLE orders;\nDROP TABLE customers;\n",
        "migrations/002_notes.up.sql": UP_002,
        "migrations/002_notes.down.sql": DOWN,
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    return write_workspace(tmp_path_factory.mktemp("workspace"))


@pytest.fixture(scope="module")
def server_env(tmp_path_factory) -> dict[str, str]:
    import os

    return {**os.environ, "READYLINT_CACHE_DIR": str(tmp_path_factory.mktemp("server-cache"))}


def uri(path: Path) -> str:
    return path.as_uri()


async def until(condition, timeout: float = 5.0):
    """Wait for `condition()` to be true: diagnostics arrive when the server is done."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for the server")
        await asyncio.sleep(0.02)


async def start(workspace: Path, env: dict[str, str]) -> LanguageClient:
    client = await ClientServerConfig(server_command=SERVER, server_env=env).start()
    await client.initialize_session(types.InitializeParams(
        capabilities=types.ClientCapabilities(), root_uri=uri(workspace),
    ))
    return client


def open_document(client: LanguageClient, path: Path, text: str | None = None, version: int = 1) -> None:
    client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(
        uri=uri(path), language_id=LANGUAGE_IDS.get(path.suffix, "plaintext"), version=version,
        text=path.read_text() if text is None else text,
    )))


def change_document(client: LanguageClient, path: Path, text: str, version: int) -> None:
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri(path), version=version),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
    ))


def codes_and_lines(client: LanguageClient, path: Path) -> list[tuple[str, int]] | None:
    """The (code, line) of each diagnostic last published for `path`; None before any."""
    if uri(path) not in client.diagnostics:
        return None
    return sorted((d.code, d.range.start.line + 1) for d in client.diagnostics[uri(path)])


def apply(text: str, edits: list[types.TextEdit]) -> str:
    """Apply LSP text edits (ASCII text: characters are UTF-16 units)."""
    lines = text.splitlines(keepends=True)

    def offset(position: types.Position) -> int:
        return sum(len(line) for line in lines[:position.line]) + position.character

    for edit in sorted(edits, key=lambda e: offset(e.range.start), reverse=True):
        text = text[:offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end):]
    return text


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def client(workspace: Path, server_env: dict[str, str]):
    """One server for the module: each test uses its own files of the workspace."""
    client = await start(workspace, server_env)
    yield client
    await client.shutdown_session()
    await client.stop()


pytestmark = pytest.mark.asyncio(loop_scope="module")


async def test_diagnostics_of_the_workspace_arrive_after_initialize(client, workspace):
    client_py = workspace / "app" / "client.py"
    await until(lambda: uri(client_py) in client.diagnostics)
    (diagnostic,) = client.diagnostics[uri(client_py)]
    assert diagnostic.code == "RL101"
    assert diagnostic.source == "readylint"
    assert diagnostic.severity == types.DiagnosticSeverity.Error  # RL101 is an error
    assert (diagnostic.range.start.line, diagnostic.range.start.character) == (4, 11)
    assert "`requests.get(...)` has no `timeout`" in diagnostic.message
    assert diagnostic.code_description.href.endswith("/rules/RL101-outbound-call-without-timeout.yaml")
    await until(lambda: codes_and_lines(client, workspace / "migrations" / "001_orders.up.sql") == [("RL402", 4)])
    # Excluded by the configuration: nothing, as `readylint check` reports nothing there.
    assert uri(workspace / "legacy" / "old.py") not in client.diagnostics


async def test_secrets_are_masked_in_diagnostics(client, workspace):
    settings = workspace / "app" / "settings.py"
    await until(lambda: uri(settings) in client.diagnostics)
    (diagnostic,) = client.diagnostics[uri(settings)]
    assert diagnostic.code == "RL503"
    assert SECRET_PASSWORD not in diagnostic.message
    assert "Xq7v…[16 chars]" in diagnostic.message


async def test_editing_updates_diagnostics_from_the_editors_text(client, workspace):
    path = workspace / "app" / "edited.py"
    path.write_text("x = 1\n")
    open_document(client, path)
    await until(lambda: codes_and_lines(client, path) == [])
    change_document(client, path, "\n\n" + CLIENT_PY, version=2)  # not saved: disk still says x = 1
    await until(lambda: codes_and_lines(client, path) == [("RL101", 7)])
    change_document(client, path, FIXED_CLIENT_PY, version=3)
    await until(lambda: codes_and_lines(client, path) == [])


async def test_an_edit_in_one_migration_updates_another_files_diagnostics(client, workspace):
    first, second = workspace / "migrations" / "001_orders.up.sql", workspace / "migrations" / "002_notes.up.sql"
    await until(lambda: codes_and_lines(client, first) == [("RL402", 4)])
    open_document(client, second)
    change_document(client, second, UP_002 + INDEX, version=2)
    await until(lambda: codes_and_lines(client, first) == [])
    change_document(client, second, UP_002, version=3)
    await until(lambda: codes_and_lines(client, first) == [("RL402", 4)])


async def test_code_actions_apply_the_fix_and_add_an_ignore_comment(client, workspace):
    path = workspace / "app" / "client.py"
    open_document(client, path)
    await until(lambda: codes_and_lines(client, path) == [("RL101", 5)])
    (diagnostic,) = client.diagnostics[uri(path)]
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri(path)),
        range=diagnostic.range,
        context=types.CodeActionContext(diagnostics=[diagnostic]),
    ))
    fix, ignore = actions
    assert fix.title == "RL101: add `timeout=10` (unsafe: changes behaviour)"
    assert not fix.is_preferred
    assert list(fix.diagnostics) == [diagnostic]
    (document_edit,) = fix.edit.document_changes
    assert document_edit.text_document.version == 1
    assert apply(CLIENT_PY, document_edit.edits) == FIXED_CLIENT_PY
    assert ignore.title == "Ignore RL101 on this line"
    ignored = apply(CLIENT_PY, ignore.edit.document_changes[0].edits)
    assert ignored.splitlines()[4] == "    return requests.get(url)  # readylint: ignore[RL101]"
    change_document(client, path, ignored, version=2)
    await until(lambda: codes_and_lines(client, path) == [])


async def test_hover_on_a_diagnostic_shows_the_rules_docs(client, workspace):
    path = workspace / "legacy" / "hovered.py"
    path = workspace / "app" / "hovered.py"
    path.write_text(CLIENT_PY)
    open_document(client, path)
    await until(lambda: codes_and_lines(client, path) == [("RL101", 5)])
    hover = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri(path)), position=types.Position(line=4, character=15),
    ))
    assert hover.contents.kind == types.MarkupKind.Markdown
    assert hover.contents.value.startswith("# RL101: outbound-call-without-timeout")
    assert "## Use instead" in hover.contents.value
    nothing = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri(path)), position=types.Position(line=0, character=0),
    ))
    assert nothing is None


async def test_a_file_that_does_not_parse_is_an_rl001_diagnostic(client, workspace):
    path = workspace / "app" / "broken.py"
    path.write_text("x = 1\n")
    open_document(client, path)
    change_document(client, path, "def broken(:\n    pass\n", version=2)
    await until(lambda: codes_and_lines(client, path) == [("RL001", 1)])
    change_document(client, path, CLIENT_PY, version=3)
    await until(lambda: codes_and_lines(client, path) == [("RL101", 5)])


async def test_malformed_messages_do_not_stop_the_server(client, workspace):
    stdin = client._server.stdin  # the raw pipe: the client itself never sends garbage
    for body in (b"{not json", b'{"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"x": 1}}'):
        stdin.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
    await stdin.drain()
    path = workspace / "app" / "after_garbage.py"
    path.write_text(CLIENT_PY)
    open_document(client, path)
    await until(lambda: codes_and_lines(client, path) == [("RL101", 5)])


async def test_closing_a_document_reverts_to_the_file_on_disk(client, workspace):
    path = workspace / "app" / "closed.py"
    path.write_text(CLIENT_PY)
    open_document(client, path, FIXED_CLIENT_PY)
    await until(lambda: codes_and_lines(client, path) == [])
    client.text_document_did_close(types.DidCloseTextDocumentParams(
        text_document=types.TextDocumentIdentifier(uri=uri(path)),
    ))
    await until(lambda: codes_and_lines(client, path) == [("RL101", 5)])


async def test_a_broken_configuration_is_shown_and_fixed_by_saving_it(tmp_path, server_env):
    workspace = write_workspace(tmp_path)
    config = workspace / "pyproject.toml"
    config.write_text("[tool.readylint]\nextend-exclud = []\n")
    client = await start(workspace, server_env)
    try:
        await until(lambda: client.messages)
        (message,) = client.messages
        assert message.type == types.MessageType.Error
        assert "extend-exclud" in message.message and "extend-exclude" in message.message
        config.write_text('[tool.readylint]\nextend-exclude = ["legacy/"]\n')
        client.text_document_did_save(types.DidSaveTextDocumentParams(
            text_document=types.TextDocumentIdentifier(uri=uri(config)),
        ))
        await until(lambda: codes_and_lines(client, workspace / "app" / "client.py") == [("RL101", 5)])
    finally:
        await client.shutdown_session()
        await client.stop()
    assert client._server.returncode == 0



async def test_columns_are_counted_in_the_clients_units(client, workspace):
    path = workspace / "app" / "unicode.py"
    prefix = 'label = "é😀"; '
    path.write_text(f"import requests\n{prefix}requests.get(label)\n")
    open_document(client, path)
    await until(lambda: codes_and_lines(client, path) == [("RL101", 2)])
    (diagnostic,) = client.diagnostics[uri(path)]
    # UTF-16, the client's default: the emoji is two code units, one character.
    assert diagnostic.range.start.character == len(prefix) + 1


async def test_typescript_gets_diagnostics_a_fix_and_a_slash_slash_ignore(client, workspace):
    path = workspace / "web" / "api.ts"
    open_document(client, path)
    await until(lambda: codes_and_lines(client, path) == [("RL101", 2)])
    (diagnostic,) = client.diagnostics[uri(path)]
    fix, ignore = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri(path)),
        range=diagnostic.range,
        context=types.CodeActionContext(diagnostics=[diagnostic]),
    ))
    assert "AbortSignal.timeout(10_000)" in apply(API_TS, fix.edit.document_changes[0].edits)
    ignored = apply(API_TS, ignore.edit.document_changes[0].edits)
    assert ignored.splitlines()[1] == "  return fetch(url);  // readylint: ignore[RL101]"


async def test_files_changed_on_disk_are_read_again(client, workspace):
    path = workspace / "app" / "checked_out.py"
    path.write_text(CLIENT_PY)  # as a `git checkout` would, without the editor

    def notify(change: types.FileChangeType) -> None:
        client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=uri(path), type=change)],
        ))

    notify(types.FileChangeType.Created)
    await until(lambda: codes_and_lines(client, path) == [("RL101", 5)])
    path.unlink()
    notify(types.FileChangeType.Deleted)
    await until(lambda: codes_and_lines(client, path) == [])
