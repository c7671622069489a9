from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from readylint.diagnostics import FileProblem
from readylint.discovery import (
    DEFAULT_EXCLUDES, LINK_LOOP, LINK_OUTSIDE_TREE, PathMatcher, PathNotFound, discover, find_root,
)


def make(root: Path, *files: str) -> None:
    for name in files:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x = 1\n")


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def found(root: Path, paths: list[Path] | None = None, **options) -> list[str]:
    return [candidate.path for candidate in discover(paths or [root], root, **options).files]


# ------------------------------------------------------------ excludes


def test_default_excludes_skip_tool_output_and_dependencies(tmp_path):
    make(
        tmp_path,
        "src/app.py",
        "scripts/build",  # a file named like an excluded directory is still source
        ".git/config",
        "node_modules/left-pad/index.js",
        ".venv/lib/site.py",
        "venv/lib/site.py",
        "src/__pycache__/app.cpython-311.pyc",
        "src/pkg.egg-info/PKG-INFO",
        "build/lib/app.py",
        "dist/app.tar.gz",
        ".tox/py311/log.txt",
        ".mypy_cache/3.11/app.json",
        "lib/python3.11/site-packages/requests/api.py",
    )
    assert found(tmp_path) == ["scripts/build", "src/app.py"]


def test_ide_settings_are_scanned_for_secrets(tmp_path):
    make(tmp_path, ".idea/dataSources.xml", ".vscode/launch.json")
    assert found(tmp_path) == [".idea/dataSources.xml", ".vscode/launch.json"]


def test_excluded_directories_are_pruned_not_filtered(tmp_path, monkeypatch):
    make(tmp_path, "app.py", "node_modules/a/b/index.js", "ignored/deep/x.py")
    write(tmp_path / ".gitignore", "ignored/\n")
    listed = []
    real_scandir = os.scandir

    def recording_scandir(path):
        listed.append(Path(path).relative_to(tmp_path).as_posix())
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", recording_scandir)
    assert found(tmp_path) == [".gitignore", "app.py"]
    assert listed == ["."]


def test_extend_exclude_adds_to_the_defaults_and_exclude_replaces_them(tmp_path):
    make(tmp_path, "src/new.py", "legacy/old.py", "node_modules/dep.js")
    assert found(tmp_path, extend_exclude=["legacy/"]) == ["src/new.py"]
    assert found(tmp_path, exclude=["legacy/"]) == ["node_modules/dep.js", "src/new.py"]
    assert found(tmp_path, exclude=["legacy/"], extend_exclude=["*.js"]) == ["src/new.py"]


def test_exclude_patterns_are_relative_to_the_root(tmp_path):
    make(tmp_path, "docs/conf.py", "app/docs/views.py", "app/generated/models.py", "generated/models.py")
    kept = found(tmp_path, exclude=["/docs", "app/generated/"])
    assert kept == ["app/docs/views.py", "generated/models.py"]


def test_a_directory_holding_pyvenv_cfg_is_a_virtualenv_whatever_its_name(tmp_path):
    make(tmp_path, "src/app.py", "py311-env/pyvenv.cfg", "py311-env/lib/python3.11/requests/api.py")
    assert found(tmp_path) == ["src/app.py"]
    assert found(tmp_path, exclude=()) == ["src/app.py"]


# ------------------------------------------------------------ .gitignore


def test_nested_gitignore_with_negation_and_anchored_patterns(tmp_path):
    write(tmp_path / ".gitignore", "*.log\n/artifacts/\n")
    write(tmp_path / "pkg/.gitignore", "!keep.log\n/generated.py\nsub/tmp/\n")
    make(
        tmp_path,
        "app.log",
        "artifacts/a.py",
        "pkg/artifacts/b.py",  # /artifacts/ is anchored to the root's directory
        "pkg/keep.log",
        "pkg/other.log",
        "pkg/generated.py",
        "pkg/deep/generated.py",  # /generated.py is anchored to pkg/
        "pkg/sub/tmp/x.py",
        "pkg/deep/sub/tmp/y.py",  # sub/tmp/ holds a slash: anchored to pkg/ too
    )
    assert found(tmp_path) == [
        ".gitignore",
        "pkg/.gitignore",
        "pkg/artifacts/b.py",
        "pkg/deep/generated.py",
        "pkg/deep/sub/tmp/y.py",
        "pkg/keep.log",
    ]


