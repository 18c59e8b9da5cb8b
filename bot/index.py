"""The BM25 indexes paragraphs are ranked with, over the tokens bot/tokens.py cuts.

Ranking is Okapi BM25 with Lucene's IDF (see bot/reference.py) behind one small
interface, `BM25Index`, so the engine never reads a library's internals:

- `RankBM25Index` is rank-bm25 itself: the reference every other index must rank
  exactly as (tests/test_index.py).
- `SparseIndex` is the same arithmetic done once at build time: each term's BM25
  weight in each paragraph is precomputed into a column of a sparse matrix
  (compressed by term), so a question costs the postings of its few terms rather
  than a Python loop over every paragraph for each term, and it is saved as plain
  .npy files that load memory-mapped, without cutting the corpus again.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, Self

import numpy as np

from bot.text import arabic_numerals

_CJK_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")

MAX_QUERY_TERMS = 64  # distinct terms of a question that are ranked; a pasted page costs no more than this


def lucene_idf(n_docs: int, df: np.ndarray) -> np.ndarray:
    return np.log(1 + (n_docs - df + 0.5) / (df + 0.5))


def query_terms(tokens: Iterable[str]) -> list[tuple[str, int]]:
    """A question's terms with their counts, in order of first use, at most MAX_QUERY_TERMS of them.

    A repeated word weighs as often as it is repeated (as rank-bm25 scores it), but is
    looked up once.
    """
    counts = Counter(tokens)
    return list(counts.items())[:MAX_QUERY_TERMS]


class BM25Index(Protocol):
    """What the engine asks of an index; `meta` names the corpus and lexicon that built it."""

    meta: dict[str, Any]

    @property
    def size(self) -> int:
        """The number of documents."""
        ...

    def idf(self, token: str) -> float:
        """0 for a token no document holds."""
        ...

    def terms(self) -> Iterable[str]:
        """Every token some document holds (for spelling suggestions)."""
        ...

    def scores(self, tokens: Sequence[str], mask: np.ndarray | None = None) -> np.ndarray:
        """BM25 of every document (0 outside `mask`, a boolean array over documents)."""
        ...

    def contains(self, doc: int, token: str) -> bool:
        ...

    def docs_with(self, token: str) -> np.ndarray:
        """The sorted ids of the documents holding `token`."""
        ...

    def save(self, directory: Path) -> None:
        ...

    @classmethod
    def load(cls, directory: Path) -> Self:
        ...


class RankBM25Index:
    """rank-bm25 (with Lucene's IDF unless `okapi`): the reference implementation.

    Each question term is scored by a Python loop over every document, so it suits
    small corpora and tests; `SparseIndex` must rank exactly as this does.
    """

    def __init__(self, docs: list[list[str]], k1: float = 1.2, b: float = 0.75, okapi: bool = False,
                 meta: dict[str, Any] | None = None):
        from bot.reference import BM25Okapi, MonotoneBM25  # not at start-up: rank-bm25 brings multiprocessing

        self.docs = docs
        self.bm25 = (BM25Okapi if okapi else MonotoneBM25)(docs, k1=k1, b=b)
        self.doc_sets = [set(d) for d in docs]
        self.meta = {**(meta or {}), "k1": k1, "b": b, "okapi": okapi}

    @property
    def size(self) -> int:
        return len(self.docs)

    def idf(self, token: str) -> float:
        return self.bm25.idf.get(token, 0.0)

    def terms(self) -> Iterable[str]:
        return self.bm25.idf.keys()

    def scores(self, tokens: Sequence[str], mask: np.ndarray | None = None) -> np.ndarray:
        query = [t for t, n in query_terms(tokens) for _ in range(n)]
        out = self.bm25.get_scores(query) if query else np.zeros(self.size)
        return out if mask is None else np.where(mask, out, 0.0)

    def contains(self, doc: int, token: str) -> bool:
        return token in self.doc_sets[doc]

    def docs_with(self, token: str) -> np.ndarray:
        return np.array([i for i, s in enumerate(self.doc_sets) if token in s], dtype=np.int64)

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        (directory / "docs.json").write_text(json.dumps(self.docs, ensure_ascii=False), encoding="utf-8")
        (directory / "meta.json").write_text(json.dumps(self.meta, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path) -> Self:
        meta = json.loads((directory / "meta.json").read_text(encoding="utf-8"))
        docs = json.loads((directory / "docs.json").read_text(encoding="utf-8"))
        return cls(docs, meta["k1"], meta["b"], meta["okapi"], meta)


_ARRAYS = ("idf", "indptr", "docs", "weights", "tf", "lengths")
_SLICE = 1 << 22


class SparseIndex:
    """BM25 as a term-by-document sparse matrix of precomputed weights (compressed by term).

    Column t holds, for each document d containing t, rank-bm25's term score
    idf(t) · tf·(k1+1) / (tf + k1·(1 − b + b·len(d)/avgdl)), so a question's score is
    the sum of its terms' columns (times their counts): work in proportion to the
    postings of its terms, none per paragraph. `contains` is a binary search in one column.
    """

    def __init__(self, vocab: list[str], idf: np.ndarray, indptr: np.ndarray, docs: np.ndarray,
                 weights: np.ndarray, meta: dict[str, Any], tf: np.ndarray, lengths: np.ndarray):
        """`tf` (each posting's term frequency) and `lengths` (each document's token count) are kept so that
        `extend` can weigh every posting again without cutting the old documents."""
        self.vocab = vocab
        self.ids = {t: i for i, t in enumerate(vocab)}
        self._idf, self.indptr, self.docs, self.weights = idf, indptr, docs, weights
        self.tf, self.lengths = tf, lengths
        self.meta = meta

    @classmethod
    def build(cls, docs: Iterable[Sequence[str]], k1: float = 1.2, b: float = 0.75,
              meta: dict[str, Any] | None = None) -> SparseIndex:
        """One pass over the token lists (which may be a generator: none is kept)."""
        ids: dict[str, int] = {}
        term, tf, lengths, distinct = _postings(docs, ids)
        df = np.bincount(term, minlength=len(ids))
        order = np.argsort(term, kind="stable")  # by term; documents stay ascending within a term
        del term  # each array is dropped once used: at a million paragraphs each is hundreds of megabytes
        doc = np.repeat(np.arange(len(lengths), dtype=np.int32), distinct)[order]
        del distinct
        tf = tf[order]
        del order
        return cls._weighed(list(ids), df, doc, tf, lengths, k1, b, meta)

    def extend(self, docs: Iterable[Sequence[str]], meta: dict[str, Any] | None = None) -> SparseIndex:
        """This index with `docs` added after its own: exactly what `build` gives over all of them, array for array.

        Only the new documents are cut and counted. Their ids are all larger, so each term's new
        postings go after its old ones; a new term gets the next id, in order of first use, as a
        build over everything numbers it. Then document frequencies, IDF, the average length and
        every weight are computed again (they all depend on the number of documents), by the same
        expression as `build`: the arrays are equal bit for bit, so rankings are too.
        """
        k1, b = float(self.meta["k1"]), float(self.meta["b"])
        ids = dict(self.ids)
        old_terms, old_docs = len(self.vocab), self.size
        term, tf, lengths, distinct = _postings(docs, ids)
        new_df = np.bincount(term, minlength=len(ids))
        old_df = np.zeros(len(ids), dtype=np.int64)
        old_df[:old_terms] = np.diff(self.indptr)
        df = old_df + new_df
        indptr = np.zeros(len(ids) + 1, dtype=np.int64)
        np.cumsum(df, out=indptr[1:])
        nnz, old_nnz = int(indptr[-1]), len(self.docs)
        # Where each posting goes: an old one moves up by the new postings of the terms before its own;
        # a new one follows its term's old postings, in document order (a stable sort by term keeps it).
        shift = (indptr[:old_terms] - self.indptr[:old_terms]).astype(np.int64)
        at_old = np.arange(old_nnz, dtype=np.int64) + np.repeat(shift, old_df[:old_terms])
        order = np.argsort(term, kind="stable")
        new_term = term[order]
        first_new = indptr[:-1] + old_df  # where each term's new postings start
        rank = np.arange(len(term), dtype=np.int64) - np.repeat(np.cumsum(new_df) - new_df, new_df)
        at_new = first_new[new_term] + rank
        doc = np.empty(nnz, dtype=np.int32)
        freq = np.empty(nnz, dtype=np.int32)
        doc[at_old], freq[at_old] = self.docs, self.tf
        del at_old
        new_doc = np.repeat(np.arange(old_docs, old_docs + len(lengths), dtype=np.int32), distinct)
        doc[at_new], freq[at_new] = new_doc[order], tf[order]
        del at_new, new_doc, order
        all_lengths = np.concatenate([np.asarray(self.lengths, dtype=np.int64), lengths])
        vocab = self.vocab + list(ids)[old_terms:]
        return self._weighed(vocab, df, doc, freq, all_lengths, k1, b, self.meta if meta is None else meta)

    @classmethod
    def _weighed(cls, vocab: list[str], df: np.ndarray, doc: np.ndarray, tf: np.ndarray, lengths: np.ndarray,
                 k1: float, b: float, meta: dict[str, Any] | None) -> SparseIndex:
        """The index over postings sorted by term (then document): IDF and every BM25 weight computed."""
        n_docs, nnz = len(lengths), len(doc)
        indptr = np.zeros(len(vocab) + 1, dtype=np.int64)
        np.cumsum(df, out=indptr[1:])
        idf = lucene_idf(n_docs, df.astype(np.float64))
        term = np.repeat(np.arange(len(vocab), dtype=np.int32), df)
        avgdl = int(lengths.sum()) / max(n_docs, 1)
        # The same expression, in the same order, as rank-bm25's get_scores (in slices, to bound memory).
        norm = k1 * (1 - b + b * lengths / avgdl)
        weights = np.empty(nnz)
        for s in range(0, nnz, _SLICE):
            f = tf[s:s + _SLICE].astype(np.float64)
            weights[s:s + _SLICE] = idf[term[s:s + _SLICE]] * (f * (k1 + 1) / (f + norm[doc[s:s + _SLICE]]))
        return cls(vocab, idf, indptr, doc, weights, {**(meta or {}), "k1": k1, "b": b, "docs": n_docs}, tf, lengths)

    @property
    def size(self) -> int:
        return int(self.meta["docs"])

    def _column(self, token: str) -> tuple[int, int]:
        i = self.ids.get(token)
        return (0, 0) if i is None else (int(self.indptr[i]), int(self.indptr[i + 1]))

    def idf(self, token: str) -> float:
        i = self.ids.get(token)
        return 0.0 if i is None else float(self._idf[i])

    def terms(self) -> Iterable[str]:
        return self.vocab

    def scores(self, tokens: Sequence[str], mask: np.ndarray | None = None) -> np.ndarray:
        """The terms' columns summed by one `bincount`, term by term in order, as rank-bm25 adds them."""
        columns = [(*self._column(token), count) for token, count in query_terms(tokens)]
        columns = [c for c in columns if c[0] < c[1]]
        if not columns:
            return np.zeros(self.size)
        docs = np.concatenate([self.docs[start:end] for start, end, _ in columns])
        weights = np.concatenate([self.weights[start:end] * count if count > 1 else self.weights[start:end]
                                  for start, end, count in columns])
        out = np.bincount(docs, weights=weights, minlength=self.size)
        return out if mask is None else np.where(mask, out, 0.0)

    def contains(self, doc: int, token: str) -> bool:
        start, end = self._column(token)
        at = start + int(np.searchsorted(self.docs[start:end], doc))
        return at < end and int(self.docs[at]) == doc

    def docs_with(self, token: str) -> np.ndarray:
        start, end = self._column(token)
        return np.asarray(self.docs[start:end])

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        # A term's count in one paragraph fits 16 bits (unless a paragraph repeats a word 65,536 times).
        tf = self.tf.astype(np.uint16) if len(self.tf) and int(self.tf.max()) <= 0xFFFF else self.tf
        arrays = {"idf": self._idf, "indptr": self.indptr, "docs": self.docs, "weights": self.weights,
                  "tf": tf, "lengths": self.lengths}
        for name, values in arrays.items():
            np.save(directory / f"{name}.npy", values, allow_pickle=False)
        (directory / "vocab.json").write_text(json.dumps(self.vocab, ensure_ascii=False), encoding="utf-8")
        (directory / "meta.json").write_text(json.dumps(self.meta, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path) -> SparseIndex:
        """Memory-mapped: pages of the matrix are read as questions touch them."""
        meta = json.loads((directory / "meta.json").read_text(encoding="utf-8"))
        vocab = json.loads((directory / "vocab.json").read_text(encoding="utf-8"))
        # Plain arrays over the mapped memory: numpy's memmap subclass costs more per slice than the slice itself.
        idf, indptr, docs, weights, tf, lengths = (
            np.asarray(np.load(directory / f"{n}.npy", mmap_mode="r", allow_pickle=False)) for n in _ARRAYS)
        index = cls(vocab, idf, indptr, docs, weights, meta, tf, lengths)
        index.check()
        return index

    def check(self) -> None:
        """Shapes that must agree, so a damaged file is refused rather than read wrong."""
        v, nnz = len(self.vocab), len(self.docs)
        if not (len(self._idf) == v and len(self.indptr) == v + 1 and len(self.weights) == nnz
                and len(self.tf) == nnz and len(self.lengths) == self.size
                and int(self.indptr[0]) == 0 and int(self.indptr[-1]) == nnz):
            raise ValueError("index arrays do not agree in size")


def _postings(docs: Iterable[Sequence[str]], ids: dict[str, int]) -> tuple[np.ndarray, ...]:
    """Each document's distinct terms (new ones numbered after those `ids` holds, in order of first use)
    with their counts, document after document; each document's length and number of distinct terms."""
    terms, tfs, lengths, distinct = array("i"), array("i"), array("q"), array("i")
    for tokens in docs:
        counts = Counter(tokens)
        terms.extend(ids.setdefault(t, len(ids)) for t in counts)
        tfs.extend(counts.values())
        lengths.append(len(tokens))
        distinct.append(len(counts))
    return (np.frombuffer(terms, dtype=np.int32), np.frombuffer(tfs, dtype=np.int32),
            np.frombuffer(lengths, dtype=np.int64), np.frombuffer(distinct, dtype=np.int32))


@dataclass
class Scored:
    doc: int
    score: float


def top(scores: np.ndarray, k: int = 10) -> list[Scored]:
    """The k best positive scores, best first, ties in document order (as a stable sort gives).

    `argpartition` finds the k-th best without sorting every paragraph; only the few
    that reach it are sorted.
    """
    candidates = np.flatnonzero(scores > 0)
    if len(candidates) > k:
        kth = np.partition(scores[candidates], len(candidates) - k)[len(candidates) - k]
        candidates = candidates[scores[candidates] >= kth]
    order = np.lexsort((candidates, -scores[candidates]))[:k]
    return [Scored(int(d), float(scores[d])) for d in candidates[order]]


def bigrams(text: str) -> list[str]:
    """Overlapping character pairs of each run of Chinese characters, and each number whole.

    The pairs match where the question and the paragraph were cut into different
    words (「每年产多少生鲜乳」 against 「年产生鲜乳」). The numbers keep two reports of
    one sentence apart by their figures: without them the pairs, blind to digits,
    outweighed the one token that told 「…1732名」 from 「…1690名」.
    """
    text = arabic_numerals(text)
    pairs = [run[i:i + 2] for run in _CJK_RUN.findall(text) for i in range(len(run) - 1)]
    return pairs + _NUMBER.findall(text)


INDEX_FORMAT = 3  # bumped when what an index holds changes (2: numbers in the pair index; 3: tf and lengths kept)
log = logging.getLogger(__name__)


def texts_hash(texts: Iterable[str]) -> str:
    """Identifies the indexed text exactly: an index of other text is stale."""
    digest = hashlib.sha256()
    for text in texts:
        digest.update(text.encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def file_hash(path: Path) -> str:
    """Identifies a corpus file's content; cheaper than hashing the text made from it."""
    return bytes_hash(path.read_bytes())


def bytes_hash(data: bytes) -> str:
    """`file_hash` of a file holding `data`."""
    return hashlib.blake2b(data, digest_size=8).hexdigest()


class IndexStore:
    """Indexes saved under one directory, each in a subdirectory named by what built it.

    The key names the corpus text, the lexicon (dictionary, stop words, cutting mode)
    and the BM25 parameters; an index built from anything else is never used. A build
    is written to a temporary directory and renamed into place, so a build killed
    half-way leaves the previous index as it was. Anything missing, mismatched,
    truncated or unreadable is reported in one log line and rebuilt by the caller.
    """

    def __init__(self, root: Path):
        self.root = root

    @staticmethod
    def name(key: dict[str, Any]) -> str:
        return hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()[:16]

    def load(self, key: dict[str, Any], parts: Sequence[str], quiet: bool = False) -> dict[str, SparseIndex] | None:
        """The saved index of `key`; None (said in one log line unless `quiet`) when there is none to use."""
        where = self.root / self.name(key)
        if not where.is_dir():
            if quiet:
                return None
            stale = self.root.is_dir() and any(p.is_dir() and not p.name.startswith(".") for p in self.root.iterdir())
            log.warning("search index in %s %s: building it (python -m bot build does this ahead of time)", self.root,
                        "was built from another corpus or lexicon" if stale else "is missing")
            return None
        try:
            meta = json.loads((where / "meta.json").read_text(encoding="utf-8"))
            if meta.get("key") != key:
                raise ValueError("its metadata names another corpus or lexicon")
            for path, size in meta["sizes"].items():
                if (where / path).stat().st_size != size:
                    raise ValueError(f"{path} is {(where / path).stat().st_size} bytes, not {size}")
            return {part: SparseIndex.load(where / part) for part in parts}
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as err:
            log.warning("search index in %s is unreadable (%s): rebuilding it", where, err)
            return None

    def build(self, key: dict[str, Any], builders: dict[str, Callable[[], SparseIndex]]) -> dict[str, SparseIndex]:
        """Build and save each part in turn, then load them all memory-mapped: one part in memory at a time."""
        saved = self.save(key, builders)
        if saved is None:
            return {part: build() for part, build in builders.items()}
        return {part: SparseIndex.load(saved / part) for part in builders}

    def save(self, key: dict[str, Any], builders: dict[str, Callable[[], SparseIndex]]) -> Path | None:
        """Write, then rename into place; older indexes of another corpus are removed. None if not writable."""
        where = self.root / self.name(key)
        tmp = self.root / f".tmp-{os.getpid()}-{where.name}"
        try:
            shutil.rmtree(tmp, ignore_errors=True)
            for part, build in builders.items():
                build().save(tmp / part)
            sizes = {str(p.relative_to(tmp)): p.stat().st_size for p in sorted(tmp.rglob("*")) if p.is_file()}
            (tmp / "meta.json").write_text(json.dumps({"key": key, "sizes": sizes}, ensure_ascii=False, indent=1),
                                           encoding="utf-8")
            shutil.rmtree(where, ignore_errors=True)  # a damaged index of the same key
            os.rename(tmp, where)
        except OSError as err:
            shutil.rmtree(tmp, ignore_errors=True)
            log.warning("search index could not be saved in %s (%s): kept in memory only", self.root, err)
            return None
        self._prune(key)
        return where

    def _prune(self, key: dict[str, Any]) -> None:
        """Remove indexes of an older corpus text (those of other lexicons or options stay)."""
        for other in self.root.iterdir():
            if other.name == self.name(key) or not other.is_dir():
                continue
            if other.name.startswith(".tmp-"):  # left by a killed build, unless that build still runs
                if not _alive(other.name.split("-")[1]):
                    shutil.rmtree(other, ignore_errors=True)
                continue
            try:
                old = json.loads((other / "meta.json").read_text(encoding="utf-8"))["key"]
            except (OSError, ValueError, KeyError, TypeError):
                old = None
            if not isinstance(old, dict) or old.get("corpus") != key["corpus"]:
                shutil.rmtree(other, ignore_errors=True)


def _alive(pid: str) -> bool:
    """Whether another build (by process id) may still be writing its temporary directory."""
    try:
        os.kill(int(pid), 0)
    except (ValueError, OSError, OverflowError):
        return False
    return True
