"""The addon packs as any OCA addon: ``pip wheel`` with the ``whool`` backend of
``pyproject.toml`` builds ``odoo-addon-tracking_connector`` with the addon under
``odoo/addons/``. whool names the distribution after the addon's folder and packs the files
under git control, so the wheel is built from a clone of this checkout in a folder called
``tracking_connector``, carrying this checkout's uncommitted changes to tracked files (what
``pip wheel .`` gives in a checkout of that name). Built offline: whool comes from the
virtualenv (``--no-build-isolation``), nothing from an index."""

import ast
import email.parser
import fnmatch
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import PurePosixPath

import pytest
from conftest import ROOT

PREFIX = "odoo/addons/tracking_connector/"
# Never in a wheel: caches and results of tests, lint, coverage and builds.
FORBIDDEN = ("__pycache__", "*.pyc", ".pytest_cache", ".ruff_cache", ".coverage*", "htmlcov",
             "coverage.xml", "results-*", "*.log", "build", "dist", "*.egg-info", ".git")


def git(*args, cwd=ROOT, **kwargs):
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                          **kwargs).stdout


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """(the wheel's path, the files git tracks in the built tree) for this checkout."""
    if subprocess.run(["git", "rev-parse", "--git-dir"], cwd=ROOT, capture_output=True,
                      check=False).returncode:
        pytest.skip("not a git checkout: whool would pack every file of the folder")
    work = tmp_path_factory.mktemp("wheel")
    src = work / "tracking_connector"
    git("clone", "--quiet", "--no-checkout", str(ROOT), str(src))
    git("-c", "advice.detachedHead=false", "checkout", "--quiet",
        git("rev-parse", "HEAD", text=True).strip(), cwd=src)
    changes = git("diff", "HEAD", "--binary")
    if changes:
        git("apply", "--index", "--whitespace=nowarn", "-", cwd=src, input=changes)
    dist = os.environ.get("TC_WHEEL_DIR") or str(work / "dist")
    shutil.rmtree(dist, ignore_errors=True)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--disable-pip-version-check",
         "--no-build-isolation", "--no-deps", "--no-index", "--no-cache-dir",
         "--wheel-dir", dist, "."],
        cwd=src, check=True, timeout=300)
    wheels = sorted(os.listdir(dist))
    assert len(wheels) == 1, wheels
    tracked = set(git("ls-files", cwd=src, text=True).splitlines())
    return os.path.join(dist, wheels[0]), tracked


@pytest.fixture(scope="module")
def names(built):
    with zipfile.ZipFile(built[0]) as whl:
        return whl.namelist()


@pytest.fixture(scope="module")
def addon_files(names):
    return {name[len(PREFIX):] for name in names if name.startswith(PREFIX)}


def manifest():
    return ast.literal_eval((ROOT / "__manifest__.py").read_text())


def test_name_version_and_metadata(built, names):
    version = manifest()["version"]
    filename = os.path.basename(built[0])
    match = re.fullmatch(r"odoo_addon_tracking_connector-(.+)-py3-none-any\.whl", filename)
    assert match, filename
    # the manifest's version, plus whool's count of commits since it last changed (".N")
    assert re.fullmatch(re.escape(version) + r"(\.\d+|\.dev1)?", match.group(1)), filename
    with zipfile.ZipFile(built[0]) as whl:
        meta_name = next(n for n in names if n.endswith(".dist-info/METADATA"))
        meta = email.parser.Parser().parsestr(whl.read(meta_name).decode())
    assert meta["Name"] == "odoo-addon-tracking_connector"
    assert meta["Version"] == match.group(1)
    assert set(meta.get_all("Requires-Dist")) == {"odoo==18.0.*", "requests", "PyJWT"}
    assert meta["License"] == "LGPL-3"
    assert "Tracking Connector" in meta.get_payload(), "the README is the description"


def test_only_the_addon_under_odoo_addons(names):
    outside = [n for n in names if not n.startswith(PREFIX) and ".dist-info/" not in n]
    assert outside == []


def test_every_tracked_file_and_nothing_else(built, addon_files):
    """whool packs what git tracks; pyproject.toml stays out (it describes the build)."""
    assert addon_files == built[1] - {"pyproject.toml"}


def test_every_file_the_manifest_names(addon_files):
    data = manifest()
    named = list(data["data"]) + list(data["demo"]) + list(data["images"])
    missing = [path for path in named if path not in addon_files]
    assert missing == []
    for patterns in data["assets"].values():
        for pattern in patterns:
            local = pattern.split("/", 1)[1]  # "tracking_connector/static/..."
            assert fnmatch.filter(addon_files, local), pattern
    assert {"__init__.py", "__manifest__.py", "README.rst"} <= addon_files


def test_the_sandbox_static_files_and_docs(addon_files):
    for folder in ("sandbox", "static", "docs", "clients", "models", "i18n"):
        on_disk = {str(p.relative_to(ROOT)) for p in (ROOT / folder).rglob("*")
                   if p.is_file() and not any(fnmatch.fnmatch(part, pattern)
                                              for part in p.relative_to(ROOT).parts
                                              for pattern in FORBIDDEN)}
        assert on_disk, folder
        assert on_disk - addon_files == set(), folder
    assert "static/description/icon.png" in addon_files
    # every docs/ page README.rst links to travels with it
    for link in re.findall(r"<(docs/[^>#]+\.rst)(?:#[^>]*)?>`_", (ROOT / "README.rst").read_text()):
        assert link in addon_files, link


def test_no_caches_or_results(addon_files):
    bad = sorted(name for name in addon_files
                 if any(fnmatch.fnmatch(part, pattern)
                        for part in PurePosixPath(name).parts for pattern in FORBIDDEN))
    assert bad == []
