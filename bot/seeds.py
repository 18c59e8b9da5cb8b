"""Adding an article to seeds/ and taking one out: `python -m bot add|remove` and the Telegram admin path.

The week's new page arrives as a file or a paste, in UTF-8 or (often, from
Chinese sites and Windows editors) GBK. It is checked before anything is
written — text, not too large, not an article already in seeds/, at least one
article with a title and text — then the corpus is built in memory with it,
so the preview (`--dry-run`, the Telegram preview) shows exactly what the
build will do: each article's title, paragraphs, figures and park, placed or
newly registered. The build reads only the new seed and appends to corpus/
when that gives what a full build would (bot/incremental.py), else it is the
full build (`ingest.plan_build`); `remove` is always the full build. Only then
are the seed and the corpus written, the seed first; if writing the corpus
fails the seed is taken back, so seeds/ and corpus/ never disagree.

Seeds are named `NNN_<hash>.txt`: NNN the next three-digit number (the prefix of
the article ids, 005-1, 005-2 …), the hash the first 16 hex digits of the
SHA-256 of the stored text. They are stored as received, converted to UTF-8.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from bot.discover import FOUND_FILE, Found
from bot.incremental import plan_add
from bot.ingest import (
    Article,
    Build,
    SeedError,
    load_articles,
    parse_page,
    plan_build,
    read_seed,
    seed_paths,
    seed_prefix,
)
from bot.parks import ParksFileError
from bot.progress import Steps, silent
from bot.stats import load_facts

MAX_BYTES = 1_000_000  # a news article is tens of kilobytes; a megabyte is a whole site pasted by mistake
MIN_CJK = 20  # Chinese characters a text must hold to be an article for this bot
_CJK = re.compile(r"[\u4e00-\u9fff]")
_ID = re.compile(r"^(\d{1,6})(?:-(\d{1,3}))?$")


class AddError(ValueError):
    """Why an input cannot be added (or an article removed); `name` is the file or the id, `problem` a key
    bot/render.py words, `detail` what it needs (a byte offset, an existing seed, candidate parks)."""

    def __init__(self, name: str, problem: str, detail: str = ""):
        super().__init__(f"{name}: {problem} {detail}".strip())
        self.name, self.problem, self.detail = name, problem, detail


@dataclass
class Incoming:
    """One input, decoded: its display name, the text, and the encoding it came in when not UTF-8."""

    name: str
    text: str
    converted: str = ""  # "GB18030" when the bytes were converted


@dataclass
class Summary:
    """What the build made of one article: what the preview and the confirmation show."""

    article_id: str
    title: str
    paragraphs: int
    figures: int
    park: str  # "" when no park fits
    registered: bool  # the park is new: found in this article's title, or named with --park
    date: str = ""
    source: str = ""
    byline: str = ""


@dataclass
class Change:
    """An add or a remove, planned (and written unless it was a dry run)."""

    seeds: list[str]  # the seed files added or removed
    articles: list[Summary]
    converted: dict[str, str] = field(default_factory=dict)  # input name → the encoding it was converted from
    unplaced: list[str] = field(default_factory=list)
    written: bool = False
    build: Build | None = field(default=None, repr=False)
    adding: bool = True  # False for a remove
    # "incremental": only the new seeds were read and the index is extended (bot/incremental.py); otherwise
    # why everything was built again ("new_park", "changed", "unrecorded", "order"; "remove" for a remove).
    how: str = "incremental"


def decode(name: str, data: bytes) -> Incoming:
    """Bytes → text: UTF-8 (with or without BOM), UTF-16 with a BOM, else GB18030 (a superset of GBK)."""
    if not data.strip():
        raise AddError(name, "empty")
    if len(data) > MAX_BYTES:
        raise AddError(name, "too_big", str(len(data)))
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return _text(name, data.decode("utf-16"), "UTF-16")
        except UnicodeDecodeError:
            raise AddError(name, "binary") from None
    if b"\x00" in data:
        raise AddError(name, "binary")
    try:
        return _text(name, data.decode("utf-8-sig"), "")
    except UnicodeDecodeError as err:
        utf8_error = err.start
    try:
        return _text(name, data.decode("gb18030"), "GB18030")
    except UnicodeDecodeError:
        raise AddError(name, "encoding", str(utf8_error)) from None


def _text(name: str, text: str, converted: str) -> Incoming:
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\r\n\t")
    if controls > max(8, len(text) // 100):
        raise AddError(name, "binary")
    if len(_CJK.findall(text)) < MIN_CJK:
        raise AddError(name, "not_chinese")
    return Incoming(name, text.replace("\r\n", "\n"), converted)


def seed_name(number: int, text: str) -> str:
    return f"{number:03d}_{hashlib.sha256(text.encode('utf-8')).hexdigest()[:16]}.txt"


def _next_number(seeds_dir: Path) -> int:
    numbers = [int(p) for p in (seed_prefix(path) for path in seed_paths(seeds_dir)) if p.isdigit()]
    return max(numbers, default=-1) + 1


def _summaries(build: Build, seeds: set[str], new_parks: set[str]) -> list[Summary]:
    figures: dict[str, int] = {}
    for fact in build.extracted:  # the new articles' figures are among them
        figures[fact.article_id] = figures.get(fact.article_id, 0) + 1
    return [Summary(a.article_id, a.title, len(a.paragraphs), figures.get(a.article_id, 0), a.park,
                    a.park in new_parks, a.date, a.source, a.byline)
            for a in build.articles if a.seed in seeds]


def _same(a: Article, b: Article) -> bool:
    return [p.text for p in a.paragraphs] == [p.text for p in b.paragraphs]


def add(seeds_dir: Path, corpus_dir: Path, inputs: list[tuple[str, bytes]], park: str | None = None,
        dry_run: bool = False, steps: Steps = silent) -> Change:
    """Check, preview and (unless `dry_run`) store the inputs as new seeds and rebuild corpus/.

    Every input must pass, or nothing is written: the first problem is raised as AddError
    (or SeedError/ParksFileError from the build), naming the input.
    """
    incoming = [decode(name, data) for name, data in inputs]
    number = _next_number(seeds_dir)
    existing = {hashlib.sha256(p.read_bytes()).hexdigest(): p.name for p in seed_paths(seeds_dir)}
    extra: dict[str, str] = {}
    names: dict[str, str] = {}  # seed name → input name
    parsed: dict[str, list[Article]] = {}  # seed name → its articles, parsed alone
    for item in incoming:
        digest = hashlib.sha256(item.text.encode("utf-8")).hexdigest()
        if digest in existing:
            raise AddError(item.name, "duplicate", existing[digest])
        name = seed_name(number, item.text)
        parsed[name] = parse_page(item.text, name, f"{number:03d}")
        if not parsed[name]:
            raise AddError(item.name, "nothing")
        existing[digest] = name
        extra[name], names[name] = item.text, item.name
        number += 1
    placements = {}
    if park:
        placements = {a.article_id: park for name, text in extra.items()
                      for a in parse_page(text, name, seed_prefix(Path(name)))}
    before = {p.name for p in Found.read(corpus_dir).parks}
    build, why = plan_add(seeds_dir, corpus_dir, extra, placements, steps)  # only the new seeds, when that is exact
    if build is None:
        build = plan_build(seeds_dir, corpus_dir, steps, extra=extra, placements=placements)
        build.how = why
    new = [a for a in build.articles if a.seed in extra]
    for article in (a for articles in parsed.values() for a in articles):
        # Compared with the articles already there (the build itself drops a repeat with a note).
        twin = next((old for old in build.articles if old.seed not in extra and _same(article, old)), None)
        if twin is not None:
            raise AddError(names[article.seed], "duplicate", f"{twin.article_id} {twin.seed}")
    for article in new:
        if park and not article.park:
            res = build.registry.resolve(park, typos=False)
            raise AddError(park, "park_ambiguous", "、".join(res.candidates))
    found_now = {p.name for p in Found.read_text(build.outputs[FOUND_FILE]).parks}
    change = Change(list(extra), _summaries(build, set(extra), found_now - before),
                    converted={names[n]: i.converted for n, i in zip(extra, incoming, strict=True) if i.converted},
                    unplaced=[a.article_id for a in new if not a.park], build=build, how=build.how)
    if dry_run:
        return change
    written: list[Path] = []
    try:
        for name, text in extra.items():
            tmp = seeds_dir / f".{name}.tmp"
            tmp.write_text(text, encoding="utf-8")
            os.replace(tmp, seeds_dir / name)
            written.append(seeds_dir / name)
        build.write(corpus_dir)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    change.written = True
    return change


def remove(seeds_dir: Path, corpus_dir: Path, target: str, dry_run: bool = False) -> Change:
    """Take out an article (`005-1`, when it is its seed's only article) or a whole seed (`005`), and rebuild."""
    match = _ID.match(target.strip())
    if not match:
        raise AddError(target, "bad_id")
    prefix = match.group(1)
    seeds = [p for p in seed_paths(seeds_dir) if seed_prefix(p) == prefix or p.stem == prefix]
    if not seeds:
        raise AddError(target, "no_such_article")
    seed = seeds[0]
    articles = parse_page(read_seed(seed), seed.name, prefix)
    if match.group(2):
        if target.strip() not in {a.article_id for a in articles}:
            raise AddError(target, "no_such_article")
        if len(articles) > 1:
            raise AddError(target, "page", f"{prefix} {'、'.join(a.article_id for a in articles)}")
    figures: dict[str, int] = {}
    for fact in load_facts(corpus_dir):
        figures[fact.article_id] = figures.get(fact.article_id, 0) + 1
    gone = [Summary(a.article_id, a.title, len(a.paragraphs), figures.get(a.article_id, 0), a.park, False,
                    a.date, a.source, a.byline) for a in load_articles(corpus_dir) if a.seed == seed.name]
    build = plan_build(seeds_dir, corpus_dir, leave_out=frozenset({seed.name}))
    change = Change([seed.name], gone, build=build, adding=False, how="remove")
    if dry_run:
        return change
    trash = seeds_dir / f".{seed.name}.removed"
    os.replace(seed, trash)
    try:
        build.write(corpus_dir)
    except BaseException:
        os.replace(trash, seed)
        raise
    trash.unlink()
    change.written = True
    return change


__all__ = ["AddError", "Change", "Summary", "add", "decode", "remove", "SeedError", "ParksFileError"]
