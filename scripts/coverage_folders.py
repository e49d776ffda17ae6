"""Line coverage per top folder of the addon from a coverage data file, as test.sh prints it:
    python scripts/coverage_folders.py DATA_FILE [RC_FILE]
A folder's figure is its statements run over its statements (``__init__.py`` files count in
their folder; the files at the root are "(root)")."""

import sys
from collections import defaultdict
from pathlib import Path

import coverage


def folder_figures(data_file, rcfile=True):
    root = Path(__file__).resolve().parents[1]
    cov = coverage.Coverage(data_file=data_file, config_file=rcfile)
    cov.load()
    totals = defaultdict(lambda: [0, 0])  # folder: [statements, missed]
    for filename in cov.get_data().measured_files():
        path = Path(filename).resolve()
        try:
            relative = path.relative_to(root)
        except ValueError:
            continue
        if path.suffix != ".py" or not path.is_file():
            continue  # code Odoo compiles under a name of its own (server actions)
        _name, statements, _excluded, missing, _text = cov.analysis2(filename)
        folder = relative.parts[0] if len(relative.parts) > 1 else "(root)"
        totals[folder][0] += len(statements)
        totals[folder][1] += len(missing)
    return dict(sorted(totals.items()))


def main():
    figures = folder_figures(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else True)
    print("%-14s %10s %8s %7s" % ("folder", "statements", "missed", "cover"))
    all_statements = all_missed = 0
    for folder, (statements, missed) in figures.items():
        all_statements += statements
        all_missed += missed
        print("%-14s %10d %8d %6.1f%%" % (folder, statements, missed,
                                          100.0 * (statements - missed) / (statements or 1)))
    print("%-14s %10d %8d %6.1f%%" % ("total", all_statements, all_missed,
                                      100.0 * (all_statements - all_missed)
                                      / (all_statements or 1)))


if __name__ == "__main__":
    main()
