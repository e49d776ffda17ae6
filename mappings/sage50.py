"""Sage 50 Cloud records in Odoo and back: a Customer of a scope file as a contact, and a
contact or a Trackline process as the records of an upload."""

import base64
import copy

from .dates import api_datetime
from .fields import TEXT, Entity, Field, Kind, RowError, dig, pop_any_case


def _api_time(moment):
    """A datetime in ISO 8601, UTC (``2026-11-30T10:00:00.000Z``), as the documents' samples
    write them and .NET's JSON reads them; "" for none."""
    return api_datetime(moment) or ""


class CustomerName(Kind):
    """First and last name; else the email; else the id."""

    row_keys = ("firstName", "lastName", "email")

    def read(self, value, key, warn):
        parts = [TEXT.read(value.get(name), name, warn) for name in ("firstName", "lastName")]
        name = " ".join(part for part in parts if part)
        return (name or TEXT.read(value.get("email"), "email", warn)
                or TEXT.read(value.get("id"), "id", warn))


class FirstAddress(Kind):
    """One field of the customer's first address (``addresses`` is a list of objects)."""

    row_keys = ("addresses",)

    def __init__(self, part):
        self.part = part

    def read(self, value, key, warn):
        addresses = dig(value, "addresses")
        if addresses in (None, ""):
            return False
        if not isinstance(addresses, list):
            raise RowError("addresses: expected a list of addresses, got %s"
                           % type(addresses).__name__)
        if not addresses or addresses[0] in (None, {}):
            return False
        if not isinstance(addresses[0], dict):
            raise RowError("addresses: expected an address object")
        return TEXT.read(addresses[0].get(self.part), "addresses.%s" % self.part, warn)


# A customer of a Customers scope file, read into the values of its contact.
CUSTOMER = Entity("customer", [
    Field("name", "", CustomerName()),
    Field("email", "email"),
    Field("vat", "idNumber"),
    Field("street", "", FirstAddress("address1")),
    Field("street2", "", FirstAddress("address2")),
    Field("city", "", FirstAddress("city")),
    Field("zip", "", FirstAddress("postCode")),
    Field("phone", "", FirstAddress("telephone1")),
])


def customer_record(partner, sage_id=None):
    """A contact as Sage 50's Customer data contract."""
    first, _space, last = (partner.name or "").partition(" ")
    address = {"id": "ADDR-%d" % partner.id, "contactName": partner.name,
               "address1": partner.street or "", "address2": partner.street2 or "",
               "city": partner.city or "", "country": partner.country_id.code or "",
               "state": partner.state_id.name or "", "region": "",
               "postCode": partner.zip or "", "telephone1": partner.phone or "",
               "telephone2": partner.mobile or "",
               "timestamp": _api_time(partner.write_date)}
    return {"id": sage_id or partner.ref or "ODOO-%d" % partner.id,
            "idNumber": partner.vat or "", "firstName": first, "lastName": last,
            "email": partner.email or "", "addresses": [address],
            "type": "company" if partner.is_company else "person",
            "currency": partner.company_id.currency_id.name or "", "tax": "",
            "timestamp": _api_time(partner.write_date)}


def _odoo_keys():
    """The keys of a Customer, and of its first address, that Odoo reads into the contact
    (``CUSTOMER``) and so holds as Sage does: what an upload takes from Odoo."""
    customer, address = ["timestamp"], ["timestamp"]
    for field in CUSTOMER.fields:
        if isinstance(field.kind, FirstAddress):
            address.append(field.kind.part)
        else:
            customer.extend(getattr(field.kind, "row_keys", None) or [field.key])
    return tuple(dict.fromkeys(customer)), tuple(dict.fromkeys(address))


# Taken from Odoo in an upload of a customer Sage 50 holds; every other key is Sage's.
CUSTOMER_ODOO_KEYS, ADDRESS_ODOO_KEYS = _odoo_keys()


def customer_over_held(held, record):
    """A contact's Customer (``record``, from ``customer_record``) for a customer Sage 50
    holds (``held``: as the latest Customers file gave it): Sage's customer, unknown keys
    included, with what Odoo reads from Sage (names, email, id number, the first address's
    street, city, postcode and telephone) and the time of this version taken from Odoo.
    What Odoo does not read back (type, currency, tax, the address's id, country, state,
    region, contact name and second telephone, the other addresses) stays as Sage holds
    it: a file that replaces the customer as a whole does not empty it."""
    sent = copy.deepcopy(held)
    for key in CUSTOMER_ODOO_KEYS:
        pop_any_case(sent, key)
        sent[key] = record[key]
    addresses = pop_any_case(sent, "addresses")
    addresses = [copy.deepcopy(a) for a in addresses] if isinstance(addresses, list) else []
    if addresses and isinstance(addresses[0], dict):
        for key in ADDRESS_ODOO_KEYS:
            pop_any_case(addresses[0], key)
            addresses[0][key] = record["addresses"][0][key]
    else:
        addresses = record["addresses"] + addresses[1:]
    sent["addresses"] = addresses
    return sent



def process_record(process):
    """A Trackline process with its metadata and its downloaded documents, as the vendor's
    Trackline -> SAGE flow hands them on."""
    documents = [{"id": document.remote_id, "name": document.name,
                  "type": document.doc_type or "", "mimetype": document.mimetype,
                  "size": document.size, "sha256": document.checksum,
                  "content": base64.b64encode(document.attachment_id.raw).decode()}
                 for document in process.document_ids if document.state == "downloaded"]
    return {"id": process.remote_id, "name": process.name, "status": process.status or "",
            "createdAt": _api_time(process.created_at), "documents": documents}