def test_a_gitignore_in_a_subdirectory_does_not_affect_its_siblings(tmp_path):
    write(tmp_path / "a/.gitignore", "*.py\n")
    make(tmp_path, "a/x.py", "b/x.py", "x.py")
    assert found(tmp_path) == ["a/.gitignore", "b/x.py", "x.py"]


def test_nothing_under_an_ignored_directory_can_be_reincluded(tmp_path):
    # `foo/**` ignores what foo holds but not foo itself, so a negation can
    # bring a file back; `bar/` ignores the directory, and git never looks in.
    write(tmp_path / ".gitignore", "foo/**\n!foo/keep.py\nbar/\n!bar/keep.py\n")
    make(tmp_path, "foo/keep.py", "foo/drop.py", "bar/keep.py")
    assert found(tmp_path) == [".gitignore", "foo/keep.py"]


def test_gitignore_with_byte_order_mark_and_crlf_line_ends(tmp_path):
    (tmp_path / ".gitignore").write_bytes(b"\xef\xbb\xbf*.log\r\nsecret.env\r\n")
    make(tmp_path, "app.py", "debug.log", "secret.env")
    assert found(tmp_path) == [".gitignore", "app.py"]


def test_gitignores_above_the_root_count_up_to_the_repository_top(tmp_path):
    write(tmp_path / ".gitignore", "*.py\n")  # above the repository: not git's business
    repo = tmp_path / "repo"
    write(repo / ".git/info/exclude", "*.tmp\n")
    write(repo / ".gitignore", "generated/\n")
    write(repo / "services/.gitignore", "*.bak\n")
    make(repo, "services/api/app.py", "services/api/generated/models.py", "services/api/scratch.tmp",
         "services/api/app.py.bak")
    root = repo / "services/api"
    assert found(root) == ["app.py"]


def test_without_a_repository_only_gitignores_from_the_root_down_count(tmp_path):
    write(tmp_path / ".gitignore", "*.py\n")
    make(tmp_path, "project/app.py", "project/debug.log")
    write(tmp_path / "project/.gitignore", "*.log\n")
    assert found(tmp_path / "project") == [".gitignore", "app.py"]


def test_a_nested_repository_follows_its_own_ignore_rules(tmp_path):
    write(tmp_path / ".gitignore", "*.sql\n")
    (tmp_path / "vendor/lib/.git").mkdir(parents=True)
    write(tmp_path / "vendor/lib/.git/info/exclude", "*.tmp\n")
    make(tmp_path, "schema.sql", "vendor/lib/schema.sql", "vendor/lib/scratch.tmp")
    assert found(tmp_path) == [".gitignore", "vendor/lib/schema.sql"]


def test_respect_gitignore_false_lists_ignored_files(tmp_path):
    write(tmp_path / ".gitignore", "*.log\nsecrets/\n")
    make(tmp_path, "app.py", "debug.log", "secrets/prod.env")
    kept = found(tmp_path, respect_gitignore=False)
    assert kept == [".gitignore", "app.py", "debug.log", "secrets/prod.env"]


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git as the oracle")
def test_gitignore_semantics_agree_with_git(tmp_path):
    patterns = {
        ".gitignore": "*.py[co]\n[Bb]uild*/\n!build-keep/\n**/gen/**\n!**/gen/keep.py\n\\#notes\n"
        "*.txt\n!important.txt\na/**/b/\n/top.py\ndoc/*.md\n!doc/README.md\nspace\\ \n[!a-c]x.cfg\n"
        "*.tmp   \nm[!y]n/q\n",
        "pkg/.gitignore": "*\n!*/\n!*.py\n!.gitignore\n",
        "deep/.gitignore": "/x/\n[[:digit:]]*.dat\n",
    }
    for name, text in patterns.items():
        write(tmp_path / name, text)
    make(
        tmp_path,
        "a.pyc", "b.py", "Build1/x.py", "build-keep/y.py", "src/gen/z.py", "src/gen/keep.py", "#notes",
        "notes.txt", "important.txt", "a/b/c.py", "a/q/r/b/c.py", "a/b.py", "top.py", "sub/top.py",
        "doc/x.md", "doc/README.md", "doc/sub/x.md", "space ", "space", "ax.cfg", "dx.cfg",
        "pkg/data.json", "pkg/mod.py", "pkg/sub/more.py", "pkg/sub/more.json",
        "deep/x/y.py", "deep/z/x/y.py", "deep/1.dat", "deep/a1.dat", "a.tmp", "m/n/q", "mxn/q",
    )
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True, env=env)
    listing = subprocess.run(
        ["git", "ls-files", "-z", "--others", "--exclude-standard"],
        cwd=tmp_path, env=env, check=True, capture_output=True, text=True,
    ).stdout
    assert found(tmp_path) == sorted(listing.split("\0")[:-1])


