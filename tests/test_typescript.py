"""TypeScript and JavaScript: parsing, names, discovery, and bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import lint
from readylint.diagnostics import ProblemKind
from readylint.sources import FileKind, SourceFile, kind_of
from readylint.typescript.names import ModuleNames
from readylint.typescript.tree import parse_script

VALID_TYPESCRIPT_5 = {
    "decorators.ts": """
        @Controller('webhooks')
        export class WebhooksController {
          constructor(@Inject(TOKEN) private readonly http: HttpService) {}
          @Post('stripe') @HttpCode(200)
          async handle(@Body() body: unknown, @Headers('stripe-signature') sig?: string) { return body; }
        }
    """,
    "modern.ts": """
        import type { Config } from './config';
        import { type Row, query } from './db';
        export type { Row };
        const config = { retries: 3 } satisfies Config;
        enum Mode { A = 'a', B = 'b' }
        export async function run<const T extends readonly unknown[]>(items: T): Promise<void> {
          await using connection = await query.connect();
          using lock = acquire();
          const value = items as unknown as Row[];
          const maybe = value?.[0]!;
          label: for (const item of value) { if (!item) continue label; }
        }
        export abstract class Base<T> { abstract get(): T; declare readonly brand: unique symbol; }
        accessor;
    """,
    "page.tsx": """
        import { Suspense } from 'react';
        export default async function Page({ params }: { params: Promise<{ id: string }> }) {
          const { id } = await params;
          return <Suspense fallback={<p>…</p>}><Item<string> id={id} /></Suspense>;
        }
    """,
    "legacy.cjs": "const x = require('x');\nmodule.exports = async function () { return <div />; };\n",
    "module.mjs": "import x from 'x';\nexport default class { #secret = 1; static { this.y = 2; } }\n",
}


@pytest.mark.parametrize("name", sorted(VALID_TYPESCRIPT_5))
def test_valid_modern_syntax_is_never_called_broken(name: str) -> None:
    parse = parse_script(VALID_TYPESCRIPT_5[name], name)
    assert parse.error is None


def names_of(source: str, path: str = "m.ts") -> dict[str, str]:
    return ModuleNames.for_file(SourceFile(path, source)).imported


def test_import_styles_resolve_to_module_names() -> None:
    names = names_of("""
        import axios, { create as makeClient } from 'axios';
        import * as http from 'node:http';
        import fetch from 'node-fetch';
        import { default as got } from 'got';
        import type { AxiosInstance } from 'axios';
        import { type Agent, request } from 'undici';
        import pg = require('pg');
        const { Pool, Client: PgClient } = require('pg');
        const superagent = require('superagent').default;
    """)
    assert names == {
        "axios": "axios", "makeClient": "axios.create", "http": "http", "fetch": "node-fetch", "got": "got",
        "request": "undici.request", "pg": "pg", "Pool": "pg.Pool", "PgClient": "pg.Client",
        "superagent": "superagent",
    }


def test_partly_broken_file_is_analysed_where_sound(tmp_path: Path) -> None:
    (tmp_path / "route.ts").write_text(
        "import axios from 'axios';\nexport const a = () => axios.get(url);\nconst broken = ;\n"
    )
    result = lint([tmp_path])
    assert [(f.code, f.line) for f in result.findings] == [("RL101", 2)]
    assert [(p.path, p.kind) for p in result.problems] == [("route.ts", ProblemKind.PARTIAL)]
    assert "syntax error at line 3" in result.problems[0].reason


def test_file_of_errors_is_rl001(tmp_path: Path) -> None:
    (tmp_path / "noise.js").write_text("}}}} ))) {{{{ <<< >>> ;;; @@@ " * 20)
    result = lint([tmp_path])
    assert [(f.code, f.line) for f in result.findings] == [("RL001", 1)]
    assert "cannot parse JavaScript" in result.findings[0].message


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("binary.ts", b"\x00\x01\x02axios.get(url)", "binary content"),
        ("deep.ts", b"const x = " + b"(" * 5000 + b"1" + b")" * 5000 + b";\nfetch(u);\n", None),
        ("deep_arrays.js", b"const x = " + b"[" * 5000 + b"]" * 5000 + b";\n", None),
        ("latin1.ts", "const s = 'caf\xe9';\nexport const f = () => fetch(u);\n".encode("latin-1"), None),
    ],
)
def test_hostile_input_gives_a_clear_result_never_a_traceback(
    tmp_path: Path, name: str, content: bytes, expected: str | None
) -> None:
    (tmp_path / name).write_bytes(content)
    process = subprocess.run(
        [sys.executable, "-m", "readylint", "check", "--no-cache", "--format", "json", str(tmp_path)],
        capture_output=True, text=True, timeout=120,
    )
    assert "Traceback" not in process.stderr, process.stderr
    report = json.loads(process.stdout)
    messages = [f["message"] for f in report["findings"]]
    if expected:
        assert any(expected in m for m in messages), messages
    else:
        assert process.returncode in (0, 1), process.stderr
        assert not any("internal error" in m for m in messages)


def test_minified_script_is_read_for_secrets_only(tmp_path: Path) -> None:
    bundle = "var a=axios.get(u);" * 2000 + 'var k="sk_live_' + "4eC39HqLyjWDarjtT1zdp7dc" + '";'
    (tmp_path / "vendor.js").write_text(bundle)
    codes = {f.code for f in lint([tmp_path]).findings}
    assert codes == {"RL501"}


def test_declarations_and_build_output_are_not_linted(tmp_path: Path) -> None:
    call = "import axios from 'axios';\nexport const a = () => axios.get(url);\n"
    for path in ("node_modules/x/index.js", ".next/server/page.js", "dist/index.js", "coverage/lcov.js",
                 "out/a.js", ".turbo/a.js", "src/types.d.ts", "public/app.min.js", "src/ok.ts"):
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(call)
    assert sorted({f.path for f in lint([tmp_path]).findings}) == ["src/ok.ts"]
    assert kind_of("src/types.d.ts") is FileKind.TEXT


def test_file_wide_suppression_in_a_block_comment(tmp_path: Path) -> None:
    (tmp_path / "a.ts").write_text(
        "/* readylint: ignore-file[RL101] */\nimport axios from 'axios';\nexport const a = () => axios.get(url);\n"
    )
    assert lint([tmp_path]).findings == []


def test_browser_code_is_out_of_scope_for_server_rules(tmp_path: Path) -> None:
    (tmp_path / "hooks.ts").write_text(
        "import { useEffect } from 'react';\n"
        "export function useRates() { useEffect(() => { fetch('https://x.test/rates'); }, []); }\n"
    )
    (tmp_path / "shared.ts").write_text(
        "export const load = () => typeof window === 'undefined' ? fetch('https://x.test') : window.location.href;\n"
    )
    assert [(f.path, f.line) for f in lint([tmp_path]).findings] == [("shared.ts", 1)]


def test_many_leading_comments_are_read_in_linear_time(tmp_path: Path) -> None:
    # A regex over "optional comments, then a directive" backtracked
    # exponentially here (22 comments: 0.7 s; 40: hours).
    (tmp_path / "route.ts").write_text("/* c */\n" * 5_000 + "export const a = () => fetch('https://x.test');\n")
    assert [(f.code, f.line) for f in lint([tmp_path]).findings] == [("RL101", 5_001)]


def test_directives_are_read_past_comments() -> None:
    from readylint.typescript.runtime import directives

    assert directives("// header\n/* licence */\n'use client';\nimport x from 'x';") == ["use client"]
    assert directives('"use strict"; "use server"\nexport') == ["use strict", "use server"]
    assert directives("const a = 'use client';") == []


def test_warm_run_from_the_cache_reports_what_a_cold_run_does(tmp_path: Path) -> None:
    """Script findings, their fixes and the import graph's facts survive the signed JSON cache."""
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "upload.ts").write_text("export const up = (u: string) => fetch(u, { method: 'PUT' });\n")
    (tmp_path / "button.tsx").write_text("'use client';\nimport { up } from './lib/upload';\nexport const B = () => up;\n")
    (tmp_path / "route.ts").write_text("import axios from 'axios';\nexport const GET = () => axios.get(url);\n")
    (tmp_path / "lib" / "api.ts").write_text("import axios from 'axios';\nexport const api = axios.create();\n")
    (tmp_path / "sync.ts").write_text("import { api } from './lib/api';\nexport const s = () => api.post('/s', {});\n")

    def summary(result):
        return [(f.path, f.line, f.code, f.message, f.fix is not None, f.identity) for f in result.findings]

    cold = lint([tmp_path], no_cache=False)
    warm = lint([tmp_path], no_cache=False)
    assert summary(warm) == summary(cold)
    assert [(f.path, f.line) for f in cold.findings] == [("route.ts", 2), ("sync.ts", 2)]


