"""How long `readylint server` takes to answer an edit: a file of about 1,000
lines changed in a workspace of about 100,000 lines (issue 19: under 200 ms).

    python bench/server_latency.py [--source DIR] [--lines 100000] [--edits 20]

Builds the workspace from copies of the source tree's Python files (default:
the CPython standard library, as bench/scale.py does) plus a migration
history of 200 SQL migrations, so the project pass has a schema to replay.
The edited file is the corpus file closest to 1,000 lines; each edit adds or
removes an outbound call without a timeout at its end, so its findings change.

Two measurements, medians and worst over `--edits` edits:

- in process: `LiveProject.update()` plus `findings()` (the file's analysis
  and the project pass), after `load()`;
- over stdio, as an editor drives the real server: from sending
  `textDocument/didSave` (analysed at once) or `didChange` (analysed after the
  DEBOUNCE_SECONDS pause that waits for typing to stop) to receiving the
  file's `textDocument/publishDiagnostics`.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from _common import bench_environment
from scale import DEFAULT_SOURCE, build_corpus, python_files

from lsprotocol import types
from pygls.lsp.client import LanguageClient

from readylint.live import LiveProject
from readylint.server import DEBOUNCE_SECONDS

MIGRATIONS = 200
EDITED_LINES = 1_000
CALL = "\n\ndef _bench_fetch(url):\n    import requests\n    return requests.get(url)\n"


def build_workspace(source: Path, target: Path, lines: int) -> Path:
    """The workspace, and in it the file to edit."""
    build_corpus(python_files(source), source, target, lines)
    (target / "pyproject.toml").write_text("[tool.readylint]\n")
    migrations = target / "migrations"
    migrations.mkdir()
    for number in range(1, MIGRATIONS + 1):
        parent = f"REFERENCES t{number - 1} (id)" if number > 1 else ""
        (migrations / f"{number:04d}_t{number}.up.sql").write_text(
            f"CREATE TABLE t{number} (id bigserial PRIMARY KEY, parent_id bigint {parent});\n"
            + (f"CREATE INDEX t{number}_parent_idx ON t{number} (parent_id);\n" if number % 2 else "")
        )
        (migrations / f"{number:04d}_t{number}.down.sql").write_text(f"DROP TABLE t{number};\n")
    candidates = [(path, count) for path, count in python_files(target)]
    edited, _ = min(candidates, key=lambda item: abs(item[1] - EDITED_LINES))
    return edited


def edits(original: str, count: int) -> list[str]:
    return [original + CALL if index % 2 == 0 else original for index in range(count)]


def in_process(workspace: Path, edited: Path, count: int) -> tuple[float, list[float]]:
    started = time.perf_counter()
    project = LiveProject(workspace, use_cache=False)
    project.load()
    project.findings()
    load = time.perf_counter() - started
    timings = []
    for text in edits(edited.read_text(), count):
        started = time.perf_counter()
        project.update(edited, text)
        project.findings()
        timings.append(time.perf_counter() - started)
    return load, timings


async def over_stdio(workspace: Path, edited: Path, count: int, cache: Path) -> tuple[float, list[float], list[float]]:
    client = LanguageClient("bench", "1")
    published: dict[str, asyncio.Event] = {}

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_diagnostics(params: types.PublishDiagnosticsParams) -> None:
        published.setdefault(params.uri, asyncio.Event()).set()

    async def answer(uri: str, send) -> float:
        event = published.setdefault(uri, asyncio.Event())
        event.clear()
        started = time.perf_counter()
        send()
        await event.wait()
        return time.perf_counter() - started

    env = {**bench_environment(), "READYLINT_CACHE_DIR": str(cache)}  # cold, and not the user's
    await client.start_io(sys.executable, "-m", "readylint", "server", env=env)
    started = time.perf_counter()
    await client.initialize_async(types.InitializeParams(
        capabilities=types.ClientCapabilities(), root_uri=workspace.as_uri(),
    ))
    uri = edited.as_uri()
    original = edited.read_text()
    await answer(uri, lambda: (
        client.initialized(types.InitializedParams()),
        client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(
            uri=uri, language_id="python", version=0, text=original,
        ))),
    ))
    load = time.perf_counter() - started
    saves, changes = [], []
    for version, text in enumerate(edits(original, count * 2), start=1):
        def change(text=text, version=version):
            client.text_document_did_change(types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
            ))

        if version % 2:
            changes.append(await answer(uri, change))
        else:
            change()
            saves.append(await answer(uri, lambda: client.text_document_did_save(
                types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
            )))
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return load, saves, changes


def summary(timings: list[float]) -> str:
    return f"median {statistics.median(timings) * 1000:.0f} ms, worst {max(timings) * 1000:.0f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--edits", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        workspace = Path(directory) / "workspace"
        workspace.mkdir()
        edited = build_workspace(args.source, workspace, args.lines)
        files = [path for path in workspace.rglob("*") if path.is_file()]
        lines = sum(path.read_bytes().count(b"\n") for path in files)
        print(f"workspace: {len(files)} files, {lines} lines; edited: {edited.relative_to(workspace)} "
              f"({edited.read_text().count(chr(10))} lines)", flush=True)
        load, timings = in_process(workspace, edited, args.edits)
        print(f"in process: load {load:.2f} s; update + findings: {summary(timings)}", flush=True)
        load, saves, changes = asyncio.run(over_stdio(workspace, edited, args.edits, Path(directory) / "cache"))
        print(f"over stdio: start to first diagnostics {load:.2f} s (cache cold)")
        print(f"  didSave -> diagnostics: {summary(saves)}")
        print(f"  didChange -> diagnostics: {summary(changes)} (of which {DEBOUNCE_SECONDS * 1000:.0f} ms debounce)")


if __name__ == "__main__":
    main()
