"""The "Check the API" of a first connection: one run ("check the API", a run log like the
others: the call budget and the log work as usual) that reads one page, or one small call,
of each resource the backend syncs, and compares each answer with the resource's mapping
(``mappings/api_check.py``): the fields found (in how many rows), the keys nothing reads,
the fields the answer lacks, values of another type, the envelope and the paging it showed.
The report is attached to the run log (HTML) with the answers as received (JSON, secrets
masked), and shown in a dialog (``wizards/tracking_api_check.py``). It writes nothing else:
no mirrored record, no cursor, no item to retry.

Each backend says what to read: ``_api_check_reads(client)`` returns ``(title, read)``
pairs, ``read()`` giving an ``Answer``."""

import json
from dataclasses import dataclass, field

from markupsafe import Markup, escape

from ..clients.base import ApiError, AuthError, RateLimited, mask
from ..mappings import api_check
from .tracking_messages import _lt, lazy_text, lazy_to_json

REPORT_NAME = "API check report.html"
SAMPLES_NAME = "API check answers as received.json"
# Rows of each answer judged and kept in the samples.
SAMPLE_ROWS = 50
# ``Answer.expected`` of an answer that is one record, not a list.
ONE_RECORD = "one record"


@dataclass
class Answer:
    """One answer read for the check: its ``rows`` (the records the mapping reads), judged
    against ``entity``; ``body`` as it came, ``call`` (method and path, for the samples
    file), ``expected`` (the envelope our reading expects: None for a bare list, or the key
    of the list), ``list_keys`` (the keys a list is looked for under), ``notes`` (words on
    the paging and on what was not read)."""

    entity: object
    call: str
    body: object = None
    rows: list = field(default_factory=list)
    expected: str = None
    list_keys: tuple = ()
    notes: list = field(default_factory=list)
    paging_differs: bool = False  # a note on the paging says it differs from our reading
    error: object = None  # words: why the read failed (the others go on)
    title: object = None  # set by the check from the backend's pair

    def survey(self):
        return api_check.survey(self.entity, self.rows[:SAMPLE_ROWS])

    def envelope(self):
        if self.expected == ONE_RECORD and self.body is not None:
            shape = "record" if isinstance(self.body, dict) else "other"
            return {"shape": shape, "key": None, "other_keys": [], "paging": {}}
        return api_check.envelope(self.body, self.list_keys)

    def envelope_differs(self):
        shape = self.envelope()
        if self.error or shape["shape"] == "empty":
            return False
        if self.expected == ONE_RECORD:
            return shape["shape"] != "record"
        if self.expected is None:
            return shape["shape"] != "list"
        return shape["shape"] != "object" or shape["key"] != self.expected

    def differs(self):
        return bool(self.error or self.paging_differs or self.envelope_differs()
                    or api_check.differs(self.survey()))


def check_api(backend):
    """Run the check of ``backend``; returns the run (``SyncRun``) and its answers."""
    answers = []
    with backend._sync_run(_lt("check the API")) as run:
        client = backend._make_client(run.stats)
        for title, read in backend._api_check_reads(client):
            try:
                answer = read()
            except (AuthError, RateLimited):
                raise  # the credentials, the call budget: the run ends, as any run's
            except ApiError as exc:
                answer = Answer(entity=None, call="", error=run.message_for(exc))
                run.technical_detail(exc)
            answer.title = title
            del run.stats.shapes[:]  # the report says it, for each answer
            answers.append(answer)
            if answer.differs():
                run.warn(_lt("%s: the answer differs from what the connector reads (see the "
                             "report attached to this run log).", title), serious=True)
        differ = sum(1 for answer in answers if answer.differs())
        run.message = (_lt("API checked: %(count)s answers read, %(differ)s differ from what "
                           "the connector reads. The report is attached to this run log.",
                           count=len(answers), differ=differ) if differ else
                       _lt("API checked: %(count)s answers read, all as the connector reads "
                           "them. The report is attached to this run log.", count=len(answers)))
        attachments = backend.env["ir.attachment"].sudo()
        report = report_html(backend, answers, backend.env.lang)
        attachments.create({"name": REPORT_NAME, "res_model": run.log._name,
                            "res_id": run.log.id, "mimetype": "text/html",
                            "raw": str(report).encode()})
        attachments.create({"name": SAMPLES_NAME, "res_model": run.log._name,
                            "res_id": run.log.id, "mimetype": "application/json",
                            "raw": samples_json(answers).encode()})
    return run, answers


def samples_json(answers):
    """The answers as received (their first rows), secrets masked."""
    samples = []
    for answer in answers:
        body = answer.body
        if isinstance(body, list):
            body = body[:SAMPLE_ROWS]
        elif isinstance(body, dict):
            body = {key: value[:SAMPLE_ROWS] if isinstance(value, list) else value
                    for key, value in body.items()}
        samples.append({"resource": lazy_text(lazy_to_json(answer.title), "en_US"),
                        "call": answer.call, "answer": body})
    return mask(json.dumps(samples, ensure_ascii=False, indent=1, default=str))


