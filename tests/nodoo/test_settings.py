"""mappings/settings.py and clients/base.py: batches: the small shared helpers."""

from clients.base import batches
from mappings.settings import comma_list, path_names_only


def test_comma_list():
    assert comma_list(" Error, Rejected,,Failed , ") == ["Error", "Rejected", "Failed"]
    assert comma_list("a,a") == ["a", "a"], "order and repeats kept"
    assert comma_list(None) == comma_list(False) == comma_list("") == comma_list(" , ") == []


def test_batches():
    assert list(batches(list(range(5)), 2)) == [[0, 1], [2, 3], [4]]
    assert list(batches([], 50)) == []
    assert [len(batch) for batch in batches(list(range(101)), 50)] == [50, 50, 1]


def test_path_names_only():
    assert path_names_only("{resource}/result", "resource", "message_id")
    assert path_names_only("{resource}/result/{message_id}", "resource", "message_id")
    assert path_names_only("api/apikey", "developer_id", "application_id")
    assert not path_names_only("{resource}/result/{id}", "resource", "message_id")
    assert not path_names_only("{resource}/{0}", "resource")
    assert not path_names_only("{resource/result", "resource")
