"""Finding tasks that describe the same work (trùng lặp nhiệm vụ), by similarity of their folded text.

Text. We compare `Task.folded_text` (title and product, lower-case, without diacritics), so "Cổng dịch vụ
công" and "cong dich vu cong" are the same words. A Vietnamese word is one or more syllables separated by
spaces, so single syllables say little ("công" is public, gate or work); pairs of adjacent syllables
("shingles": "cong dich", "dich vu", "vu cong") carry the words and their order.

Stop words, kept short on purpose because folding merges syllables that differ only by their tones:
- the two-syllable verbs every plan starts its tasks with — xây dựng, thực hiện, triển khai, hoàn thiện,
  tăng cường, đẩy mạnh — are removed as whole phrases, not syllable by syllable: "dung" alone would also
  remove the "dụng" of "ứng dụng" (application) and "sử dụng", "hien" the "hiện" of "hiện đại hóa", and
  "khai" the "khai" of "công khai" and "khai thác";
- function syllables: của, và, các, những, cho, trong, với, theo, về, đến, trên, được, nhằm, một, này, là.
  "mot cua" is kept as one token first: "một cửa" (the one-stop office) folds to the same syllables as
  "một của". Syllables such as "tai" (tại/tài), "de" (để/đề án) and "tu" (từ/điện tử) are not stop words:
  their other readings are the words e-government plans are made of.

Score. TF-IDF cosine over the shingle sets: a shingle that many tasks share ("dich vu", "vu cong") weighs
less than a rare one ("tap trung", "mang lan"), so two tasks are close when they share their distinctive
words. Weights are idf = ln((1 + N) / (1 + df)) + 1 over the tasks compared (N of them).

Scale. Candidate pairs come from an inverted index (shingle → tasks): a task is only compared with the
tasks that share one of its shingles, never with all of them. Shingles shared by more than `max_df` tasks
(2% of the corpus, at least 50) are too common to propose a pair on their own, so they are not followed in
the index — but every task still follows its three rarest shingles, so verbatim copies are found — and they
still count in the score of the pairs found.

Threshold. `DEFAULT_THRESHOLD` = 0.5, chosen from tests/test_overlap.py and the demo plans: the same work
written by two bodies scores 0.55–0.80 on the test corpus (0.70–0.84 on the demo plans), different work that
shares common words ("dịch vụ công trực tuyến", "Kiến trúc … điện tử phiên bản 2.0") at most 0.42 (0.37).
Rewordings that share few syllables ("Hệ thống thông tin một cửa điện tử" / "hệ thống một cửa điện tử liên
thông", 0.43) are missed at 0.5; the same work at two scopes ("hạ tầng mạng LAN" / "mạng diện rộng", 0.57)
is shown for the committee to dismiss. Settings may override it with `PLANS_OVERLAP_THRESHOLD`.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import pairwise

from django.conf import settings

from egov.core.text import fold

DEFAULT_THRESHOLD = 0.5
STOP_PHRASES = frozenset({"xay dung", "thuc hien", "trien khai", "hoan thien", "tang cuong", "day manh"})
STOP_SYLLABLES = frozenset(
    {"cua", "va", "cac", "nhung", "cho", "trong", "voi", "theo", "ve", "den", "tren", "duoc", "nham", "mot", "nay",
     "la"}
)  # fmt: skip
PROTECTED = {"mot cua": "mot_cua"}
MIN_FOLLOWED = 3
_WORD = re.compile(r"[0-9a-z]+")


def threshold() -> float:
    return float(getattr(settings, "PLANS_OVERLAP_THRESHOLD", DEFAULT_THRESHOLD))


def tokens(text: str) -> list[str]:
    """The syllables that matter, in order (text is folded here too, so raw titles work as well)."""
    words = _WORD.findall(fold(text))
    out: list[str] = []
    i = 0
    while i < len(words):
        pair = f"{words[i]} {words[i + 1]}" if i + 1 < len(words) else ""
        if pair in PROTECTED:
            out.append(PROTECTED[pair])
            i += 2
        elif pair in STOP_PHRASES:
            i += 2
        else:
            if words[i] not in STOP_SYLLABLES:
                out.append(words[i])
            i += 1
    return out


def shingles(text: str) -> frozenset[str]:
    """Adjacent syllable pairs; a text of one meaningful syllable is its own shingle."""
    words = tokens(text)
    if len(words) < 2:
        return frozenset(words)
    return frozenset(f"{a} {b}" for a, b in pairwise(words))


@dataclass(frozen=True)
class Pair:
    a: int  # the smaller id
    b: int
    score: float


@dataclass
class ShingleIndex:
    """Shingles of a corpus of tasks (id → text), their weights and the inverted index."""

    docs: dict[int, frozenset[str]]
    postings: dict[str, list[int]] = field(default_factory=dict)
    idf: dict[str, float] = field(default_factory=dict)
    norms: dict[int, float] = field(default_factory=dict)
    compared: int = 0  # pairs scored by the last `pairs` call (for tests and curiosity)

    @classmethod
    def build(cls, texts: Mapping[int, str]) -> ShingleIndex:
        index = cls(docs={pk: shingles(text) for pk, text in texts.items()})
        postings: dict[str, list[int]] = defaultdict(list)
        for pk, grams in index.docs.items():
            for gram in grams:
                postings[gram].append(pk)
        n = len(index.docs)
        index.postings = dict(postings)
        index.idf = {gram: math.log((1 + n) / (1 + len(ids))) + 1 for gram, ids in postings.items()}
        index.norms = {
            pk: math.sqrt(sum(index.idf[g] ** 2 for g in grams)) for pk, grams in index.docs.items() if grams
        }
        return index

    def max_df(self) -> int:
        return max(50, len(self.docs) // 50)

    def similarity(self, a: int, b: int) -> float:
        shared = self.docs[a] & self.docs[b]
        if not shared:
            return 0.0
        dot = sum(self.idf[g] ** 2 for g in shared)
        return min(1.0, dot / (self.norms[a] * self.norms[b]))

    def _followed(self, pk: int, limit: int) -> list[str]:
        grams = sorted(self.docs[pk], key=lambda g: (len(self.postings[g]), g))
        return [g for i, g in enumerate(grams) if i < MIN_FOLLOWED or len(self.postings[g]) <= limit]

    def pairs(self, *, min_score: float, scope: Iterable[int] | None = None) -> list[Pair]:
        """Pairs scoring at least `min_score` with at least one task in `scope` (all tasks when None)."""
        inside = set(self.docs) if scope is None else {pk for pk in scope if pk in self.docs}
        limit = self.max_df()
        seen: set[tuple[int, int]] = set()
        found: list[Pair] = []
        self.compared = 0
        for a in sorted(inside):
            if a not in self.norms:
                continue
            others: set[int] = set()
            for gram in self._followed(a, limit):
                others.update(self.postings[gram])
            for b in others:
                # A pair of two tasks in scope is met from both ends: score it once.
                key = (a, b) if a < b else (b, a)
                if b == a or key in seen:
                    continue
                seen.add(key)
                self.compared += 1
                score = self.similarity(a, b)
                if score >= min_score:
                    found.append(Pair(key[0], key[1], round(score, 4)))
        return sorted(found, key=lambda p: (-p.score, p.a, p.b))