def report_html(backend, answers, lang):
    """The report a manager reads: for each answer, its envelope and paging, then its
    fields found, the keys nothing reads, the fields absent and the values of another
    type."""
    env = backend.env

    def say(message):
        return escape(lazy_text(lazy_to_json(message), lang))

    def items(lines):
        return Markup("<ul>%s</ul>") % Markup("").join(
            Markup("<li>%s</li>") % line for line in lines)

    parts = []
    differ = [answer for answer in answers if answer.differs()]
    empty = [answer for answer in answers
             if not answer.error and not answer.rows and not answer.envelope_differs()]
    nothing_read = len(empty) == len(answers)
    if differ:
        verdict = env._("%(count)s of %(total)s answers differ from what the connector reads: "
                        "see below, and send the answers as received (the JSON file attached "
                        "to the run log) to the integrator.", count=len(differ),
                        total=len(answers))
    elif nothing_read:
        verdict = env._("No answer held records: nothing could be compared. Check again once "
                        "the remote holds some.")
    else:
        verdict = env._("All mapped fields found: every answer came as the connector reads it.")
    parts.append(Markup("<p><strong>%s</strong></p>") % verdict)
    if empty and not nothing_read:
        parts.append(Markup("<p>%s</p>") % env._(
            "Answers without records: %(count)s (%(names)s); nothing could be compared there. "
            "Check again once the remote holds some.", count=len(empty),
            names=", ".join(str(say(answer.title)) for answer in empty)))
    for answer in answers:
        title = str(say(answer.title))
        parts.append(Markup("<h3>%s</h3>") % Markup(title[:1].upper() + title[1:]))
        if answer.error:
            parts.append(Markup("<p>%s %s</p>") % (env._("The read failed:"), say(answer.error)))
            continue
        lines = [envelope_line(env, answer)]
        lines += [say(note) for note in answer.notes]
        survey = answer.survey()
        if not survey["rows"]:
            lines.append(env._("The answer held no records: nothing to compare."))
            parts.append(items(lines))
            continue
        lines.append(env._("%s records compared with the fields the connector reads.",
                           survey["rows"]))
        if survey["required_missing"]:
            lines.append(env._("%s records lack a key the connector needs to save them.",
                               survey["required_missing"]))
        parts.append(items(lines))
        found = [f for f in survey["fields"] if f["found"] and not f["wrong"]]
        absent = [f for f in survey["fields"] if not f["found"] and not f["optional"]]
        unseen = [f for f in survey["fields"] if not f["found"] and f["optional"]]
        wrong = [f for f in survey["fields"] if f["wrong"]]
        if absent:
            parts.append(Markup("<p><strong>%s</strong></p>") % env._(
                "Fields the connector reads that the answer lacks:"))
            parts.append(items([f["keys"] for f in absent]))
        if wrong:
            parts.append(Markup("<p><strong>%s</strong></p>") % env._(
                "Values of another type than the connector reads:"))
            parts.append(items([env._("%(key)s, in %(count)s records (%(example)s)",
                                      key=f["keys"], count=f["wrong"], example=f["example"])
                                for f in wrong]))
        if survey["unmapped"]:
            parts.append(Markup("<p><strong>%s</strong></p>") % env._(
                "Keys in the answer that the connector does not read:"))
            parts.append(items([env._("%(key)s (in %(count)s records)", key=key, count=count)
                                for key, count in survey["unmapped"].items()]))
        if unseen:
            parts.append(Markup("<p>%s</p>") % env._(
                "Fields the connector reads only when the answer carries them (the vendor's "
                "document does not name them), not in this answer:"))
            parts.append(items([f["keys"] for f in unseen]))
        if found:
            parts.append(Markup("<p>%s</p>") % env._("Fields found and read:"))
            parts.append(items([env._("%(key)s (in %(count)s of %(rows)s records)",
                                      key=f["keys"], count=f["found"], rows=survey["rows"])
                                for f in found]))
    return Markup("").join(parts)


def envelope_line(env, answer):
    """How the answer came, against the envelope our reading expects."""
    shape = answer.envelope()
    if shape["shape"] == "empty":
        came = env._("The answer was empty (no records for this read).")
    elif shape["shape"] == "record":
        came = env._("The answer is one record.")
    elif shape["shape"] == "list":
        came = env._("The records came as a bare list.")
    elif shape["shape"] == "object" and shape["key"]:
        came = env._("The records came in an object, under \"%(key)s\" (its other keys: "
                     "%(others)s).", key=shape["key"],
                     others=", ".join(shape["other_keys"]) or env._("none"))
    elif shape["shape"] == "object":
        came = env._("The answer is an object with no list in it (its keys: %s).",
                     ", ".join(shape["other_keys"]) or env._("none"))
    else:
        came = env._("The answer is neither a list nor an object.")
    if answer.envelope_differs():
        expected = (env._("one record") if answer.expected == ONE_RECORD
                    else env._("a bare list") if answer.expected is None
                    else env._("an object with the records under \"%s\"", answer.expected))
        came = env._("%(came)s The connector expects %(expected)s.", came=came,
                     expected=expected)
    if shape["paging"]:
        came = env._("%(came)s Paging fields: %(paging)s.", came=came, paging=", ".join(
            "%s = %s" % (key, json.dumps(value)) for key, value in shape["paging"].items()))
    return came