# ------------------------------------------------------------ paths on the command line


def test_a_named_file_is_included_even_if_excluded_unless_force_exclude(tmp_path):
    write(tmp_path / ".gitignore", "local_settings.py\n")
    names = ("legacy/old.py", "local_settings.py", "node_modules/pkg/setup.py")
    make(tmp_path, *names)
    named = [tmp_path / name for name in names]

    discovery = discover(named, tmp_path, extend_exclude=["legacy/"])
    assert [(c.path, c.explicit) for c in discovery.files] == [
        ("legacy/old.py", True),
        ("local_settings.py", True),
        ("node_modules/pkg/setup.py", True),
    ]
    assert found(tmp_path, named, extend_exclude=["legacy/"], force_exclude=True) == []


def test_force_exclude_keeps_named_files_that_are_not_excluded(tmp_path):
    make(tmp_path, "app/views.py", "app/models.py")
    named = [tmp_path / "app/views.py"]
    assert found(tmp_path, named, force_exclude=True) == ["app/views.py"]


def test_a_named_directory_is_walked_even_if_excluded(tmp_path):
    make(tmp_path, "app.py", "build/gen.py", "build/node_modules/dep.js", "build/__pycache__/gen.pyc")
    discovery = discover([tmp_path / "build"], tmp_path)
    assert [(c.path, c.explicit) for c in discovery.files] == [("build/gen.py", False)]
    assert found(tmp_path, [tmp_path / "build"], force_exclude=True) == []


def test_a_named_virtualenv_is_walked(tmp_path):
    make(tmp_path, "env/pyvenv.cfg", "env/bin/activate_this.py")
    assert found(tmp_path, [tmp_path / "env"]) == ["env/bin/activate_this.py", "env/pyvenv.cfg"]
    assert found(tmp_path, [tmp_path / "env"], force_exclude=True) == []


def test_a_file_both_named_and_walked_is_listed_once_as_named(tmp_path):
    make(tmp_path, "src/a.py", "src/b.py")
    discovery = discover([tmp_path / "src", tmp_path / "src/a.py"], tmp_path)
    assert [(c.path, c.explicit) for c in discovery.files] == [("src/a.py", True), ("src/b.py", False)]


def test_a_named_file_found_first_through_a_symlink_stays_named(tmp_path):
    make(tmp_path, "real/mod.py")
    (tmp_path / "alias").symlink_to("real", target_is_directory=True)
    discovery = discover([tmp_path, tmp_path / "real/mod.py"], tmp_path)
    assert [(c.path, c.explicit) for c in discovery.files] == [("alias/mod.py", True)]


def test_paths_outside_the_root_are_reported_absolute(tmp_path):
    make(tmp_path, "project/app.py", "shared/lib.py")
    discovery = discover([tmp_path / "shared"], tmp_path / "project")
    assert [c.path for c in discovery.files] == [(tmp_path / "shared/lib.py").as_posix()]


def test_a_path_that_does_not_exist_raises(tmp_path):
    make(tmp_path, "app.py")
    with pytest.raises(PathNotFound, match="missing.py"):
        discover([tmp_path / "app.py", tmp_path / "missing.py"], tmp_path)


def test_a_directory_that_cannot_be_listed_is_a_problem(tmp_path, monkeypatch):
    make(tmp_path, "app.py", "locked/secret.py")
    real_scandir = os.scandir

    def scandir(path):
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    discovery = discover([tmp_path], tmp_path)
    assert [c.path for c in discovery.files] == ["app.py"]
    assert discovery.problems == [
        FileProblem("locked", "cannot list directory: Permission denied", kind="error")
    ]


