"""`readylint server`: findings in the editor as you type (Language Server Protocol, stdio).

The workspace is analysed once on start (through the results cache, as
`readylint check` would); after that each edit re-analyses the edited file
from the editor's text and re-runs the project pass (`live.LiveProject`), and
diagnostics are published for every file whose findings changed: an edit to
a migration can add or clear a finding in another one.

Diagnostics carry the rule's code, a link to its docs and the finding's
message, secrets masked as in every other output. Code actions apply a rule's
fix (an unsafe fix says so and is never the preferred action) or add a
`readylint: ignore[RLxxx]` comment; hovering over a diagnostic shows the
rule's docs. Nothing a client sends (a malformed message, a file that does
not parse, a broken configuration) stops the server: it reports and serves on.
"""

from __future__ import annotations

import asyncio
import gc
import io
import logging
import multiprocessing
import tokenize
from collections.abc import Collection
from pathlib import Path, PurePosixPath

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path
from pygls.workspace.position_codec import PositionCodec

from readylint import __version__
from readylint.baseline import BaselineError
from readylint.catalog import CatalogError
from readylint.config import CONFIG_FILENAMES, ConfigError
from readylint.diagnostics import Applicability, Edit, Finding, Position, Severity
from readylint.live import LiveProject
from readylint.report.ruledocs import rule_markdown
from readylint.report.sarif import INFORMATION_URI
from readylint.sources import NEWLINE_RE, FileKind, kind_of
from readylint.suppress import DIRECTIVE_RE

# Typing pauses shorter than this are still typing: analyse once it stops.
DEBOUNCE_SECONDS = 0.25
SOURCE = "readylint"
SEVERITIES = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
}
COMMENT_PREFIXES = {
    FileKind.PYTHON: "#", FileKind.SQL: "--", FileKind.TYPESCRIPT: "//", FileKind.JAVASCRIPT: "//",
    FileKind.TEXT: "#",
}
# Text formats without comments: an ignore comment would break them.
NO_COMMENT_SUFFIXES = {".json"}
# Saving one of these (or LiveProject.settings_files) changes what is linted
# and how: the project is loaded afresh.
PROJECT_FILES = {*CONFIG_FILENAMES, ".gitignore"}

logger = logging.getLogger(__name__)


def rule_doc_url(code: str, name: str) -> str:
    return f"{INFORMATION_URI}/blob/main/rules/{code}-{name}.yaml"


class ReadylintServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("readylint", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        self.workspace_root: Path | None = None
        self.project: LiveProject | None = None
        self.findings: dict[str, list[Finding]] = {}  # path -> findings, as last computed
        # uri -> (findings, their diagnostics) last sent, for files with findings
        self.published: dict[str, tuple[list[Finding], list[types.Diagnostic]]] = {}
        self.versions: dict[str, int | None] = {}  # path -> the version of the open document analysed
        self.pending: dict[str, asyncio.Task] = {}  # uri -> a debounced analysis
        self.lock = asyncio.Lock()  # one analysis at a time: the project is not shared between threads

    @property
    def codec(self) -> PositionCodec:
        return self.workspace.position_codec

    # ------------------------------------------------------------ loading

    async def load_project(self) -> None:
        """(Re)load the workspace; a broken configuration is reported and
        leaves the server without diagnostics until it is fixed and saved."""
        if self.workspace_root is None:
            return
        async with self.lock:
            try:
                self.project = await asyncio.to_thread(self._loaded, self.workspace_root)
                for notice in self.project.notices:
                    self.log(f"readylint: notice: {notice}")
                analysed = set()
                for document in list(self.workspace.text_documents.values()):
                    path = self.path_of(document.uri)
                    result = await asyncio.to_thread(self.project.update, path, document.source) if path else None
                    if result is not None:
                        self.versions[result.path] = document.version
                        analysed.add(from_fs_path(str(path)))
                await self.refresh(analysed)
            except Exception as exc:  # whatever the cause, the editor's session goes on
                if isinstance(exc, (ConfigError, CatalogError, BaselineError)):
                    message = f"readylint: {exc} (fix it and save to retry)"
                else:
                    logger.exception("loading the workspace failed")
                    message = f"readylint: internal error while loading: {type(exc).__name__}: {exc}"
                self.project = None
                self.show(types.MessageType.Error, message)
                self.publish({})

    @staticmethod
    def _loaded(root: Path) -> LiveProject:
        gc.unfreeze()  # what an earlier load froze may be garbage now
        project = LiveProject(root)
        project.load()
        # The loaded results live as long as the server: frozen, the collector
        # stops re-scanning them while edits allocate (a full collection of
        # them took 45 ms on the 100k-line benchmark, and grows with the tree).
        gc.freeze()
        return project

    # ------------------------------------------------------------ analysis

    def schedule(self, uri: str, delay: float) -> None:
        """Analyse the document after `delay` seconds, unless it changes again first."""
        previous = self.pending.pop(uri, None)
        if previous is not None:
            previous.cancel()
        self.pending[uri] = asyncio.ensure_future(self._analyse_later(uri, delay))

    async def settled(self, uri: str) -> None:
        """Wait until the document's latest text is analysed (an answer about
        its findings must be about the text the editor shows)."""
        while (task := self.pending.get(uri)) is not None:
            await asyncio.wait([task])
        async with self.lock:  # a load or an analysis under way
            pass

    async def _analyse_later(self, uri: str, delay: float) -> None:
        try:
            await asyncio.sleep(delay)
        except asyncio.CancelledError:
            return
        self.pending.pop(uri, None)
        await self.analyse(uri)

    async def analyse(self, uri: str, *, closed: bool = False) -> None:
        path = self.path_of(uri)
        if path is None:
            return
        async with self.lock:  # after a load under way, which may leave no project
            project = self.project
            if project is None:
                return
            try:
                if closed:
                    result = await asyncio.to_thread(project.reread, path)
                    if result is not None:
                        self.versions.pop(result.path, None)
                else:
                    document = self.workspace.get_text_document(uri)
                    version = document.version
                    result = await asyncio.to_thread(project.update, path, document.source)
                    if result is not None:
                        self.versions[result.path] = version
                for problem in result.internal_errors if result else ():
                    self.log(f"readylint: internal error on {problem.path}: {problem.reason}")
                await self.refresh({from_fs_path(str(path))} if result else set())
            except Exception as exc:  # a bug in readylint: reported, and the next edit is tried afresh
                logger.exception("analysing %s failed", uri)
                self.log(f"readylint: internal error on {uri}: {type(exc).__name__}: {exc}")

    async def files_changed(self, changes: list[types.FileEvent]) -> None:
        """Files changed on disk, not through the editor (a checkout, a
        generator): those no editor holds are read again."""
        paths = [(change.uri, path) for change in changes if (path := self.path_of(change.uri))]
        if any(self.is_settings_file(path) for _, path in paths):
            await self.load_project()
            return
        async with self.lock:
            project = self.project
            if project is None:
                return
            try:
                for uri, path in paths:
                    if uri not in self.workspace.text_documents:  # an open document's text is the editor's
                        await asyncio.to_thread(project.reread, path)
                await self.refresh(set())
            except Exception as exc:
                logger.exception("re-reading changed files failed")
                self.log(f"readylint: internal error on changed files: {type(exc).__name__}: {exc}")

    def is_settings_file(self, path: Path) -> bool:
        settings_files = self.project.settings_files if self.project else set()
        return path.name in PROJECT_FILES or path.resolve() in settings_files

    async def refresh(self, analysed: set[str]) -> None:
        """Re-run the project pass and publish what changed, and the diagnostics
        of the documents just `analysed`. Holds the lock."""
        project = self.project
        assert project is not None
        self.findings = await asyncio.to_thread(project.findings)
        self.publish(self.findings, analysed)

    def publish(self, findings: dict[str, list[Finding]], analysed: Collection[str] = ()) -> None:
        """Send the diagnostics of every file whose findings changed, and of
        the documents just analysed (their editors then know they were checked)."""
        previous, self.published = self.published, {}
        for path, file_findings in findings.items():
            assert self.project is not None
            uri = from_fs_path(str(self.project.root / path))
            sent = previous.get(uri)
            if sent is not None and sent[0] == file_findings:
                self.published[uri] = sent
                if uri in analysed:
                    self.send_diagnostics(uri, sent[1])
                continue
            lines = self.lines_of(path)
            diagnostics = [self.diagnostic(finding, lines) for finding in file_findings]
            self.published[uri] = (file_findings, diagnostics)
            self.send_diagnostics(uri, diagnostics)
        for uri in (previous.keys() | set(analysed)) - self.published.keys():
            self.send_diagnostics(uri, [])  # nothing (left) to report

    def send_diagnostics(self, uri: str, diagnostics: list[types.Diagnostic]) -> None:
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics))

    # ------------------------------------------------------------ positions

    def path_of(self, uri: str) -> Path | None:
        fs_path = to_fs_path(uri) if uri.startswith("file:") else None
        return Path(fs_path) if fs_path else None

    def lines_of(self, path: str) -> list[str]:
        """The text findings of `path` were computed on, split as readylint counts lines."""
        assert self.project is not None
        already_read = self.project.line_sources.get(path)
        if already_read is not None:
            return already_read.lines
        try:
            text = (self.project.root / path).read_text(encoding="utf-8", errors="replace")
        except OSError:
            return []
        return NEWLINE_RE.split(text)

    def position(self, lines: list[str], line: int, column: int) -> types.Position:
        """A 1-based (line, character column) as the client counts: 0-based, in its units."""
        text = lines[line - 1] if 0 < line <= len(lines) else ""
        return types.Position(line=max(line - 1, 0), character=self.codec.client_num_units(text[: max(column - 1, 0)]))

    def range_of(self, lines: list[str], line: int, column: int, end_line: int, end_column: int) -> types.Range:
        return types.Range(start=self.position(lines, line, column), end=self.position(lines, end_line, end_column))

    def diagnostic(self, finding: Finding, lines: list[str]) -> types.Diagnostic:
        return types.Diagnostic(
            range=self.range_of(lines, finding.line, finding.column, finding.end_line, finding.end_column),
            message=finding.message,
            severity=SEVERITIES[finding.severity],
            code=finding.code,
            code_description=types.CodeDescription(href=rule_doc_url(finding.code, finding.name)),
            source=SOURCE,
            data={"fingerprint": finding.fingerprint},
        )

    # ------------------------------------------------------------ code actions and hover

    def findings_at(self, uri: str, start: types.Position, end: types.Position) -> tuple[str, list[Finding]]:
        """(path, the findings of the document whose lines meet [start, end])."""
        path = self.path_of(uri)
        if path is None or self.project is None:
            return "", []
        relative = self.project.path_of(path)
        if relative is None:
            return "", []
        found = [
            f for f in self.findings.get(relative, [])
            if f.line - 1 <= end.line and start.line <= f.end_line - 1
        ]
        return relative, found

    def code_actions(self, params: types.CodeActionParams) -> list[types.CodeAction]:
        path, findings = self.findings_at(params.text_document.uri, params.range.start, params.range.end)
        if self.project is None or not findings:
            return []
        source = self.project.buffers.get(path)
        if source is None:
            return []  # findings of a file the editor does not hold: nothing to edit against
        lines, version = source.lines, self.versions.get(path)
        uri = params.text_document.uri
        diagnostics = {d.data.get("fingerprint"): d for d in params.context.diagnostics if isinstance(d.data, dict)}
        actions: list[types.CodeAction] = []
        for finding in findings:
            diagnostic = diagnostics.get(finding.fingerprint)
            if finding.fix is not None and finding.fix.edits:
                unsafe = finding.fix.applicability is Applicability.UNSAFE
                description = finding.fix.description or f"apply the {finding.code} fix"
                actions.append(types.CodeAction(
                    title=f"{finding.code}: {description}" + (" (unsafe: changes behaviour)" if unsafe else ""),
                    kind=types.CodeActionKind.QuickFix,
                    diagnostics=[diagnostic] if diagnostic else None,
                    is_preferred=not unsafe,
                    edit=self.workspace_edit(uri, version, [self.text_edit(lines, e) for e in finding.fix.edits]),
                ))
        # A comment at the end of a line inside a string would change the string.
        in_strings = python_string_lines(source.text) if source.kind is FileKind.PYTHON else set()
        for code, line in dict.fromkeys((f.code, source.statement_starts.get(f.line, f.line)) for f in findings):
            # The statement's first line: suppressions read it for the whole statement.
            edit = ignore_edit(path, lines, line, code) if line not in in_strings else None
            if edit is None:
                continue
            actions.append(types.CodeAction(
                title=f"Ignore {code} on this line",
                kind=types.CodeActionKind.QuickFix,
                diagnostics=[d for f in findings if f.code == code and (d := diagnostics.get(f.fingerprint))] or None,
                edit=self.workspace_edit(uri, version, [self.text_edit(lines, edit)]),
            ))
        return actions

    def text_edit(self, lines: list[str], edit: Edit) -> types.TextEdit:
        return types.TextEdit(
            range=self.range_of(lines, edit.start.line, edit.start.column, edit.end.line, edit.end.column),
            new_text=edit.content,
        )

    @staticmethod
    def workspace_edit(uri: str, version: int | None, edits: list[types.TextEdit]) -> types.WorkspaceEdit:
        # Versioned: a client whose document moved on since the analysis refuses the edit.
        return types.WorkspaceEdit(document_changes=[types.TextDocumentEdit(
            text_document=types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version),
            edits=edits,
        )])

    def hover(self, params: types.HoverParams) -> types.Hover | None:
        _, findings = self.findings_at(params.text_document.uri, params.position, params.position)
        if self.project is None or not findings:
            return None
        rules = dict.fromkeys(f.code for f in findings)
        docs = "\n\n---\n\n".join(rule_markdown(self.project.catalog.by_code[code]) for code in rules)
        return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=docs))

    # ------------------------------------------------------------ messages to the user

    def show(self, kind: types.MessageType, message: str) -> None:
        self.window_show_message(types.ShowMessageParams(type=kind, message=message))

    def log(self, message: str) -> None:
        self.window_log_message(types.LogMessageParams(type=types.MessageType.Log, message=message))

    def report_server_error(self, error: Exception, source) -> None:
        # A malformed message or a handler's bug: logged, and the server serves on.
        logger.error("%s", error)
        self.log(f"readylint: {type(error).__name__}: {error}")


