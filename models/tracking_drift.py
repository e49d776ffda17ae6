"""Answers that drift from our reading of a vendor's document: a page whose rows stop
carrying what the resource's mapping expects (a mapped key absent from most rows, values of
another type in most rows) or that came in another envelope than the client expects (noted
by the client in ``CallStats.shapes``) ends its run "done with warnings" naming the keys or
the envelope, and one page as received (secrets masked) is attached to the run log for the
integrator, instead of rows saved with empty columns in silence. The detection of rows is
pure (``Entity.drift``); this module tells the run."""

import json
import weakref

from ..clients.base import mask
from ..mappings.fields import DRIFT_MIN_ROWS
from .tracking_messages import _lt, lazy_to_json, resource_label

# More than this share of the rows judged must show it (a few records' gaps are not drift).
DRIFT_SHARE = 0.5
# The page kept on the run log holds at most this many rows (a Sage 50 file is one page).
MAX_KEPT_ROWS = 500
# Rows judged of each page: its first ones (a drift comes from the remote's answers changing
# shape, so it shows in every row; judging a whole page of 50 cost 2.3 ms of its save).
SAMPLE_ROWS = 10
KEPT_SUFFIX = " page as received.json"
# Per run (forgotten with it): the rows of its small pages not judged yet, by resource, and
# the warnings it gave already (each said once a run).
_RUNS = weakref.WeakKeyDictionary()


def check_page(run, resource, rows):
    """Warn the run when ``rows`` (one page of ``resource``) drift from its mapping, and
    keep the first such page of the run on its log. A page's first ``SAMPLE_ROWS`` rows are
    judged.

    Rows are judged by at least ``DRIFT_MIN_ROWS`` at a time: the rows of a small page wait
    for those of the run's next pages of the same resource (a run of date windows reads many
    small pages). Until there are enough, the rows waiting are judged by a stricter rule: a
    key that every one of them (two at least) lacks, or holds with a value of another type."""
    if not isinstance(rows, list):
        return
    state = _RUNS.setdefault(run, {"rows": {}, "said": set()})
    waiting = state["rows"].setdefault(resource.name, [])
    waiting.extend(rows[:SAMPLE_ROWS])
    if len(waiting) >= DRIFT_MIN_ROWS:
        judged = list(waiting)
        del waiting[:]
        absent, wrong = resource.entity.drift(judged, DRIFT_SHARE)
    elif len(waiting) >= 2:
        judged = list(waiting)
        absent, wrong = resource.entity.drift(judged, (len(judged) - 0.5) / len(judged),
                                              min_rows=2)
    else:
        judged, absent, wrong = rows, [], []
    shapes = list(run.stats.shapes)  # envelopes the client read in another shape
    del run.stats.shapes[:]
    how = list(shapes)  # the client's notes, as it wrote them
    if absent:
        how.append(_lt("most rows lack %s", ", ".join(absent)))
    if wrong:
        how.append(_lt("most rows hold a value of another type in %s", ", ".join(wrong)))
    how = [message for message in how if _said(message) not in state["said"]]
    if not how:
        return
    state["said"].update(_said(message) for message in how)
    joined = how[0]
    for message in how[1:]:
        joined = _lt("%(first)s; %(then)s", first=joined, then=message)
    run.warn(_lt(
        "%(what)s: the answers no longer match what the connector reads (%(how)s); the "
        "columns of these fields stay empty. A page as received is attached to this run log "
        "for the integrator.", what=resource_label(resource), how=joined), serious=True)
    attach_page(run, resource, rows if len(rows) >= DRIFT_MIN_ROWS else judged)


def _said(message):
    """What ``words`` say, to say it once a run."""
    return json.dumps(lazy_to_json(message), sort_keys=True)


def attach_page(run, resource, rows):
    """One page as received (secrets masked) attached to the run log, the first one only."""
    attachments = run.env["ir.attachment"].sudo()
    if attachments.search_count([("res_model", "=", run.log._name), ("res_id", "=", run.log.id),
                                 ("name", "=like", "%" + KEPT_SUFFIX)], limit=1):
        return
    text = json.dumps(rows[:MAX_KEPT_ROWS], ensure_ascii=False, indent=1, default=str)
    attachments.create({"name": resource.name + KEPT_SUFFIX, "res_model": run.log._name,
                        "res_id": run.log.id, "mimetype": "application/json",
                        "raw": mask(text).encode()})