def resolver(tmp_path: Path, files: dict[str, str]):
    from readylint.typescript.modules import ModuleResolver

    for path, content in files.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(content)
    return ModuleResolver(tmp_path, [p for p in files if not p.endswith(".json")])


def test_specifiers_resolve_like_typescript(tmp_path: Path) -> None:
    modules = resolver(tmp_path, {
        "apps/web/tsconfig.json": '{ "extends": "../../tsconfig.base.json", /* c */ "compilerOptions": {}, }',
        "tsconfig.base.json": '{"compilerOptions": {"baseUrl": "apps/web", "paths": {"@/*": ["src/*"], "~db": ["src/db/index.ts"]}}}',
        "apps/web/src/app/route.ts": "",
        "apps/web/src/lib/github.ts": "",
        "apps/web/src/lib/util/index.tsx": "",
        "apps/web/src/db/index.ts": "",
        "apps/web/src/esm.ts": "",
        "packages/db/package.json": '{"name": "@acme/db", "main": "./dist/index.js"}',
        "packages/db/src/index.ts": "",
        "packages/db/src/client.ts": "",
        "packages/db-utils/package.json": '{"name": "@acme/db-utils", "exports": {".": "./src/main.ts"}}',
        "packages/db-utils/src/main.ts": "",
    })
    importer = "apps/web/src/app/route.ts"
    assert modules.resolve(importer, "@/lib/github") == "apps/web/src/lib/github.ts"
    assert modules.resolve(importer, "../lib/util") == "apps/web/src/lib/util/index.tsx"
    assert modules.resolve(importer, "../esm.js") == "apps/web/src/esm.ts"
    assert modules.resolve(importer, "~db") == "apps/web/src/db/index.ts"
    assert modules.resolve(importer, "@acme/db") == "packages/db/src/index.ts"
    assert modules.resolve(importer, "@acme/db/client") == "packages/db/src/client.ts"
    assert modules.resolve(importer, "@acme/db-utils") == "packages/db-utils/src/main.ts"
    assert modules.resolve(importer, "react") is None
    assert modules.resolve(importer, "../../../../../etc/passwd") is None