def ignore_edit(path: str, lines: list[str], line: int, code: str) -> Edit | None:
    """The edit that silences `code` on `line`: the code added to the line's
    `readylint: ignore[...]` if it has one, else a new comment at its end."""
    if PurePosixPath(path).suffix.lower() in NO_COMMENT_SUFFIXES or not 0 < line <= len(lines):
        return None
    text = lines[line - 1]
    existing = next((m for m in DIRECTIVE_RE.finditer(text) if m.group(1) == "ignore" and m.group(2)), None)
    if existing is not None:
        column = existing.end(2) + 1  # just before `]`
        return Edit(Position(line, column), Position(line, column), f", {code}")
    end = Position(line, len(text) + 1)
    return Edit(end, end, f"  {COMMENT_PREFIXES[kind_of(path)]} readylint: ignore[{code}]")


def python_string_lines(text: str) -> set[int]:
    """Lines whose end lies inside a Python string (a triple-quoted one)."""
    inside: set[int] = set()
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.start[0] < token.end[0] and token.type in _STRING_TOKENS:
                inside.update(range(token.start[0], token.end[0]))
    except (tokenize.TokenError, SyntaxError):
        pass
    return inside


_STRING_TOKENS = {tokenize.STRING, *(t for t in (getattr(tokenize, "FSTRING_MIDDLE", None),) if t is not None)}


