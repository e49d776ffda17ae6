"""Which Odoo contact a remote party (a location, an event's sender, a customer) is: one
matcher, one order of precedence and one company rule for every integration; and the contacts
a sync makes and keeps for them (``create_partners``, ``write_partner``).

A plain function rather than an AbstractModel, as ``tracking_attachment``: it keeps no
state and needs only an environment, and a model would add an ``ir.model`` row and a
translatable description for nothing more."""

from odoo.osv import expression

# The keys a party may give, in their order of precedence, with the contact field each is
# compared with. Odoo's contacts have no GLN field of their own: a GLN is looked for in the
# contact's Reference, where the TrackOnline integration has always put it.
PRECEDENCE = (("ref", "ref"), ("gln", "ref"), ("vat", "vat"))


def _value(value):
    return value.strip() if isinstance(value, str) else ""


def match_partners(env, company, parties):
    """The contact of each party of ``parties``, as a list in the same order: a
    ``res.partner`` record, or an empty recordset when none matches.

    Each party is a dict with any of these keys (a missing or empty value is not used):
    ``ref`` (its reference or number), ``gln`` (its global location number), ``vat`` (its
    VAT number). A party that may give either (an OpusCapita sender id) gives it under
    both keys.

    Order of precedence: the party's ``ref`` equal to a contact's Reference; else its
    ``gln`` equal to a contact's Reference; else its ``vat`` equal to a contact's Tax ID.
    The first key that finds a contact decides; values are compared exactly, once the
    party's are stripped of spaces at both ends.

    Company rule: the candidates are the contacts of ``company`` (the backend's) and the
    contacts shared by all companies (no company), never those of another company, whoever
    runs the sync. Archived contacts are candidates too, so that a sync never creates a
    second contact next to an archived one. Among several candidates for one value: the
    company's own before a shared one, an active one before an archived one, then the
    oldest.

    One search for the whole list (one page of a sync)."""
    partners = env["res.partner"]
    wanted = {}
    for party in parties:
        for key, field in PRECEDENCE:
            value = _value(party.get(key))
            if value:
                wanted.setdefault(field, set()).add(value)
    if not wanted:
        return [partners] * len(parties)
    domain = expression.AND([
        [("company_id", "in", [company.id, False])],
        expression.OR([[(field, "in", sorted(values))] for field, values in wanted.items()]),
    ])
    found = partners.with_context(active_test=False).search(domain)
    by_field = {field: {} for field in wanted}
    for partner in found.sorted(lambda p: (not p.company_id, not p.active, p.id)):
        for field, index in by_field.items():
            if partner[field]:
                index.setdefault(partner[field], partner)
    matches = []
    for party in parties:
        partner = partners
        for key, field in PRECEDENCE:
            value = _value(party.get(key))
            if value and value in by_field.get(field, {}):
                partner = by_field[field][value]
                break
        matches.append(partner)
    return matches


def create_partners(env, values_list):
    """The contacts a sync makes for remote parties (Sage 50 customers, TrackOnline
    locations), made by the connector itself: a Tracking user who starts the sync (its button
    checked who may press it first) may have no right to create contacts, and the contacts
    are the backend's, configured by a manager. Returned with the caller's rights."""
    return env["res.partner"].sudo().create(values_list).sudo(False)


def write_partner(partner, changes):
    """A contact kept up to date by a sync with what its remote party says (see
    ``create_partners`` for why by the connector itself)."""
    partner.sudo().write(changes)
