"""Which project file an import specifier names: relative paths, tsconfig
`paths` and `baseUrl`, and the packages of a monorepo's workspaces.

    import { db } from './db'              ./db.ts, ./db.tsx, ./db/index.ts, ...
    import { db } from './db.js'           ./db.ts too (TypeScript's ESM convention)
    import { prisma } from '@/lib/prisma'  tsconfig "paths": {"@/*": ["./src/*"]} (with "extends")
    import { db } from '@acme/db'          the workspace package named @acme/db

Only files of the project are answers: a package from node_modules is None.
"""

from __future__ import annotations

import json
import os
import posixpath
import re
from functools import cached_property
from pathlib import Path
from typing import Iterable

SCRIPT_SUFFIXES = (".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs")
# `./db.js` in TypeScript sources means the file compiled to db.js: db.ts.
COMPILED_SUFFIXES = {".js": (".ts", ".tsx"), ".jsx": (".tsx",), ".mjs": (".mts",), ".cjs": (".cts",)}
CONFIG_NAMES = ("tsconfig.json", "jsconfig.json")
MAX_EXTENDS = 8
_COMMENT_OR_STRING_RE = re.compile(r'"(?:\\.|[^"\\])*"|//[^\n]*|/\*.*?\*/', re.DOTALL)
_TRAILING_COMMA_RE = re.compile(r",(\s*[}\]])")


# What a module imports, re-exports or requires. Type-only imports are kept:
# they make a module look imported by more code, which only keeps findings.
IMPORT_RE = re.compile(r"""(?:from|^[ \t]*import|require\(|import\()[ \t]*['"]([^'"\n]+)['"]""", re.MULTILINE)


# Re-exports, as barrel files (`index.ts`) write them; `export type {...}` erases.
STAR_REEXPORT_RE = re.compile(r"""^[ \t]*export[ \t]*\*[ \t]*from[ \t]*['"]([^'"\n]+)['"]""", re.MULTILINE)
NAMED_REEXPORT_RE = re.compile(
    r"""^[ \t]*export[ \t]*\{([^}]*)\}[ \t]*from[ \t]*['"]([^'"\n]+)['"]""", re.MULTILINE)
MAX_REEXPORT_HOPS = 8
ReExport = tuple[str, str, str]  # (name exported here, specifier, name there); "*" for `export * from`


def re_exports(text: str) -> tuple[ReExport, ...]:
    found: list[ReExport] = [("*", specifier, "*") for specifier in STAR_REEXPORT_RE.findall(text)]
    for names, specifier in NAMED_REEXPORT_RE.findall(text):
        for part in names.split(","):
            words = part.split()
            if not words or words[0] == "type":
                continue
            found.append((words[-1], specifier, words[0]))
    return tuple(found)


def import_specifiers(text: str) -> tuple[str, ...]:
    """Every module `text` imports, re-exports or requires, by its specifier."""
    return tuple(dict.fromkeys(IMPORT_RE.findall(text)))


def read_jsonc(path: Path) -> dict | None:
    """tsconfig.json is JSON with comments and trailing commas."""
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None
    stripped = _COMMENT_OR_STRING_RE.sub(lambda m: m.group(0) if m.group(0).startswith('"') else "", raw)
    try:
        data = json.loads(_TRAILING_COMMA_RE.sub(r"\1", stripped))
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


class PathMapping:
    """One tsconfig's `baseUrl` and `paths`, relative to the project root."""

    def __init__(self, base: str, paths: dict[str, list[str]]):
        self.base = base
        self.paths = paths

    def candidates(self, specifier: str) -> Iterable[str]:
        for pattern, targets in self.paths.items():
            prefix, star, suffix = pattern.partition("*")
            if star and specifier.startswith(prefix) and specifier.endswith(suffix) \
                    and len(specifier) >= len(prefix) + len(suffix):
                matched = specifier[len(prefix): len(specifier) - len(suffix)]
                for target in targets:
                    yield posixpath.normpath(posixpath.join(self.base, target.replace("*", matched, 1)))
            elif not star and specifier == pattern:
                for target in targets:
                    yield posixpath.normpath(posixpath.join(self.base, target))