def build_server() -> ReadylintServer:
    server = ReadylintServer()

    @server.feature(types.INITIALIZE)
    def initialize(ls: ReadylintServer, params: types.InitializeParams) -> None:
        root = params.root_uri or (params.workspace_folders[0].uri if params.workspace_folders else None)
        if root:
            ls.workspace_root = ls.path_of(root)
        elif params.root_path:
            ls.workspace_root = Path(params.root_path)

    @server.feature(types.INITIALIZED)
    async def initialized(ls: ReadylintServer, params: types.InitializedParams) -> None:
        if ls.workspace_root is None:
            ls.show(types.MessageType.Warning, "readylint: no workspace folder was given; open a folder to lint it")
        watching = ls.client_capabilities.workspace and ls.client_capabilities.workspace.did_change_watched_files
        if watching and watching.dynamic_registration:
            await ls.client_register_capability_async(types.RegistrationParams(registrations=[types.Registration(
                id="readylint-files", method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                register_options=types.DidChangeWatchedFilesRegistrationOptions(
                    watchers=[types.FileSystemWatcher(glob_pattern="**/*")],
                ),
            )]))
        await ls.load_project()

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    async def did_change_watched_files(ls: ReadylintServer, params: types.DidChangeWatchedFilesParams) -> None:
        await ls.files_changed(params.changes)

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: ReadylintServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: ReadylintServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri, DEBOUNCE_SECONDS)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    async def did_save(ls: ReadylintServer, params: types.DidSaveTextDocumentParams) -> None:
        path = ls.path_of(params.text_document.uri)
        if path is not None and ls.is_settings_file(path):
            await ls.load_project()
        else:
            ls.schedule(params.text_document.uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    async def did_close(ls: ReadylintServer, params: types.DidCloseTextDocumentParams) -> None:
        pending = ls.pending.pop(params.text_document.uri, None)
        if pending is not None:
            pending.cancel()
        await ls.analyse(params.text_document.uri, closed=True)

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]),
    )
    async def code_action(ls: ReadylintServer, params: types.CodeActionParams) -> list[types.CodeAction]:
        await ls.settled(params.text_document.uri)
        return ls.code_actions(params)

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    async def hover(ls: ReadylintServer, params: types.HoverParams) -> types.Hover | None:
        await ls.settled(params.text_document.uri)
        return ls.hover(params)

    @server.feature(types.SHUTDOWN)
    def shutdown(ls: ReadylintServer, params: None) -> None:
        for task in ls.pending.values():
            task.cancel()
        ls.pending.clear()

    return server


def serve() -> None:
    # The workspace loads in a thread while another reads stdin. A pool worker
    # forked from a process with threads can inherit a lock another thread
    # held, and wait on it forever (it did, in bench/server_latency.py):
    # workers come from a fork server instead, started before any thread.
    if "forkserver" in multiprocessing.get_all_start_methods():
        multiprocessing.set_start_method("forkserver", force=True)
        multiprocessing.set_forkserver_preload(["readylint.engine"])
    build_server().start_io()