def test_generated_scripts_are_read_for_secrets_only(tmp_path: Path) -> None:
    (tmp_path / "sdk.ts").write_text(
        "/*\n * Code generated by Speakeasy (https://speakeasy.com). DO NOT EDIT.\n */\n"
        "export const send = (input: string) => fetch(input);\n"
    )
    (tmp_path / "handwritten.ts").write_text("// Not generated.\nexport const send = (u: string) => fetch(u);\n")
    assert [(f.path, f.line) for f in lint([tmp_path]).findings] == [("handwritten.ts", 2)]


def test_re_exports_are_read_as_barrels_write_them() -> None:
    from readylint.typescript.modules import re_exports

    assert re_exports(
        "export * from './http';\nexport { a, b as c } from './x';\nexport type { T } from './t';\n"
        "export { type U, v } from './u';\nexport * as ns from './ns';\n"
    ) == (("*", "./http", "*"), ("a", "./x", "a"), ("c", "./x", "b"), ("v", "./u", "v"))


def test_a_browser_extension_script_is_browser_code(tmp_path: Path) -> None:
    (tmp_path / "background.ts").write_text(
        "chrome.runtime.onMessage.addListener(async (m) => { await fetch('https://api.example.test/x'); });\n"
    )
    assert lint([tmp_path]).findings == []



def test_node_index_is_in_source_order() -> None:
    # A query's captures come in match order: the decorated field after the decorators' calls inside it.
    source = "class A {\n  @ManyToOne(() => B)\n  b: B;\n  @Column()\n  c: string;\n}\nf(g(1), h(2));\n"
    parse = parse_script(source, "a.ts")
    for kind in ("field", "call"):
        starts = [node.start_byte for node in parse.of(kind)]
        assert starts == sorted(starts) and starts
