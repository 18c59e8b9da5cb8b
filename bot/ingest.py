"""Turn newspaper pages (seeds/) into articles split into paragraphs.

A seed is a page as text: several articles, headings with or without Markdown
marks, bylines, photo captions dropped between the halves of a sentence, page
breaks in the middle of a word, and sometimes an advertisement. The parser
walks the page line by line and keeps what a reader would call the article.
"""

from __future__ import annotations

import codecs
import json
import os
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from bot.patterns import lazy
from bot.progress import Steps, silent
from bot.text import clean_heading, clean_line, fullwidth_punct, pair_quotes, strip_controls
from bot.webmeta import Meta, has_dateline, meta_line, split_dateline

if TYPE_CHECKING:  # the build imports these when it runs: parks and stats import this module
    from bot.lexicon import Lexicon
    from bot.parks import Registry
    from bot.stats import Fact

_SENTENCE_DONE = lazy(r"[。！？；…!?;][”’）」』》】)\"]*$")
_ARROWS = "▲◀▼►△▷◁"  # caption markers pointing at a photo
_BYLINE = lazy(r"^▶|记者|通讯员")
_NAME_ONLY = lazy(r"^[\u4e00-\u9fff]{2,4}$")
_CREDIT = lazy(r"(供图|/图|／图|摄)$|^图片来源")
_INLINE_BYLINE = lazy(r"[（(][^（()）]*(记者|通讯员)[^（()）]*[)）]$")
_AD_MARKER = "广告"
# A line opening with a time phrase and a comma starts a paragraph even after an
# unfinished one: the print lost the end of the previous paragraph (「……全面国产」「2024年，……」).
_OPENER = lazy(r"^(\d{4}年(\d{1,2}月)?|近年来|今年以来|近日|目前|此外|据悉|据介绍)[，,]")
ARTICLES_FILE = "articles.json"
HEADING_MAX = 32
CAPTION_MAX = 80


class SeedError(ValueError):
    """A seed file that cannot be read as text; the message names the file.

    `problem` (empty, binary, encoding, none) and `encoding` (a guess, e.g. GBK) let
    bot.render say what to do about it.
    """

    def __init__(self, path: Path, problem: str, detail: str, byte: int | None = None, encoding: str | None = None):
        super().__init__(f"{path.name}: {detail}")
        self.path, self.problem, self.byte, self.encoding = path, problem, byte, encoding


@dataclass
class Paragraph:
    n: int
    text: str
    section: str = ""
    caption: bool = False


@dataclass
class Article:
    article_id: str
    seed: str
    title: str
    subtitle: str = ""
    byline: str = ""
    park: str = ""
    paragraphs: list[Paragraph] = field(default_factory=list)
    # A web article's metadata lines (bot/webmeta.py): publication date (YYYY-MM-DD), source site, editor.
    date: str = ""
    source: str = ""
    editor: str = ""

    def note(self, meta: Meta) -> None:
        """Keep what a metadata line said; the first date and source stand, bylines and editors add up."""
        self.date = self.date or meta.date
        self.source = self.source or meta.source
        if meta.byline and meta.byline not in self.byline:
            self.byline = _join_byline(self.byline, meta.byline)
        if meta.editor and meta.editor not in self.editor:
            self.editor = f"{self.editor} {meta.editor}".strip()

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Article:
        paras = [Paragraph(**p) for p in data.get("paragraphs", [])]
        return cls(**{**data, "paragraphs": paras})


@dataclass(frozen=True)
class Passage:
    """One paragraph with its article: the unit that is indexed, ranked and cited."""

    article: Article
    para: Paragraph


@dataclass
class _Line:
    text: str
    blanks_before: int
    level: int = 0  # Markdown heading level, 0 when unmarked


