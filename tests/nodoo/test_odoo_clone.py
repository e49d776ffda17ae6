"""Where no Odoo 18.0 tree is found, the test and demo commands clone one: ``ensure_odoo`` of
``scripts/common.sh``, run here against a small local git repository standing for Odoo's
(a branch 18.0 with an ``odoo-bin`` and ``odoo/addons/base/``), and against a bad URL."""

import os
import subprocess

import pytest
from conftest import ROOT

COMMON = ROOT / "scripts" / "common.sh"


def git(*args, cwd=None):
    return subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.com",
         "-c", "init.defaultBranch=master", *args],
        cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


@pytest.fixture(scope="module")
def fake_odoo(tmp_path_factory):
    """A git repository with a master branch (not Odoo) and an 18.0 branch (a fake Odoo)."""
    repo = tmp_path_factory.mktemp("remote") / "odoo"
    repo.mkdir()
    git("init", "-q", cwd=repo)
    (repo / "README.md").write_text("master: not the branch to clone\n")
    git("add", "-A", cwd=repo)
    git("commit", "-q", "-m", "master", cwd=repo)
    git("checkout", "-q", "-b", "18.0", cwd=repo)
    git("rm", "-q", "README.md", cwd=repo)
    (repo / "odoo-bin").write_text("#!/usr/bin/env python3\nprint('fake odoo 18.0')\n")
    (repo / "odoo" / "addons" / "base").mkdir(parents=True)
    (repo / "odoo" / "addons" / "base" / "__manifest__.py").write_text("{'name': 'Base'}\n")
    git("add", "-A", cwd=repo)
    git("commit", "-q", "-m", "odoo 18.0, first", cwd=repo)
    (repo / "odoo" / "release.py").write_text("version_info = (18, 0)\n")
    git("add", "-A", cwd=repo)
    git("commit", "-q", "-m", "odoo 18.0, second", cwd=repo)
    git("checkout", "-q", "master", cwd=repo)
    return repo


def ensure_odoo(tmp_path, odoo_src, url):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ODOO_", "GIT_"))}
    env.update(ODOO_SRC=str(odoo_src), ODOO_GIT_URL=url, TC_CACHE_DIR=str(tmp_path / "cache"))
    return subprocess.run(
        ["bash", "-c", 'source "$0" && ensure_odoo', str(COMMON)],
        env=env, capture_output=True, text=True, timeout=120, check=False)


def said(result):
    """What ensure_odoo said, less the progress lines of ``log`` ("[tracking_connector] ...")."""
    lines = (result.stdout + result.stderr).splitlines()
    return [line for line in lines if not line.startswith("[tracking_connector] ")]


def test_clones_the_18_branch_shallow_into_odoo_src(tmp_path, fake_odoo):
    odoo_src = tmp_path / "opt" / "odoo18"
    result = ensure_odoo(tmp_path, odoo_src, "file://%s" % fake_odoo)
    assert result.returncode == 0, result.stderr
    assert said(result) == []
    assert (odoo_src / "odoo-bin").is_file()
    assert (odoo_src / "odoo" / "addons" / "base" / "__manifest__.py").is_file()
    assert (odoo_src / "odoo" / "release.py").is_file(), "the tip of 18.0"
    assert not (odoo_src / "README.md").exists(), "not master"
    assert git("rev-parse", "--abbrev-ref", "HEAD", cwd=odoo_src) == "18.0"
    assert git("rev-parse", "--is-shallow-repository", cwd=odoo_src) == "true"
    assert git("rev-list", "--count", "HEAD", cwd=odoo_src) == "1"
    assert sorted(p.name for p in odoo_src.parent.iterdir()) == ["odoo18"], "no partial tree"

    again = ensure_odoo(tmp_path, odoo_src, "file:///nowhere")
    assert again.returncode == 0, "a tree that is there is used, never cloned again"
    assert again.stdout + again.stderr == ""


def test_clones_into_an_empty_folder(tmp_path, fake_odoo):
    odoo_src = tmp_path / "odoo18"
    odoo_src.mkdir()
    result = ensure_odoo(tmp_path, odoo_src, "file://%s" % fake_odoo)
    assert result.returncode == 0, result.stderr
    assert (odoo_src / "odoo-bin").is_file()


def test_bad_url_says_so_in_one_line_and_leaves_no_tree(tmp_path):
    odoo_src = tmp_path / "opt" / "odoo18"
    url = "file://%s" % (tmp_path / "no-such-repository")
    result = ensure_odoo(tmp_path, odoo_src, url)
    assert result.returncode == 1
    lines = said(result)
    assert len(lines) == 1, lines
    assert lines[0].startswith("Could not clone Odoo 18.0 from %s into %s: " % (url, odoo_src))
    assert "repository" in lines[0], "git's reason is given"
    assert not odoo_src.exists()
    assert list(odoo_src.parent.iterdir()) == [], "no partial tree"


def test_a_branch_without_odoo_is_refused(tmp_path, fake_odoo):
    """A repository whose 18.0 branch is no Odoo tree (wrong URL) leaves nothing behind."""
    other = tmp_path / "other"
    other.mkdir()
    git("init", "-q", "-b", "18.0", cwd=other)
    (other / "README.md").write_text("not odoo\n")
    git("add", "-A", cwd=other)
    git("commit", "-q", "-m", "not odoo", cwd=other)
    odoo_src = tmp_path / "odoo18"
    result = ensure_odoo(tmp_path, odoo_src, "file://%s" % other)
    assert result.returncode == 1
    assert said(result) == ["Could not clone Odoo 18.0 from file://%s into %s: its 18.0 branch "
                            "has no odoo-bin and odoo/addons/base" % (other, odoo_src)]
    assert not odoo_src.exists()


def test_a_folder_with_something_else_is_left_alone(tmp_path, fake_odoo):
    odoo_src = tmp_path / "odoo18"
    odoo_src.mkdir()
    (odoo_src / "notes.txt").write_text("mine\n")
    result = ensure_odoo(tmp_path, odoo_src, "file://%s" % fake_odoo)
    assert result.returncode == 1
    assert said(result) == ["No Odoo 18.0 source tree at %s, and the folder is not empty: not "
                            "cloning into it." % odoo_src]
    assert sorted(p.name for p in odoo_src.iterdir()) == ["notes.txt"]
