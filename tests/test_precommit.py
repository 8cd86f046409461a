"""The pre-commit hook, run the way pre-commit runs it.

pre-commit itself is not installed here: each test stages a change in a
git copy of fixtures/repo, takes the staged files that the hook's `files`,
`exclude` and `types` select, and runs the hook's `entry` with them from
the repository root, as pre-commit does (one process: require_serial).
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

yaml = pytest.importorskip("yaml")

REPO = Path(__file__).parents[1]
HOOKS = REPO / ".pre-commit-hooks.yaml"
TEST_REPO = REPO / "fixtures" / "repo"
BRANCH1 = "configs/branch1-fw.cfg"
HQ = "configs/hq-fw.cfg"

pytestmark = pytest.mark.skipif(
    shutil.which("git") is None, reason="git is not installed"
)


def hook() -> dict:
    hooks = yaml.safe_load(HOOKS.read_text())
    assert [h["id"] for h in hooks] == ["asalint"]
    return hooks[0]


def git(folder: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(folder), "-c", "user.name=asalint tests",
         "-c", "user.email=tests@example.invalid", *args],
        capture_output=True, text=True, check=True,
    )
    return done.stdout


@pytest.fixture
def repo(tmp_path) -> Path:
    """fixtures/repo without its one-sided branch, which keeps every
    commit that touches hq failing until hq learns about it."""
    root = tmp_path / "configs-repo"
    shutil.copytree(TEST_REPO, root)
    (root / "configs" / "branch3-fw.cfg").unlink()
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "configs as the backup pulled them")
    return root


def selected(name: str) -> bool:
    """Does the hook's file filter pass `name`, as pre-commit applies it?"""
    definition = hook()
    files = re.compile(definition.get("files", ""))
    exclude = re.compile(definition.get("exclude", "^$"))
    return bool(files.search(name)) and not exclude.search(name)


def run_hook(root: Path) -> subprocess.CompletedProcess:
    """The hook's entry on the staged files it selects, from the root."""
    staged = git(root, "diff", "--cached", "--name-only").split()
    files = [name for name in staged if selected(name)]
    assert files, "nothing for the hook to check"
    scripts = str(Path(sys.executable).parent)
    env = os.environ | {
        "PATH": scripts + os.pathsep + os.environ.get("PATH", ""),
        "PRE_COMMIT": "1",
    }
    return subprocess.run(
        [*shlex.split(hook()["entry"]), *files],
        cwd=root, capture_output=True, text=True, env=env, check=False,
    )


def reports(run, rule: str, path: str, line: int) -> bool:
    """Does the text report list a finding of `rule` at path:line?"""
    pattern = rf"^\s*{rule} \w+\s+{re.escape(path)}:{line}\s"
    return re.search(pattern, run.stdout, re.MULTILINE) is not None


def edit(root: Path, name: str, old: str, new: str) -> None:
    path = root / name
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    git(root, "add", name)


# --- the hook's definition ---------------------------------------------------------


def test_the_hook_runs_asalint_check_serially_on_text_files():
    definition = hook()
    assert definition["entry"] == "asalint check"
    assert definition["language"] == "python"
    assert definition["require_serial"] is True
    assert definition["types"] == ["text"]


@pytest.mark.parametrize(
    "name, wanted",
    [
        ("configs/hq-fw.cfg", True),
        ("hq-fw.conf", True),
        ("backup/hq-fw.txt", True),
        ("oxidized/hq-fw", True),  # backup tools write no extension
        ("README.md", False),
        ("LICENSE", False),
        ("docs/Makefile", False),
        ("asalint.toml", False),
        (".gitignore", False),
        ("scripts/pull.py", False),
    ],
)
def test_the_hook_selects_config_names(name, wanted):
    assert selected(name) is wanted


# --- a commit that breaks a tunnel, and its repair ----------------------------------


def test_breaking_a_tunnel_from_one_side_fails_and_the_repair_passes(repo):
    # branch1 moves to AES-128 in phase 2; hq still offers AES-256 only.
    edit(repo, BRANCH1, "esp-aes-256 esp-sha-hmac", "esp-aes esp-sha-hmac")
    broken = run_hook(repo)
    assert broken.returncode == 1, broken.stderr
    assert reports(broken, "ASA201", BRANCH1, 34)

    # The repaired commit: hq offers AES-128 to branch1 as well.
    edit(repo, HQ, "crypto map OUTSIDE-MAP 10 set ikev1 transform-set "
         "AES256-SHA", "crypto ipsec ikev1 transform-set AES128-SHA esp-aes "
         "esp-sha-hmac\ncrypto map OUTSIDE-MAP 10 set ikev1 transform-set "
         "AES256-SHA AES128-SHA")
    repaired = run_hook(repo)
    assert repaired.returncode == 0, repaired.stdout + repaired.stderr
    assert "ASA201" not in repaired.stdout


def test_the_finding_on_the_unchanged_side_fails_the_commit(repo):
    # branch1 takes a new address; hq, unchanged, still names the old one.
    edit(repo, BRANCH1, "ip address 203.0.113.2 ", "ip address 203.0.113.3 ")
    broken = run_hook(repo)
    assert broken.returncode == 1, broken.stderr
    assert reports(broken, "ASA108", HQ, 48)
    assert reports(broken, "ASA407", BRANCH1, 33)

    # Following up on hq in the same commit repairs the tunnel.
    edit(repo, HQ, "set peer 203.0.113.2", "set peer 203.0.113.3")
    edit(repo, HQ, "tunnel-group 203.0.113.2 type",
         "tunnel-group 203.0.113.3 type")
    edit(repo, HQ, "tunnel-group 203.0.113.2 ipsec",
         "tunnel-group 203.0.113.3 ipsec")
    repaired = run_hook(repo)
    assert repaired.returncode == 0, repaired.stdout + repaired.stderr


def test_a_changed_file_the_hook_does_not_select_is_not_checked(repo):
    edit(repo, "asalint.toml", "include", "# the configs\ninclude")
    staged = git(repo, "diff", "--cached", "--name-only").split()
    assert staged == ["asalint.toml"]
    assert not any(selected(name) for name in staged)
