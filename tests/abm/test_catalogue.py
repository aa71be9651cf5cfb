import csv

from abm.policy.catalogue import catalogue
from abm.policy.mechanisms import MECHANISMS
from abm.policy.registry import implemented


def test_shipped_catalogue_matches_the_reference(shared_reference):
    with open(shared_reference / "instruments.csv", encoding="utf-8", newline="") as fh:
        reference = {row["id"]: row for row in csv.DictReader(fh)}
    shipped = catalogue()
    assert list(shipped) == list(reference)
    for key, entry in shipped.items():
        for column, value in vars(entry).items():
            assert reference[key][column] == value, (key, column)


def test_every_catalogue_mechanism_has_a_class():
    assert {e.mechanism for e in catalogue().values()} <= set(MECHANISMS)


def test_implementations_match_their_catalogue_rows():
    for key, cls in implemented().items():
        assert catalogue()[key].mechanism == cls.mechanism
        assert cls.__doc__ and ".txt:L" in cls.__doc__  # cites its seed lines