# ------------------------------------------------------------ symlinks


def test_a_symlink_loop_ends_and_each_real_directory_is_listed_once(tmp_path, monkeypatch):
    make(tmp_path, "pkg/mod.py")
    (tmp_path / "pkg/up").symlink_to("..", target_is_directory=True)
    (tmp_path / "pkg/itself").symlink_to("itself")
    listed = []
    real_scandir = os.scandir

    def recording_scandir(path):
        listed.append(Path(path).relative_to(tmp_path).as_posix())
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", recording_scandir)
    discovery = discover([tmp_path], tmp_path)
    assert [c.path for c in discovery.files] == ["pkg/mod.py"]
    # `up` leads to a directory already listed; `itself` leads nowhere but to itself.
    assert discovery.problems == [FileProblem("pkg/itself", LINK_LOOP, kind="skipped")]
    assert listed == [".", "pkg"]


def test_a_broken_symlink_is_skipped_silently(tmp_path):
    make(tmp_path, "app.py")
    (tmp_path / "dangling.py").symlink_to("missing.py")
    (tmp_path / "gone").symlink_to("missing-dir", target_is_directory=True)
    discovery = discover([tmp_path], tmp_path)
    assert [c.path for c in discovery.files] == ["app.py"]
    assert discovery.problems == []


def test_a_real_file_reached_twice_is_listed_once_under_its_first_path(tmp_path):
    make(tmp_path, "real/mod.py")
    (tmp_path / "alias").symlink_to("real", target_is_directory=True)
    (tmp_path / "zz-link.py").symlink_to("real/mod.py")
    discovery = discover([tmp_path], tmp_path)
    assert [c.path for c in discovery.files] == ["alias/mod.py"]
    # The path the file was found by, not the symlink's target.
    assert discovery.files[0].abs_path == tmp_path / "alias/mod.py"


def test_symlinks_never_lead_outside_the_scanned_tree(tmp_path):
    project, outside = tmp_path / "project", tmp_path / "outside"
    make(outside, "secret.py", "lib/mod.py")
    make(project, "app.py", "pkg/real.py")
    (project / "passwd.py").symlink_to(outside / "secret.py")
    (project / "vendor").symlink_to(outside / "lib", target_is_directory=True)
    (project / "etc").symlink_to("/etc", target_is_directory=True)
    (project / "proc").symlink_to("/proc/self", target_is_directory=True)
    (project / "pkg/escape.py").symlink_to("../../outside/secret.py")
    (project / "alias.py").symlink_to("pkg/real.py")  # inside the tree: followed
    (project / "pkg/here").symlink_to(project / "pkg", target_is_directory=True)
    discovery = discover([project], project)
    assert [c.path for c in discovery.files] == ["alias.py", "app.py"]
    assert sorted(discovery.problems, key=lambda p: p.path) == [
        FileProblem(path, LINK_OUTSIDE_TREE, kind="skipped")
        for path in ("etc", "passwd.py", "pkg/escape.py", "proc", "vendor")
    ]


def test_a_named_path_through_a_symlink_out_of_the_tree_is_skipped(tmp_path):
    # pre-commit and editors name files: a committed link to a secret is still not read.
    make(tmp_path / "outside", "secret.py", "lib/mod.py")
    make(tmp_path / "project", "app.py")
    (tmp_path / "project/passwd.py").symlink_to(tmp_path / "outside/secret.py")
    (tmp_path / "project/vendor").symlink_to(tmp_path / "outside/lib", target_is_directory=True)
    (tmp_path / "project/itself.py").symlink_to("itself.py")
    named = [tmp_path / "project" / name for name in ("app.py", "passwd.py", "vendor/mod.py", "itself.py")]
    discovery = discover(named, tmp_path / "project")
    assert [c.path for c in discovery.files] == ["app.py"]
    assert discovery.problems == [
        FileProblem("passwd.py", LINK_OUTSIDE_TREE, kind="skipped"),
        FileProblem("vendor/mod.py", LINK_OUTSIDE_TREE, kind="skipped"),
        FileProblem("itself.py", LINK_LOOP, kind="skipped"),
    ]
    # Named outside the root, a tree is the user's to scan, its own links included.
    (tmp_path / "outside/lib/alias.py").symlink_to("mod.py")
    discovery = discover([tmp_path / "outside/lib"], tmp_path / "project")
    assert [c.path for c in discovery.files] == [(tmp_path / "outside/lib/alias.py").as_posix()]
    assert discovery.problems == []