def read_seed(path: Path) -> str:
    """Read a seed as UTF-8 text, or stop with an error that names the file."""
    data = path.read_bytes()
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # Windows' "Unicode" text: has NUL bytes
        try:
            data = data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError as err:
            raise SeedError(path, "encoding", f"not UTF-16 text (byte {err.start})", err.start) from err
    if not data.strip():
        raise SeedError(path, "empty", "the file is empty")
    if b"\x00" in data:
        raise SeedError(path, "binary", "the file is binary, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        detail = f"not UTF-8 text (byte {err.start})"
        raise SeedError(path, "encoding", detail, err.start, _guess_encoding(data)) from err


def _guess_encoding(data: bytes) -> str | None:
    """Chinese text that is not UTF-8 is nearly always GBK (GB18030 covers it); say so when it decodes as that."""
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return None
    return "GBK" if re.search(r"[\u4e00-\u9fff]", text) else None


def _lines(text: str) -> list[_Line]:
    out, blanks = [], 0
    for raw in text.splitlines():
        if not raw.strip():
            blanks += 1
            continue
        mark = re.match(r"^\s*(#{1,6})\s+", raw)
        level = len(mark.group(1)) if mark else 0
        body = raw[mark.end():] if mark else raw
        out.append(_Line(body.strip(), blanks, level))
        blanks = 0
    return out


def _is_done(text: str) -> bool:
    return bool(_SENTENCE_DONE.search(text))


def _is_byline(text: str) -> bool:
    return len(text) <= 40 and bool(_BYLINE.search(text)) and not _is_done(text)


def _is_credit(text: str) -> bool:
    return len(text) <= 40 and bool(_CREDIT.search(text))


def _balanced(text: str) -> bool:
    return text.count("“") == text.count("”") and text.count('"') % 2 == 0 and text.count("（") == text.count("）")


def _looks_like_heading(line: _Line, marked_page: bool, before_first_article: bool) -> bool:
    """Headings are short, unfinished, balanced phrases; on a page with Markdown marks only marked lines are."""
    if line.level:
        return True
    if marked_page and not before_first_article:
        return False
    text = clean_line(line.text)
    if len(text) > HEADING_MAX or _is_done(text) or _is_byline(text) or _is_credit(text):
        return False
    if "、" in text or not _balanced(text):
        return False
    halves = re.split(r"[，,]", text)
    return len(halves) == 1 or (len(halves) == 2 and min(len(h) for h in halves) >= 4)


def _starts_article(lines: list[_Line], i: int) -> bool:
    """A heading starts an article when a byline or a dateline follows it closely."""
    if lines[i].level == 1:
        return True
    for nxt in lines[i + 1:i + 4]:
        text = nxt.text.strip()
        if _is_byline(text) or has_dateline(clean_line(text)) or meta_line(clean_line(text)) is not None:
            return True
        if nxt.level or (len(text) > HEADING_MAX and not _is_credit(text)):
            return False
    return False


class _Page:
    """State of the walk over one page."""

    def __init__(self, seed: str):
        self.seed = seed
        self.articles: list[Article] = []
        self.section = ""
        self.pending_heading = ""  # a section heading not yet followed by text
        self.heading_mark = 0  # paragraphs the current article had when its last heading came
        self.pending_meta: list[Meta] = []  # metadata lines seen before the first title

    def note(self, meta: Meta) -> None:
        if self.current is None:
            self.pending_meta.append(meta)
        else:
            self.current.note(meta)

    @property
    def current(self) -> Article | None:
        return self.articles[-1] if self.articles else None

    def start_article(self, line: _Line) -> None:
        title = clean_heading(line.text)
        cur = self.current
        if cur is not None and not cur.paragraphs and not cur.byline:
            # Two headings in a row before any text: a short place kicker (「靖远」) joins the
            # title; a column name (「党建在高新」) above a marked title is dropped.
            if not line.level and len(cur.title) <= 6:
                title = f"{cur.title}：{title}"
            self.articles.pop()
        article = Article(article_id="", seed=self.seed, title=title)
        for meta in self.pending_meta:
            article.note(meta)
        self.pending_meta = []
        self.articles.append(article)
        self.section, self.pending_heading, self.heading_mark = "", "", 0

    def add_heading(self, line: _Line) -> None:
        self.pending_heading = clean_heading(line.text)
        self.heading_mark = len(self.current.paragraphs) if self.current else 0

    def add_paragraph(self, text: str, caption: bool = False) -> None:
        article = self.current
        if article is None:
            article = Article(article_id="", seed=self.seed, title="")
            self.articles.append(article)
        if self.pending_heading and not caption:
            self.section, self.pending_heading = self.pending_heading, ""
        paras = article.paragraphs
        paras.append(Paragraph(n=len(paras) + 1, text=text, section=self.section, caption=caption))

    def last_body(self) -> Paragraph | None:
        """The paragraph a cut line may continue; a heading since then closes it."""
        if self.current is None or self.pending_heading:
            return None
        return next((p for p in reversed(self.current.paragraphs) if not p.caption), None)

    def drop_advert(self) -> None:
        """An advert runs from its heading to the 「广告」 mark."""
        if self.current is not None:
            del self.current.paragraphs[self.heading_mark:]
        self.pending_heading = ""


def parse_page(text: str, seed: str, prefix: str) -> list[Article]:
    """Split one seed page into cleaned articles.

    Each line is, in this order of checks: the advert mark, a photo credit, a photo
    caption, a byline, a subtitle, a heading (starting an article or a section), a
    signature, or text — which continues the previous paragraph when that one was
    cut mid-sentence.
    """
    text = strip_controls(text)  # 「\x01」「ESC[31m」 in a pasted page would reach the answers
    lines = _lines(text)
    marked_page = any(line.level for line in lines)
    page = _Page(seed)
    i = 0
    while i < len(lines):
        line = lines[i]
        body = clean_line(line.text)
        previous = page.last_body()
        cut = previous is not None and not _is_done(previous.text) and not line.level
        # A photo caption sits alone after a page gap, inside a cut sentence or at the very end.
        after_gap = line.blanks_before >= 2 and (cut or _is_caption_tail(lines, i))
        unfinished = cut and not _OPENER.match(body)
        i += 1

        meta = meta_line(body) if not line.level else None
        if meta is not None:
            page.note(meta)
        elif body == _AD_MARKER:
            page.drop_advert()
        elif _is_credit(body):
            continue
        elif _arrowed(body) or (after_gap and not line.level and len(body) <= CAPTION_MAX
                                   and not _is_byline(body)):
            caption = body.lstrip(_ARROWS).strip()
            if _arrowed(body):
                # An arrow caption may itself be cut over two short lines.
                while not _is_done(caption) and i < len(lines) and lines[i].blanks_before < 2 \
                        and len(lines[i].text) < CAPTION_MAX and not _arrowed(lines[i].text):
                    caption += clean_line(lines[i].text)
                    i += 1
            page.add_paragraph(pair_quotes(caption), caption=True)
        elif _is_byline(body) and page.current is not None:
            if not page.current.paragraphs:
                page.current.byline = _join_byline(page.current.byline, clean_heading(line.text).lstrip("▶ "))
                while i < len(lines) and _NAME_ONLY.match(clean_line(lines[i].text)):
                    page.current.byline = _join_byline(page.current.byline, clean_line(lines[i].text))
                    i += 1
            # otherwise a photographer's credit in the middle of the text
        elif body.startswith("——") and page.current is not None and not page.current.paragraphs:
            page.current.subtitle = clean_heading(line.text).lstrip("—").strip()
        elif not unfinished and _looks_like_heading(line, marked_page, page.current is None):
            if page.current is None or _starts_article(lines, i - 1):
                page.start_article(line)
            else:
                page.add_heading(line)
        elif _NAME_ONLY.match(body) and not unfinished and page.current is not None:
            page.current.byline = page.current.byline or body  # a signature under the article
        else:
            body, _ = split_dateline(body)
            page.note(split_dateline(clean_heading(line.text))[1])  # the byline keeps its spaces
            if not body:
                continue
            body, byline = _split_inline_byline(body)
            if byline and page.current is not None and not page.current.byline:
                page.current.byline = byline
            if unfinished and previous is not None:
                previous.text += body
            else:
                page.add_paragraph(body)

    articles = [a for a in page.articles if a.paragraphs and a.title]
    for n, article in enumerate(articles, start=1):
        article.article_id = f"{prefix}-{n}"
        for k, para in enumerate(article.paragraphs, start=1):
            para.n = k
            para.text = fullwidth_punct(pair_quotes(para.text))
    return articles


def _arrowed(text: str) -> bool:
    return bool(text) and text[0] in _ARROWS


def _is_caption_tail(lines: list[_Line], i: int) -> bool:
    """A short line after a page gap and before the end or the next gap is a photo caption."""
    nxt = lines[i + 1] if i + 1 < len(lines) else None
    return (nxt is None or nxt.blanks_before >= 2) and len(lines[i].text) <= CAPTION_MAX and not lines[i].level


def _join_byline(old: str, new: str) -> str:
    """Bylines keep the spaces between roles and names but not inside a name (「相 越」)."""
    joined = f"{old} {new}".strip()
    return re.sub(r"(?<![\u4e00-\u9fff])([\u4e00-\u9fff]) ([\u4e00-\u9fff])(?![\u4e00-\u9fff])", r"\1\2", joined)


def _split_inline_byline(text: str) -> tuple[str, str]:
    """「……样板区。（记者杜英姿……综合报道）」 → the text, and the byline."""
    match = _INLINE_BYLINE.search(text)
    if not match or match.start() == 0:
        return text, ""
    return text[: match.start()].rstrip(), match.group(0)[1:-1]


def seed_prefix(path: Path) -> str:
    return path.stem.split("_")[0]


def load_articles(corpus_dir: Path) -> list[Article]:
    data = json.loads((corpus_dir / ARTICLES_FILE).read_text(encoding="utf-8"))
    return [Article.from_dict(a) for a in data]


def seed_order(name: str) -> tuple[int, int, str]:
    """Seeds go by the number of their prefix, then by name; names without a number after all numbered ones.

    By name alone `1000_…` would sort before `101_…`: the thousandth seed would land among the
    old ones and shift every later article. By number the next seed is always the last, so its
    articles, paragraphs and figures are appended to the corpus (what `add` relies on to extend it).
    """
    prefix = seed_prefix(Path(name))
    return (0, int(prefix), name) if prefix.isdigit() else (1, 0, name)


def seed_paths(seeds_dir: Path) -> list[Path]:
    return sorted((p for p in seeds_dir.iterdir() if p.is_file() and not p.name.startswith(".")),
                  key=lambda p: seed_order(p.name))


def parse_seeds(seeds_dir: Path, steps: Steps = silent, extra: dict[str, str] | None = None,
                leave_out: frozenset[str] = frozenset()) -> list[Article]:
    """Every seed, parsed; the first unreadable one stops everything.

    `extra` are seeds not written yet (name → text) and `leave_out` names seeds to skip:
    what `add` and `remove` preview before they touch seeds/.
    """
    sources: dict[str, Path | str] = {p.name: p for p in seed_paths(seeds_dir) if p.name not in leave_out}
    sources.update(extra or {})
    if not sources:
        raise SeedError(seeds_dir, "none", "no seed files")
    names = sorted(sources, key=seed_order)
    prefixes = Counter(seed_prefix(Path(n)) for n in names)
    articles = []
    for name in steps(names, "seeds"):
        source = sources[name]
        prefix = seed_prefix(Path(name)) if prefixes[seed_prefix(Path(name))] == 1 else Path(name).stem
        text = read_seed(source) if isinstance(source, Path) else source
        articles += parse_page(text, name, prefix)
    return articles


def screen(articles: list[Article], seeds: list[str]) -> tuple[list[Article], list[str], list[tuple[Article, Article]]]:
    """Drop an article whose text repeats an earlier one's (a page pasted twice would list each answer twice),
    and name the seeds that gave no article at all (a file of headings, one endless line): build notes.
    Also returns the (dropped, kept) pairs."""
    from bot import render

    first: dict[str, Article] = {}
    kept, notes, twins = [], [], []
    for article in articles:
        text = "\n".join(p.text for p in article.paragraphs)
        earlier = first.setdefault(text, article) if text else article
        if earlier is not article:
            notes.append(render.duplicate_article(article.article_id, article.seed, earlier.article_id, earlier.seed))
            twins.append((article, earlier))
            continue
        kept.append(article)
    given = {a.seed for a in articles}
    notes += [render.seed_without_articles(seed) for seed in seeds if seed not in given]
    return kept, notes, twins


def read_articles(seeds_dir: Path, registry, steps: Steps = silent) -> tuple[list[Article], list[str]]:
    """Parsed and attributed articles, and the ids of those no park in the registry fits."""
    from bot.parks import attribute

    articles = parse_seeds(seeds_dir, steps)
    return articles, attribute(articles, registry)


def dump_json(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def dump_after(text: str, items: list) -> str | None:
    """A JSON list as `dump_json` wrote it (`text`), with `items` after its own, exactly as `dump_json` would write the
    whole list: the old items are not read and written again. None if `text` is not in that form."""
    if not items:
        return text
    added = dump_json(items)
    if text == "[]\n":
        return added
    if not (text.startswith("[\n") and text.endswith("\n]\n")):
        return None
    return text[:-3] + ",\n" + added[2:]


@dataclass
class Build:
    """A build done in memory: the files it would write, and what it is made of (for a preview or an engine)."""

    outputs: dict[str, str]
    report: BuildReport
    articles: list[Article]
    extracted: list[Fact]  # the figures this build extracted: every article's, or (an add extending corpus/) the new
    registry: Registry
    lexicon: Lexicon
    duplicates: list[tuple[Article, Article]] = field(default_factory=list)  # (dropped, the earlier one kept)
    # What the next `add` checks to extend this build rather than redo it (bot/incremental.py), written after it.
    stamp: dict | None = field(default=None, repr=False)
    # An `add` done by extending: the hash of the articles file it extended and its paragraph count, so the
    # engine extends that corpus's saved index (bot/engine.py).
    base: tuple[str, int] | None = None
    how: str = "full"  # "incremental", or why it was a full build (bot/incremental.py `plan_add`)
    earlier: Callable[[], list[Fact]] | None = field(default=None, repr=False)  # an extending add: corpus/'s figures

    @cached_property
    def facts(self) -> list[Fact]:
        """Every figure: those corpus/ held (an extending add reads them only when asked: an engine needs them,
        `add` on the command line does not), then the extracted ones."""
        return (self.earlier() if self.earlier is not None else []) + self.extracted

    def write(self, corpus_dir: Path) -> None:
        """Every output to a temporary file first, then all renamed into place: an error leaves corpus/ as it was.
        The stamp goes last: until it names these outputs, the next `add` builds in full."""
        corpus_dir.mkdir(parents=True, exist_ok=True)
        temps = []
        try:
            for name, text in self.outputs.items():
                tmp = corpus_dir / f".{name}.tmp"
                tmp.write_text(text, encoding="utf-8")
                temps.append((tmp, corpus_dir / name))
        except OSError:
            for tmp, _ in temps:
                tmp.unlink(missing_ok=True)
            raise
        for tmp, final in temps:
            os.replace(tmp, final)
        if self.stamp is not None:
            from bot.incremental import write_stamp

            write_stamp(corpus_dir, self.stamp)


def plan_build(seeds_dir: Path, corpus_dir: Path, steps: Steps = silent, extra: dict[str, str] | None = None,
               leave_out: frozenset[str] = frozenset(), placements: dict[str, str] | None = None) -> Build:
    """seeds/ → what corpus/ would hold: articles, parks (found ones registered), figures. Nothing is written.

    Parks named in titles that corpus/parks.toml lacks are registered in parks_found.toml
    (bot/discover.py) before the articles are attributed, so an article about a new park is
    placed in it, not in a park with a similar name.
    """
    from dataclasses import replace

    from bot import parks, stats
    from bot.discover import FOUND_FILE, Found, discover
    from bot.incremental import make_stamp
    from bot.lexicon import Lexicon

    lexicon = Lexicon.load(corpus_dir)
    found = Found.read(corpus_dir)
    names = [n for p in found.parks for n in p.names()]
    found.placements.update(placements or {})
    articles = parse_seeds(seeds_dir, steps, extra, leave_out)
    seeds = sorted({p.name for p in seed_paths(seeds_dir) if p.name not in leave_out} | set(extra or {}),
                   key=seed_order)
    articles, notes, duplicates = screen(articles, seeds)
    ids = {a.article_id for a in articles}
    found.placements = {a: p for a, p in found.placements.items() if a in ids}
    for _ in range(3):
        # The found parks' names are in the lexicon (cut whole); when they change, load it with the new ones
        # and look again, until the names the lexicon holds are the names found: a fresh build of the same
        # seeds then finds the same.
        hand = parks.Registry.from_toml(corpus_dir / parks.REGISTRY_FILE, lexicon.tokenizer)
        found.parks = discover(articles, hand, found.placements, lexicon.tokenizer)
        new = [n for p in found.parks for n in p.names()]
        if new == names:
            break
        names, lexicon = new, Lexicon.load(corpus_dir, found=new)
    registry = parks.Registry(hand.parks + [replace(p) for p in found.parks], lexicon.tokenizer)
    unplaced = parks.attribute(articles, registry, found.placements)
    # Figures are extracted article by article (each article's names are its own), so progress can be shown.
    facts = [f for article in steps(articles, "facts")
             for f in stats.extract_facts([article], registry, lexicon.vocabulary)]
    outputs = {
        ARTICLES_FILE: dump_json([a.to_dict() for a in articles]),
        parks.BUILT_FILE: dump_json([p.to_dict() for p in registry.parks]),
        stats.FACTS_FILE: dump_json([f.to_dict() for f in facts]),
        FOUND_FILE: found.text(),
    }
    report = build_report(articles, len(facts), unplaced, notes, registry)
    stamp = make_stamp(seeds_dir, corpus_dir, seeds, extra or {}, outputs, lexicon.tokenizer.version,
                       notes[:len(duplicates)], notes[len(duplicates):], len(facts))
    return Build(outputs, report, articles, facts, registry, lexicon, duplicates, stamp)


def build_report(articles: list[Article], facts: int, unplaced: list[str], notes: list[str],
                 registry: Registry) -> BuildReport:
    """The counts, the unplaced articles with the names they hold that no park fits, and the notes."""
    report = BuildReport(len(articles), sum(len(a.paragraphs) for a in articles), facts, unplaced, notes)
    missing = set(unplaced)
    for a in articles:
        if a.article_id in missing:
            seen = registry.unknown_places(" ".join([a.title, *(p.text for p in a.paragraphs)]))
            report.why_unplaced[a.article_id] = (a.title, list(dict.fromkeys(seen))[:3])
    return report


def corpus_files(seeds_dir: Path, corpus_dir: Path, steps: Steps = silent) -> tuple[dict[str, str], BuildReport]:
    """What a build would write to corpus/, file by file; `doctor` compares it with what is there."""
    build = plan_build(seeds_dir, corpus_dir, steps)
    return build.outputs, build.report


def build_corpus(seeds_dir: Path, corpus_dir: Path, steps: Steps = silent) -> BuildReport:
    """seeds/ → corpus/, deterministically; nothing is written unless every seed parses.

    Each output is written to a temporary file and renamed into place, so a failed
    or interrupted build leaves the previous corpus intact.
    """
    build = plan_build(seeds_dir, corpus_dir, steps)
    build.write(corpus_dir)
    return build.report


@dataclass
class BuildReport:
    articles: int
    paragraphs: int
    facts: int
    unplaced: list[str]
    notes: list[str] = field(default_factory=list)  # duplicates dropped, seeds with no article
    # An unplaced article's title and the park-like names it holds that no park fits (for the build's note).
    why_unplaced: dict[str, tuple[str, list[str]]] = field(default_factory=dict)
