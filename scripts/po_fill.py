"""Fill i18n/<lang>.po from the template and a table of translations.

Usage: python scripts/po_fill.py LANG TABLE.json   (run from the repository root)

LANG is es, nl, ... (the file name i18n/LANG.po). TABLE.json maps msgid -> msgstr. The .po is
created from i18n/tracking_connector.pot when missing; entries of the table overwrite the
.po's, other translations are kept. A translation that does not keep its msgid's placeholders
(%s, %(name)s, %d, {}) is refused. Prints the msgids still untranslated; exit code 1 if any.
Refresh the template first with scripts/i18n.sh.
"""
import json
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
POT = ROOT / "i18n" / "tracking_connector.pot"
LANGUAGES = {
    # code: (Language header, Plural-Forms header)
    "es": ("es", "nplurals=2; plural=(n != 1);"),
    "nl": ("nl", "nplurals=2; plural=(n != 1);"),
}
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]|\{[a-z_0-9]*\}")


def placeholders(text):
    return sorted(PLACEHOLDER.findall(text))


def fill(lang, table):
    language, plural = LANGUAGES[lang]
    path = ROOT / "i18n" / f"{lang}.po"
    template = polib.pofile(str(POT))
    old = {e.msgid: e.msgstr for e in polib.pofile(str(path))} if path.exists() else {}
    bad = []
    for entry in template:
        text = table.get(entry.msgid, old.get(entry.msgid, ""))
        if text and placeholders(text) != placeholders(entry.msgid):
            bad.append(entry.msgid)
            text = ""
        entry.msgstr = text
        entry.flags = [f for f in entry.flags if f != "fuzzy"]
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M+0000")
    template.metadata.update({
        "PO-Revision-Date": now,
        "Language": language,
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": plural,
    })
    template.save(str(path))
    # gettext's own layout, the one scripts/i18n.sh (msgmerge) keeps: no churn between the two
    subprocess.run(["msgcat", "--output-file", str(path), str(path)], check=True)
    missing = [e.msgid for e in template if not e.msgstr]
    for msgid in bad:
        print(f"{lang}: placeholders differ, not used: {msgid!r}")
    for msgid in missing:
        print(f"{lang}: untranslated: {msgid!r}")
    print(f"{path.relative_to(ROOT)}: {len(template) - len(missing)} translated, "
          f"{len(missing)} untranslated")
    return not missing


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in LANGUAGES:
        sys.exit(__doc__)
    table = json.loads(Path(sys.argv[2]).read_text(encoding="utf-8"))
    sys.exit(0 if fill(sys.argv[1], table) else 1)


if __name__ == "__main__":
    main()
