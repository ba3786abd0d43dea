"""Compact indexes in flat arrays: TF-IDF over example phrasings, and strings by hash.

Everything lives in flat arrays addressed by integer ids, so the index is small in memory,
quick to unpickle from the cache, and cheap to walk for a message's few words.
"""

from __future__ import annotations

import binascii
import math
from array import array
from collections import defaultdict


def _flatten(groups: list[list[int]], typecode: str = "i") -> tuple[array[int], array[int]]:
    """Lists of ints as one array plus the start of each list (and the end of the last)."""
    flat: array[int] = array(typecode)
    starts: array[int] = array("i", [0])
    for group in groups:
        flat.extend(group)
        starts.append(len(flat))
    return flat, starts


class Index:
    """Feature ids, idf weights, postings, document norms and label centroids."""

    def __init__(
        self, documents: list[frozenset[str]], labels: list[int], label_count: int
    ) -> None:
        self.features: list[str] = sorted(set().union(*documents)) if documents else []
        self.ids: dict[str, int] = {f: k for k, f in enumerate(self.features)}
        total = len(documents)
        frequency = [0] * len(self.features)
        doc_groups: list[list[int]] = []
        for features in documents:
            ids = sorted(self.ids[f] for f in features)
            doc_groups.append(ids)
            for k in ids:
                frequency[k] += 1
        self.idf = array("d", (math.log((total + 1) / (n + 1)) + 1.0 for n in frequency))
        self.unseen = math.log(total + 1) + 1.0
        """The weight of a word no document has."""
        self.norms = array(
            "d", (math.sqrt(sum(self.idf[k] ** 2 for k in g)) or 1.0 for g in doc_groups)
        )
        self.doc_features, self.doc_starts = _flatten(doc_groups)
        posting_groups: list[list[int]] = [[] for _ in self.features]
        centroids: list[dict[int, float]] = [defaultdict(float) for _ in range(label_count)]
        for number, ids in enumerate(doc_groups):
            for k in ids:
                posting_groups[k].append(number)
                centroids[labels[number]][k] += self.idf[k] / self.norms[number]
        self.postings, self.posting_starts = _flatten(posting_groups)
        by_feature: list[list[tuple[int, float]]] = [[] for _ in self.features]
        for label, vector in enumerate(centroids):
            length = math.sqrt(sum(w * w for w in vector.values())) or 1.0
            for k, weight in vector.items():
                by_feature[k].append((label, weight / length))
        self.centroid_labels, self.centroid_starts = _flatten(
            [[lab for lab, _ in g] for g in by_feature]
        )
        self.centroid_weights = array("d", (w for g in by_feature for _, w in g))

    def frequency(self, k: int) -> int:
        """How many documents have feature k."""
        return self.posting_starts[k + 1] - self.posting_starts[k]

    def documents(self, k: int) -> array[int]:
        """The documents that have feature k."""
        return self.postings[self.posting_starts[k] : self.posting_starts[k + 1]]

    def features_of(self, number: int) -> array[int]:
        """The feature ids of one document, sorted."""
        return self.doc_features[self.doc_starts[number] : self.doc_starts[number + 1]]

    def centroid(self, k: int) -> zip[tuple[int, float]]:
        """(label, weight) for every label centroid that has feature k."""
        a, b = self.centroid_starts[k], self.centroid_starts[k + 1]
        return zip(self.centroid_labels[a:b], self.centroid_weights[a:b], strict=True)


def crc(text: str) -> int:
    """A stable 32-bit hash of a string (Python's own hash changes from run to run)."""
    return binascii.crc32(text.encode())


class HashIndex:
    """Strings to integers, in flat arrays that load from the cache far faster than a dict.

    Each string is kept as its 32-bit hash: `get` is exact unless two strings share a
    hash (about one chance in four billion), and `candidates` may also return the values
    of strings that merely share a bucket, which suits lookups that are checked anyway.
    """

    def __init__(self, pairs: list[tuple[str, int]]) -> None:
        bits = max(8, (len(pairs) * 2).bit_length())
        self.mask = (1 << bits) - 1
        buckets: list[list[int]] = [[] for _ in range(self.mask + 1)]
        for number, (key, _) in enumerate(pairs):
            buckets[crc(key) & self.mask].append(number)
        entries, self.starts = _flatten(buckets)
        self.hashes = array("I", (crc(pairs[n][0]) for n in entries))
        self.values = array("i", (pairs[n][1] for n in entries))

    def _bucket(self, code: int) -> range:
        bucket = code & self.mask
        return range(self.starts[bucket], self.starts[bucket + 1])

    def get(self, key: str) -> int | None:
        """The value stored for a string, or None."""
        code = crc(key)
        for at in self._bucket(code):
            if self.hashes[at] == code:
                return self.values[at]
        return None

    def __contains__(self, key: str) -> bool:
        return self.get(key) is not None

    def candidates(self, key: str) -> list[int]:
        """Every value stored for the string, and perhaps some of other strings."""
        return [self.values[at] for at in self._bucket(crc(key))]