def test_symlinked_files_are_linted(tmp_path):
    make(tmp_path, "shared/settings.py")
    (tmp_path / "app").mkdir()
    (tmp_path / "app/settings.py").symlink_to(tmp_path / "shared/settings.py")
    assert found(tmp_path, [tmp_path / "app"]) == ["app/settings.py"]


# ------------------------------------------------------------ PathMatcher


@pytest.mark.parametrize(
    ("patterns", "path", "expected"),
    [
        (["tests/"], "tests/unit/test_api.py", True),  # through a parent directory
        (["tests/"], "tests", False),  # "tests/" only matches directories
        (["*.py", "!settings.py"], "app/settings.py", False),
        (["*.py", "!settings.py"], "app/views.py", True),
        (["migrations/*.py"], "app/migrations/0001_initial.py", False),  # anchored
        (["**/migrations/*.py"], "app/migrations/0001_initial.py", True),
        # Nothing under an excluded directory can be re-included.
        (["legacy/", "!legacy/keep.py"], "legacy/keep.py", True),
        (["/scripts/*"], "scripts/deploy.sh", True),
        (["/scripts/*"], "tools/scripts/deploy.sh", False),
    ],
)
def test_path_matcher(patterns, path, expected):
    assert PathMatcher(patterns).matches(path) is expected


def test_path_matcher_for_directories():
    assert PathMatcher(["build/"]).matches("build", is_dir=True)
    assert not PathMatcher(["build/"]).matches("build", is_dir=False)


def test_default_excludes_are_valid_patterns():
    matcher = PathMatcher(DEFAULT_EXCLUDES)
    assert matcher.matches("frontend/node_modules/react/index.js")
    assert not matcher.matches("src/app.py")


# ------------------------------------------------------------ find_root


def test_find_root_prefers_the_configuration_directory(tmp_path):
    (tmp_path / ".git").mkdir()
    make(tmp_path, "svc/app.py")
    assert find_root([tmp_path / "svc/app.py"], tmp_path, tmp_path / "svc") == tmp_path / "svc"


def test_find_root_is_the_repository_holding_the_paths(tmp_path):
    (tmp_path / ".git").mkdir()
    make(tmp_path, "svc/a/app.py", "svc/b/app.py")
    named = [tmp_path / "svc/a/app.py", tmp_path / "svc/b"]
    assert find_root(named, tmp_path / "svc/a", None) == tmp_path


def test_find_root_accepts_a_git_file(tmp_path):
    write(tmp_path / "sub/.git", "gitdir: ../.git/modules/sub\n")
    make(tmp_path, "sub/pkg/app.py")
    assert find_root([tmp_path / "sub/pkg/app.py"], tmp_path, None) == tmp_path / "sub"


def test_find_root_without_repository_is_the_working_directory_if_it_holds_every_path(tmp_path):
    make(tmp_path, "a/x.py", "b/y.py")
    assert find_root([tmp_path / "a/x.py", tmp_path / "b"], tmp_path, None) == tmp_path
    assert find_root([Path("a/x.py")], tmp_path, None) == tmp_path


def test_find_root_without_repository_is_the_paths_common_directory_otherwise(tmp_path):
    make(tmp_path, "work/a/x.py", "work/b/y.py", "elsewhere/z.py")
    named = [tmp_path / "work/a/x.py", tmp_path / "work/b/y.py"]
    assert find_root(named, tmp_path / "elsewhere", None) == tmp_path / "work"
    assert find_root([tmp_path / "work/a/x.py"], tmp_path / "elsewhere", None) == tmp_path / "work/a"


def test_root_at_filesystem_root_terminates(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "m.py").write_text("x = 1\n")
    found = discover([tmp_path / "a"], Path("/"))
    assert [c.abs_path for c in found.files] == [tmp_path / "a" / "m.py"]
