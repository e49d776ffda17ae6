"""Turn the cells written by tests/test_fault_matrix*.py (``TC_FAULT_MATRIX_OUT``, JSON
lines) into a reStructuredText list-table: rows = faults, columns = syncs.

    TC_FAULT_MATRIX_OUT=/tmp/cells.jsonl TEST_TAGS=/tracking_connector:TestFaultMatrix \\
        bash scripts/test.sh
    python3 scripts/fault_matrix_rst.py /tmp/cells.jsonl > matrix.rst
"""

import json
import re
import sys


def main(path):
    cells, systems, faults = {}, [], []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            cell = json.loads(line)
            if cell["system"] not in systems:
                systems.append(cell["system"])
            if cell["fault"] not in faults:
                faults.append(cell["fault"])
            cells[cell["system"], cell["fault"]] = _short(cell["outcome"])
    out = [".. list-table:: Fault matrix (generated from the test run)",
           "   :header-rows: 1", "   :stub-columns: 1", "",
           "   * - Fault"]
    out += ["     - %s" % system for system in systems]
    for fault in faults:
        out.append("   * - %s" % fault)
        out += ["     - %s" % cells.get((system, fault), "not run") for system in systems]
    print("\n".join(out))


def _short(text):
    # Sandbox addresses change from run to run: keep the path only.
    return re.sub(r"https?://127\.0\.0\.1:\d+", "", text).replace("*", r"\*")


if __name__ == "__main__":
    main(sys.argv[1])
