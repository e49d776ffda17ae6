"""OCA's addon checks (``oca-checks-odoo-module``) on this addon, as they run in an OCA
repository: on a folder named ``tracking_connector`` below a git top.

Run on this checkout directly, the tool checks nothing: it looks for the manifest walking up
from each file but stops at the git top without looking there, and a repository whose root is
the addon has its manifest exactly there; it also takes the addon's name from the folder's
name (which the assets of the manifest name). So the files git tracks are copied into
``<tmp>/repo/tracking_connector`` (``<tmp>/repo`` marked as a git top) and checked there; the
messages name the files as in this checkout.

    python scripts/oca_checks.py [OPTIONS OF oca-checks-odoo-module]
"""

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ADDON = "tracking_connector"


def main(options):
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, check=True,
                             capture_output=True).stdout.decode().split("\0")
    with tempfile.TemporaryDirectory() as tmp:
        top = Path(tmp) / "repo"
        (top / ".git").mkdir(parents=True)  # what the tool takes for a git top
        addon = top / ADDON
        for name in filter(None, tracked):
            source = ROOT / name
            if source.is_file():
                (addon / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, addon / name)
        tool = Path(sys.executable).with_name("oca-checks-odoo-module")
        result = subprocess.run([str(tool), *options, str(addon / "__manifest__.py")],
                                cwd=top, capture_output=True, text=True, check=False)
        # file names as in this checkout: "views/x.xml", not "<tmp>/repo/tracking_connector/..."
        prefix = re.compile(r"^(%s/)?%s/" % (re.escape(str(top)), ADDON), re.MULTILINE)
        sys.stdout.write(prefix.sub("", result.stdout))
        sys.stderr.write(prefix.sub("", result.stderr))
    return result.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
