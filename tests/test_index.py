"""The hashed string index: exact lookups from flat arrays."""

from __future__ import annotations

import pickle

from hypothesis import given
from hypothesis import strategies as st

from advisor.index import HashIndex


@given(st.lists(st.text(min_size=1, max_size=12), unique=True, max_size=300), st.text(max_size=12))
def test_every_stored_string_is_found_and_others_are_not(keys: list[str], other: str) -> None:
    index = pickle.loads(pickle.dumps(HashIndex([(k, n) for n, k in enumerate(keys)])))
    for n, key in enumerate(keys):
        assert index.get(key) == n and key in index and n in index.candidates(key)
    if other not in keys:
        assert index.get(other) is None


def test_several_values_for_one_string_are_all_candidates() -> None:
    index = HashIndex([("me", 1), ("me", 7), ("hit", 3)])
    assert {1, 7} <= set(index.candidates("me"))
    assert 3 in index.candidates("hit")