class ModuleResolver:
    """Resolves specifiers to files among `files` (root-relative posix paths)."""

    def __init__(self, root: Path, files: Iterable[str]):
        self.root = root
        self.files = set(files)
        self._entries: dict[str, str | None] = {}
        # (importer's directory, specifier) -> file: a module imports the same few modules many times.
        self._resolved: dict[tuple[str, str], str | None] = {}

    def resolve(self, importer: str, specifier: str) -> str | None:
        key = (posixpath.dirname(importer), specifier)
        if key not in self._resolved:
            self._resolved[key] = self._resolve(*key)
        return self._resolved[key]

    def _resolve(self, directory: str, specifier: str) -> str | None:
        if specifier.startswith("."):
            return self._file(posixpath.normpath(posixpath.join(directory, specifier)))
        mapping = self._mapping_for(directory)
        if mapping is not None:
            for candidate in mapping.candidates(specifier):
                if (found := self._file(candidate)) is not None:
                    return found
            if mapping.base is not None and (found := self._file(posixpath.join(mapping.base, specifier))):
                return found
        return self._workspace_file(specifier)

    def definitions(self, path: str, name: str, re_exports_of: dict[str, tuple[ReExport, ...]]) -> Iterable[
            tuple[str, str]]:
        """Where `name`, as `path` exports it, may be defined: `path` itself, then
        through its re-exports (`export { api } from './http'`, `export * from './http'`)."""
        queue, seen = [(path, name, 0)], set()
        while queue:
            here, wanted, hops = queue.pop(0)
            if (here, wanted) in seen:
                continue
            seen.add((here, wanted))
            yield here, wanted
            if hops >= MAX_REEXPORT_HOPS:
                continue
            for exported, specifier, original in re_exports_of.get(here, ()):
                if exported in (wanted, "*") and (target := self.resolve(here, specifier)) is not None:
                    queue.append((target, wanted if exported == "*" else original, hops + 1))

    def _file(self, path: str) -> str | None:
        if path.startswith("../"):
            return None
        stem, suffix = posixpath.splitext(path)
        tries = [path] if suffix in SCRIPT_SUFFIXES else []
        tries += [stem + s for s in COMPILED_SUFFIXES.get(suffix, ())]
        tries += [path + s for s in SCRIPT_SUFFIXES] + [f"{path}/index{s}" for s in SCRIPT_SUFFIXES]
        return next((t for t in tries if t in self.files), None)

    # ------------------------------------------------------------ tsconfig

    def _mapping_for(self, directory: str) -> PathMapping | None:
        """The nearest tsconfig/jsconfig at or above `directory` that maps paths."""
        return next((self._mappings[d] for d in _ancestors(directory) if d in self._mappings), None)

    @cached_property
    def _mappings(self) -> dict[str, PathMapping]:
        directories = {posixpath.dirname(f) for f in self.files}
        ancestors = {a for d in directories for a in _ancestors(d)}
        mappings = {}
        for directory in ancestors:
            for name in CONFIG_NAMES:
                config = self.root / directory / name
                if config.is_file():
                    mapping = self._read_mapping(config)
                    if mapping is not None:
                        mappings[directory] = mapping
                    break
        return mappings

    def _read_mapping(self, config: Path) -> PathMapping | None:
        base_url = paths = None
        seen = 0
        while config is not None and seen < MAX_EXTENDS:
            seen += 1
            data = read_jsonc(config) or {}
            options = data.get("compilerOptions") if isinstance(data.get("compilerOptions"), dict) else {}
            here = os.path.relpath(config.parent, self.root).replace(os.sep, "/")
            here = "" if here == "." else here
            if base_url is None and isinstance(options.get("baseUrl"), str):
                base_url = posixpath.normpath(posixpath.join(here, options["baseUrl"]))
            if paths is None and isinstance(options.get("paths"), dict):
                # `paths` are relative to baseUrl when set, else to the file that declares them.
                paths = ({k: [t for t in v if isinstance(t, str)] for k, v in options["paths"].items()
                          if isinstance(v, list)}, here)
            parent = data.get("extends")
            config = self._extended(config, parent) if isinstance(parent, str) else None
        if paths is None and base_url is None:
            return None
        mapped, declared_in = paths if paths is not None else ({}, "")
        return PathMapping(base_url if base_url is not None else declared_in, mapped)

    def _extended(self, config: Path, parent: str) -> Path | None:
        if not parent.startswith("."):
            return None  # a shared config package: its paths would point into node_modules
        target = (config.parent / parent).resolve()
        if target.suffix != ".json":
            target = target.with_name(target.name + ".json") if not target.is_dir() else target / "tsconfig.json"
        try:
            target.relative_to(self.root.resolve())
        except ValueError:
            return None
        return self.root / target.relative_to(self.root.resolve()) if target.is_file() else None

    # ------------------------------------------------------------ workspaces

    def _workspace_file(self, specifier: str) -> str | None:
        parts = specifier.split("/")
        name = "/".join(parts[:2]) if specifier.startswith("@") else parts[0]
        directory = self._packages.get(name)
        if directory is None:
            return None
        sub = specifier[len(name) + 1:]
        if sub:
            return self._file(posixpath.join(directory, sub)) or self._file(posixpath.join(directory, "src", sub))
        return self._package_entry(directory)

    def _package_entry(self, directory: str) -> str | None:
        if directory not in self._entries:
            self._entries[directory] = self._find_package_entry(directory)
        return self._entries[directory]

    def _find_package_entry(self, directory: str) -> str | None:
        data = read_jsonc(self.root / directory / "package.json") or {}
        entries = [data.get(k) for k in ("source", "types", "module", "main") if isinstance(data.get(k), str)]
        exports = data.get("exports")
        if isinstance(exports, str):
            entries.insert(0, exports)
        elif isinstance(exports, dict) and isinstance(exports.get("."), (str, dict)):
            dot = exports["."]
            entries[:0] = [dot] if isinstance(dot, str) else [v for v in dot.values() if isinstance(v, str)]
        for entry in [*entries, "src/index", "index"]:
            path = posixpath.normpath(posixpath.join(directory, entry))
            found = self._file(path)
            if found is None and "/dist/" in f"/{path}":
                # Built output points back at the sources: dist/index.js <- src/index.ts
                found = self._file(posixpath.join(directory, "src", posixpath.basename(posixpath.splitext(path)[0])))
            if found is not None:
                return found
        return None

    @cached_property
    def _packages(self) -> dict[str, str]:
        """Workspace package name -> its directory, for every package.json above a project file."""
        directories = {a for f in self.files for a in _ancestors(posixpath.dirname(f))}
        packages = {}
        for directory in directories:
            manifest = self.root / directory / "package.json"
            if manifest.is_file():
                data = read_jsonc(manifest) or {}
                if isinstance(data.get("name"), str):
                    packages[data["name"]] = directory
        return packages


def _ancestors(directory: str) -> Iterable[str]:
    while directory not in ("", "."):
        yield directory
        directory = posixpath.dirname(directory)
    yield ""
