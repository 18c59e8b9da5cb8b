"""Figures the articles report, extracted at build time with what they count.

A user who asks for a park's statistics wants the numbers the park is known by
(605家高新技术企业, 覆盖率达95.9%), each with the sentence that says it, so the
extractor keeps every number that carries a unit, names what it counts from the
words around it, and lists the headline ones first. Its vocabulary — units,
qualifiers, the words that end a label — lives in corpus/units.txt and
corpus/stat_words.toml, so it grows without code changes.

Conventions (see the README, "Parks and their statistics"):
  value      the figure as written, from its number to its unit, with a qualifier that
             sits inside it (「300余项」「2.5万户」「第31名」) but without one before or
             after it (「近900名」 → 「900名」, qualifier 「近」); `text` keeps the whole phrase
  number     the figure in base units: 「2.5万户」 → 25000, 「13.7亿元」 → 1370000000
  unit       the base unit: 户, 元, %, 平方公里, 吨/年; `kind` is its class (count, money, rank …)
"""

from __future__ import annotations

import itertools
import json
import re
import tomllib
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from functools import cached_property, lru_cache
from pathlib import Path

from bot.parks import Registry, Resolution
from bot.patterns import LazyPattern, lazy
from bot.text import split_sentences

FACTS_FILE = "stats.json"
UNITS_FILE = "units.txt"
WORDS_FILE = "stat_words.toml"
VOCAB_DIR = Path(__file__).resolve().parent.parent / "corpus"
LABEL_MAX = 20
LABEL_SHOW = 16  # a label composed with its verb (完成“党建入章”的企业) stays readable at a glance
NAME_QUOTE_MAX = 12  # a quotation this short is a name (“4项行动”), not somebody speaking
HEADLINE_FACTS = 5  # figures in a park's overview, the same in every adapter

_MULTIPLIERS = {"万": Decimal(10_000), "亿": Decimal(100_000_000)}
_CN_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_POWERS = {"十": 10, "百": 100, "千": 1000, "万": 10_000}
_BREAKS = set("，。；：！？（）()…,;:!?")
_SHORT_QUOTE = lazy("|".join(rf"{o}[^{o}{c}]{{0,{NAME_QUOTE_MAX}}}{c}" for o, c in ("“”", "‘’", "「」")))
_BOOK_TITLE = lazy(r"《[^《》]*》")
_DATE = lazy(r"\d{4}年度?|\d{1,2}月(?:\d{1,2}日)?|\d{1,2}日")
_COMPANY_SUFFIX = lazy(r"股份有限公司|有限责任公司|有限公司|集团")
# Where a company name cannot reach back past: 「…基地企业|兰州百源基因技术有限公司」.
_COMPANY_STOP = lazy(r".*(?:[在是为由等对以将的、，。；：“”‘’（）\s]|企业|最近|眼下|目前|看来|来自|新区|园区|县)")
_SHORT_NAME = lazy(r"以下简称[“\"‘]([^”\"’]{2,10})[”\"’]")
_DATE_HEAD = lazy(r"^(?:\d{4}年度?|\d{1,2}月|\d{1,2}日)+")
_SPEAKS = lazy(r"说|介绍|表示|感慨|坦言|告诉")


@dataclass
class Fact:
    label: str
    value: str
    number: float
    unit: str
    qualifier: str
    sentence: str
    article_id: str
    paragraph: int
    park: str
    company: str = ""
    text: str = ""
    kind: str = ""
    # Added for labels that read right (issue 14); older stats.json files load with these defaults.
    subject: str = ""  # what is counted: the label's head noun (企业 in 「完成“党建入章”的企业」)
    scope: str = ""  # where or of what, when narrower than the park (安全应急产业, 建立的党组织中)
    status: str = "done"  # done | planned | target | expected (预计)
    period: str = ""  # the time the figure covers, when the sentence gives one (2024年, 今年以来)
    change: dict | None = None  # a from→to pair: {"from": "400户", "to": "750户"}; `value` is the "to"
    sources: list[dict] = field(default_factory=list)  # every place it is reported: article_id, paragraph, sentence

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Topic:
    """A headline group: figures with one of `units`, or of one of `kinds` whose label ends in one of `words`.

    The label's last word is what is counted: 「高新技术企业」 are enterprises, 「企业高管」 are not.
    """

    topic: str
    words: tuple[str, ...] = ()
    units: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()

    def covers(self, fact: Fact) -> bool:
        if fact.unit in self.units:
            return True
        head = fact.label.rstrip("”’」")
        return fact.kind in self.kinds and (not self.words or head.endswith(tuple(self.words)))


@dataclass
class Vocabulary:
    units: dict[str, str]
    prefix_qualifiers: list[str]
    inner_qualifiers: list[str]
    suffix_qualifiers: list[str]
    cut: set[str]
    link: list[str]
    lead: list[str]
    company_anaphora: list[str]
    headline: list[Topic]
    phrase_breaks: list[str]
    words: list[str]
    group_verbs: list[str] = field(default_factory=list)
    per_head: list[str] = field(default_factory=list)
    giving_verbs: list[str] = field(default_factory=list)
    beneficiary: list[str] = field(default_factory=list)
    containers: list[str] = field(default_factory=list)
    not_figure_before: list[str] = field(default_factory=list)
    not_figure_after: list[str] = field(default_factory=list)
    status_words: dict[str, list[str]] = field(default_factory=dict)
    not_status: list[str] = field(default_factory=list)
    place_anaphora: list[str] = field(default_factory=list)
    place_suffixes: list[str] = field(default_factory=list)
    topic_suffixes: list[str] = field(default_factory=list)
    topic_links: list[str] = field(default_factory=list)
    fields: list[str] = field(default_factory=list)
    per_units: list[str] = field(default_factory=list)
    incomplete_starts: list[str] = field(default_factory=list)
    local_suffixes: list[str] = field(default_factory=list)
    local_units: list[str] = field(default_factory=list)
    local_follow: list[str] = field(default_factory=list)
    park_wide: list[str] = field(default_factory=list)
    person_pronouns: list[str] = field(default_factory=list)
    speaker_roles: list[str] = field(default_factory=list)
    stock_words: list[str] = field(default_factory=list)
    rank_verbs: list[str] = field(default_factory=list)
    streaks: list[str] = field(default_factory=list)
    count_verbs: list[str] = field(default_factory=list)
    span_verbs: list[str] = field(default_factory=list)
    scale_places: list[str] = field(default_factory=list)
    grouped: list[str] = field(default_factory=list)  # 「五大产业片区」「三级组织体系」: a count of these
    subset: list[str] = field(default_factory=list)
    change_from: list[str] = field(default_factory=list)
    change_to: list[str] = field(default_factory=list)
    periods: list[str] = field(default_factory=list)

    @cached_property
    def pattern(self) -> re.Pattern:
        """Made when figures are first extracted (the build): a question never uses it, and it takes 0.7 ms."""
        return _figure_pattern(self)

    @classmethod
    def load(cls, directory: Path = VOCAB_DIR) -> Vocabulary:
        units = {}
        for line in (directory / UNITS_FILE).read_text(encoding="utf-8").splitlines():
            parts = line.split("#", 1)[0].split()
            if len(parts) == 2:
                units[parts[0]] = parts[1]
        words = tomllib.loads((directory / WORDS_FILE).read_text(encoding="utf-8"))
        topics = [Topic(t["topic"], tuple(t.get("words", ())), tuple(t.get("units", ())), tuple(t.get("kinds", ())))
                  for t in words["headline"]]
        return cls(units, words["prefix_qualifiers"], words["inner_qualifiers"], words["suffix_qualifiers"],
                   set(words["cut"]), _longest_first(words["link"]), _longest_first(words["lead"]),
                   _longest_first(words["company_anaphora"]), topics, words["phrase_breaks"], words["words"],
                   group_verbs=_longest_first(words["group_verbs"]), per_head=words["per_head"],
                   giving_verbs=_longest_first(words["giving_verbs"]),
                   beneficiary=words["beneficiary"], containers=words["containers"],
                   not_figure_before=_longest_first(words["not_figure_before"]),
                   not_figure_after=_longest_first(words["not_figure_after"]),
                   status_words={"planned": words["planned"], "target": words["target"],
                                 "expected": words["expected"]},
                   not_status=words["not_status"], place_anaphora=words["place_anaphora"],
                   place_suffixes=words["place_suffixes"], topic_suffixes=words["topic_suffixes"],
                   topic_links=words["topic_links"], fields=words["fields"], per_units=words["per_units"],
                   incomplete_starts=words["incomplete_starts"],
                   local_suffixes=words["local_suffixes"],
                   local_units=_longest_first(words["local_units"]), local_follow=words["local_follow"],
                   park_wide=words["park_wide"], person_pronouns=words["person_pronouns"],
                   speaker_roles=_longest_first(words["speaker_roles"]), stock_words=words["stock_words"],
                   rank_verbs=words["rank_verbs"], streaks=words["streaks"], count_verbs=words["count_verbs"],
                   span_verbs=_longest_first(words["span_verbs"]), scale_places=words["scale_places"],
                   grouped=_longest_first(words.get("grouped", [])),
                   subset=words["subset"], change_from=words["change_from"],
                   change_to=_longest_first(words["change_to"]), periods=_longest_first(words["periods"]))


@lru_cache(maxsize=4)
def vocabulary(directory: Path = VOCAB_DIR) -> Vocabulary:
    return Vocabulary.load(directory)


def _longest_first(words) -> list[str]:
    return sorted(set(words), key=len, reverse=True)


def _alternatives(words) -> str:
    return "|".join(re.escape(w) for w in _longest_first(words))


def _figure_pattern(v: Vocabulary) -> re.Pattern:
    """A number with its unit, and the qualifiers that may stand around it."""
    return re.compile(
        r"(?<![0-9A-Za-z.+\-/])"
        rf"(?P<prefix>{_alternatives(v.prefix_qualifiers)})?"
        r"(?P<ordinal>第)?"
        r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|数?[一二两三四五六七八九十百千万]*[十百千万])"
        rf"(?P<before_mult>{_alternatives(v.inner_qualifiers)})?"  # 「20余亿元」
        r"(?P<mult>[万亿])?"
        rf"(?P<inner>{_alternatives(v.inner_qualifiers)})?"
        rf"(?P<unit>{_alternatives(v.units)})"
        r"(?P<per>/(?:年|月|天|小时))?"
        rf"(?P<suffix>{_alternatives(v.suffix_qualifiers)})?"
    )


# -- numbers ------------------------------------------------------------------


def chinese_number(text: str) -> int:
    """「百」 → 100, 「二十」 → 20, 「三千五百」 → 3500, 「十万」 → 100000."""
    total, section, digit = 0, 0, 0
    for ch in text:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        elif ch == "万":
            total += (section + digit or 1) * 10_000
            section, digit = 0, 0
        else:
            section += (digit or 1) * _CN_POWERS[ch]
            digit = 0
    return total + section + digit


def _number(match: re.Match) -> float:
    raw = match["num"]
    value = Decimal(raw.replace(",", "")) if raw[0].isdigit() else Decimal(chinese_number(raw.lstrip("数")))
    if match["mult"]:
        value *= _MULTIPLIERS[match["mult"]]
    return float(value)


# -- finding figures ------------------------------------------------------------


@dataclass
class _Figure:
    match: re.Match
    start: int  # where the figure proper begins (after a prefix qualifier)
    end: int  # where it ends (before a suffix qualifier)


def _spans(pattern: re.Pattern[str] | LazyPattern, text: str) -> list[tuple[int, int]]:
    return [m.span() for m in pattern.finditer(text)]


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(s < pos < e for s, e in spans)


def _is_figure(m: re.Match, text: str, v: Vocabulary, names: list[tuple[int, int]]) -> bool:
    """Numbers that are names (“3张清单”), dates (2024年), thresholds (100人以上企业) or vague words are not figures."""
    raw = m["num"]
    if not raw[0].isdigit() and (not (m["prefix"] or m["before_mult"] or m["inner"] or raw.startswith("数"))
                                 or v.units[m["unit"]] == "time"):
        return False  # 「三个村」「万头牦牛」「十多年」: a Chinese numeral counts only as a round estimate (近百, 百余)
    if m["unit"] == "年" and not m["ordinal"] and raw[0].isdigit() and Decimal(raw.replace(",", "")) >= 1000:
        return False
    if m["ordinal"] and not raw[0].isdigit():
        return False
    if m["suffix"] in ("以上", "以下") and m.end() < len(text) and re.match(r"[\u4e00-\u9fff]", text[m.end()]):
        return False
    if text[:m.start()].endswith(tuple(v.not_figure_before)) or text[m.end():].startswith(tuple(v.not_figure_after)):
        return False  # 「党龄55年的贾世亿」「7天全天候值守」: one person's attribute, a service pattern
    return not _inside(m.start("num"), names)


def find_figures(text: str, v: Vocabulary) -> list[_Figure]:
    names = _spans(_SHORT_QUOTE, text) + _spans(_BOOK_TITLE, text)
    out = []
    for m in v.pattern.finditer(text):
        if _is_figure(m, text, v, names):
            start = m.start("ordinal") if m["ordinal"] else m.start("num")
            end = m.end("per") if m["per"] else m.end("unit")
            out.append(_Figure(m, start, end))
    return out


# -- labels -------------------------------------------------------------------


@lru_cache(maxsize=1)
def _segmenter():
    """A private jieba, so the label reader's own words do not change how retrieval cuts text."""
    import jieba
    import jieba.posseg as posseg

    jieba.setLogLevel(60)
    segmenter = posseg.POSTokenizer(jieba.Tokenizer())
    for word in vocabulary().words:
        segmenter.tokenizer.add_word(word, 100_000, "n")
    return segmenter


@lru_cache(maxsize=8192)
def _tokens(text: str) -> tuple[tuple[str, str], ...]:
    """Words with their parts of speech; a short quotation (“三有”) stays one word."""
    out: list[tuple[str, str]] = []
    pos = 0
    for m in _SHORT_QUOTE.finditer(text):
        out += [(p.word, p.flag) for p in _segmenter().cut(text[pos:m.start()])]
        out.append((m.group(), "q"))
        pos = m.end()
    out += [(p.word, p.flag) for p in _segmenter().cut(text[pos:])]
    return tuple(out)


def _words(text: str) -> list[str]:
    return [w for w, _ in _tokens(text)]


def _strip_once(words: list[str], strip: list[str], at_start: bool) -> list[str]:
    """Remove one listed word (which may span a few segments) from one end, if it is there."""
    for w in strip:
        for k in range(1, min(len(words), 4) + 1):
            if "".join(words[:k] if at_start else words[-k:]) == w:
                return words[k:] if at_start else words[:-k]
    return words


def _strip(words: list[str], strip: list[str], at_start: bool) -> list[str]:
    """Remove listed words from one end until none is left there."""
    while words and (shorter := _strip_once(words, strip, at_start)) != words:
        words = shorter
    return words


def _strip_one(label: str, v: Vocabulary, subjects: list[str]) -> str:
    """The label without one leading time word, preposition, park or company, if it starts with one."""
    for name in subjects:
        if label.startswith(name):
            return label[len(name):]
    words = _words(label)
    shorter = _strip_once(words, v.lead, at_start=True)
    return "".join(shorter) if shorter else label  # a lead word alone may be the label (「新区」)


def _heads(text: str, v: Vocabulary, subjects: list[str]) -> list[str]:
    """The text, then the text less each leading word that cannot start a label, one at a time."""
    heads = [text]
    while (shorter := _strip_one(heads[-1], v, subjects)) != heads[-1]:
        heads.append(shorter)
    return heads


def _strip_front(label: str, v: Vocabulary, subjects: list[str]) -> str:
    """Time words, prepositions, and the park or company doing something are not what a figure counts."""
    return _heads(label, v, subjects)[-1]


def _cap(words: list[str], from_end: bool) -> str:
    """At most LABEL_MAX characters, cut between words."""
    kept: list[str] = []
    for w in reversed(words) if from_end else words:
        if sum(map(len, kept)) + len(w) > LABEL_MAX:
            break
        kept.append(w)
    return "".join(reversed(kept) if from_end else kept)


def _tidy(words: list[str]) -> list[str]:
    words = _strip(words, ["的", "、", "和", "与", "及", "并"], at_start=True)
    return _strip(words, ["的", "、", "和", "与", "及", "并", "上", "里", "中", "内"], at_start=False)


def label_before(region: str, v: Vocabulary, subjects: list[str]) -> str:
    """「园区干部累计走访企业」 → 走访企业: what a figure after these words counts."""
    for mark in v.phrase_breaks:
        region = region.rsplit(mark, 1)[-1]
    words = _strip(_words(region), v.link, at_start=False)
    relative = False  # a verb before 「的」 belongs to a modifier: 「建立党支部的企业」
    for i in range(len(words) - 1, -1, -1):
        if words[i] == "的":
            relative = True
        elif words[i] in v.cut and not relative:
            # 「党的工作实现100%」: with nothing after the verb, its subject is what the figure is about.
            verb = _group_verb(words, i, v)
            example = _first_example(words, i, v) if words[i] == "等" else ""
            words = words[i + 1:] or words[:i]
            break
    else:
        verb = example = ""
    label = _strip_front("".join(words), v, subjects)
    if example and (len(label) <= 2 or label.startswith("方面")):
        label = f"{example}等{label}"  # 「开展党建联建、…等活动百余场次」 → 党建联建等活动, not 活动
    tidy = _tidy(_words(label))
    if verb and tidy and len(verb) + sum(map(len, tidy)) <= LABEL_SHOW:
        return verb + "".join(tidy)  # 「累计辐射链上企业」 → 辐射链上企业, 「解决用地…等实际问题」 → 解决实际问题
    return _cap(tidy, from_end=True)


def _first_example(words: list[str], i: int, v: Vocabulary) -> str:
    """The first item of the 「…等」 list that ends at `i`: 「开展党建联建、人才招引等」 → 党建联建."""
    first = min([j for j in range(i) if words[j] == "、"], default=i)
    start = max([j + 1 for j in range(first) if words[j] in v.cut or words[j] in "，；。"], default=0)
    return "".join(words[start:first])


def _group_verb(words: list[str], i: int, v: Vocabulary) -> str:
    """The group verb that cuts at `i`, or governs the 「…等」 list cut there."""
    if words[i] in v.group_verbs or words[i] in v.per_head:
        return words[i]
    if words[i] == "等":
        # The verb stands before the list's first item: 「解决融资贷款、用工需求、人才引进等」 → 解决, not 引进.
        first = min([j for j in range(i) if words[j] == "、"], default=i)
        for j in range(first - 1, -1, -1):
            if words[j] in v.group_verbs:
                return words[j]
            if words[j] in v.cut or words[j] in "，；。":
                break
    return ""


def _nounish(flag: str) -> bool:
    return flag[0] in "njq" or flag in ("vn", "an", "l", "b")


def _ends_phrase(tokens: tuple[tuple[str, str], ...], i: int, v: Vocabulary, after_noun: bool) -> bool:
    """Where a noun phrase after a figure gives way to what is said about it."""
    word, flag = tokens[i]
    nxt = tokens[i + 1] if i + 1 < len(tokens) else ("", "")
    modifies = any(w == "的" for w, _ in tokens[i + 1:i + 3])  # 「有党员的非公企业」
    if modifies:
        return False
    if word in v.cut or flag == "i":
        return True
    if word in ("和", "与", "及", "、") and nxt[1] == "m":
        return True  # 「1名指导领导和若干名党建指导员」: another count begins
    if not after_noun:
        return False
    # 「实际控制/人」「协调/委员会」: a verb before the head noun is part of the name.
    compound = nxt[1].startswith("n") and (len(nxt[0]) == 1 or i + 2 == len(tokens))
    return flag == "d" or (flag == "v" and not compound)


def label_after(region: str, v: Vocabulary, subjects: list[str], predicate: bool = False) -> str:
    """「重点企业相继成立党组织」 → 重点企业: what a figure before these words counts.

    A duration (连续4年…) is followed by what went on that long, so `predicate` reads on past verbs.
    """
    tokens = _tokens(region.removeprefix("的"))
    if len(tokens) >= 2 and tokens[1][0] == "的" and tokens[0][1] == "a":
        tokens = tokens[2:]  # 「8米多高的货架」 → 货架
    words: list[str] = []
    after_noun = False
    for i, (word, flag) in enumerate(tokens):
        if word == "的":
            after_noun = False
        elif not predicate and _ends_phrase(tokens, i, v, after_noun):
            break
        words.append(word)
        after_noun = after_noun or _nounish(flag)
    if predicate:
        words = _words(_strip_front("".join(words), v, subjects))
    elif not any(_nounish(flag) for _, flag in _tokens("".join(words))):
        return ""  # 「400户扩展至750户」: no noun, so the label is on the other side
    return _cap(_tidy(words), from_end=False)


_BEFORE_FIRST = {"money", "percent", "ratio", "rank"}


@dataclass
class _Sentence:
    text: str
    offset: int  # where it starts in its paragraph
    figures: list[tuple[int, int]]  # the other figures in it, as sentence positions
    dates: list[tuple[int, int]]

    def breaks_at(self, i: int, names: list[tuple[int, int]]) -> bool:
        """Punctuation ends a clause; so does a quotation mark, unless it encloses a short name (“三有”企业)."""
        ch = self.text[i]
        return ch in _BREAKS or (ch in "“”‘’「」\"" and not any(s <= i < e for s, e in names))


@dataclass
class _Around:
    """The words on either side of a figure, within its clause and up to the next figure or date."""

    before: str
    after: str
    follows_figure: bool  # nothing but a few words between this figure and the one before (「1214户6847人」)

    @property
    def opens_phrase(self) -> bool:
        return bool(re.match(r"[\u4e00-\u9fff“‘「]", self.after)) and not self.after.startswith("的")


def _around(sent: _Sentence, fig: _Figure) -> _Around:
    start, end = fig.match.start() - sent.offset, fig.match.end() - sent.offset
    names = _spans(_SHORT_QUOTE, sent.text)
    clause = max([i + 1 for i in range(start) if sent.breaks_at(i, names)] + [0])
    after_figure = max([e for s, e in sent.figures if clause <= e <= start], default=-1)
    after_date = max([e for s, e in sent.dates if clause <= e <= start], default=-1)
    right = min([i for i in range(end, len(sent.text)) if sent.breaks_at(i, names)]
                + [s for s, e in sent.figures + sent.dates if s >= end] + [len(sent.text)])
    before = sent.text[max(clause, after_figure, after_date):start]
    return _Around(before, sent.text[end:right], after_figure >= max(clause, after_date))


def _label(sent: _Sentence, fig: _Figure, v: Vocabulary, subjects: list[str], previous: str) -> str:
    """Read the label on the side the figure's kind puts it: 81家重点企业, but 产业规模达77亿元.

    When neither side holds a noun phrase, the words right after the figure stand in.
    """
    around = _around(sent, fig)
    kind = _kind(fig.match, v)
    # What lasted (连续4年被评为…) or what a share did (80%的党员培养成骨干) is read as a predicate, verbs and all.
    predicate = kind == "percent" or (kind == "time" and around.opens_phrase)
    after = label_after(around.after, v, subjects, predicate) if around.after[:1] not in "、，" else ""
    gap = "".join(_strip(_words(around.before), v.link, at_start=False))
    if around.follows_figure and previous and len(gap) <= 2 and "、" not in gap:
        before = previous  # 「覆盖群众1214户6847人」「从400户扩展至750户」: the same thing counted again
    else:
        before = label_before(around.before.rsplit("、", 1)[-1] if around.follows_figure else around.before,
                              v, subjects)
    fallback = around.after.removeprefix("的")[:LABEL_MAX] or around.before[-LABEL_MAX:]
    if kind == "time":
        if predicate and "的" in after[1:]:
            after = after[:after.index("的", 1)]  # 「连续5年入围…100强的互联网医疗企业」: what lasted, not who
        ahead = next((w for w in v.span_verbs if around.before.rstrip().endswith(w)), "")
        if ahead and (after if predicate else before):  # 「提前3个月完成…工程」: ahead of time, not how long
            return _cap(_words(ahead.removesuffix("了") + (after if predicate else before)), from_end=False)
        return (after if predicate else before or after) or fallback
    if kind in _BEFORE_FIRST and around.opens_phrase and _ends_with_verb(around.before, v):
        return before + around.after[:LABEL_MAX - len(before)]  # 「党的工作实现100%全域覆盖」 → 党的工作全域覆盖
    if kind in _BEFORE_FIRST or around.after.startswith("的"):
        return before or after or fallback
    if after in v.containers and before:
        return before  # 「提供可选服务近百项菜单」 counts services, not menus
    return (_defined(after, around, v, gap, previous) if after else "") or after or before or fallback


def _defined(noun: str, around: _Around, v: Vocabulary, gap: str, previous: str) -> str:
    """The noun after a figure with the verb that defines the group it counts, when the clause has one:
    「269家企业完成“党建入章”」 → 完成“党建入章”的企业, 「带动12户牧民」 → 带动牧民,
    「为87家企业提供授信额度」 → 获授信额度的企业. Empty when there is none or the label would be too long."""
    after = around.after.removeprefix("的")
    rest = after[len(noun):] if after.startswith(noun) else ""
    before = "".join(_strip(_words(around.before), v.link, at_start=False))
    label = ""
    if rest and around.before.endswith(tuple(v.beneficiary)):
        verb = next((g for g in v.giving_verbs if rest.startswith(g)), "")
        thing = rest[len(verb):].rsplit("等", 1)[-1]
        label = f"获{thing}的{noun}" if verb and thing else ""
    elif (verb := _verb_before(before, v)) or (around.follows_figure and gap[-1:] in ("和", "、", "及", "与")
                                              and (verb := next((g for g in v.group_verbs
                                                                 if previous.startswith(g)), ""))):
        label = verb + noun  # 「带动10家合作社、180户养殖大户」 → 带动养殖大户
    elif rest:
        tokens = _tokens(rest)
        i = 0
        while i < len(tokens) and not "".join(w for w, _ in tokens[i:]).startswith(tuple(v.group_verbs)) \
                and (tokens[i][1] == "d" or tokens[i][0] in v.lead):
            i += 1  # 「相继」「全部」
        tail = "".join(w for w, _ in tokens[i:])
        if tail.startswith(tuple(v.group_verbs)):
            label = f"{tail}的{noun}"
    return label if len(label) <= LABEL_SHOW else ""


def _verb_before(before: str, v: Vocabulary) -> str:
    """The group verb right before a figure, or before the examples it lists: 「联动欧亚乳业等13家」 → 联动."""
    if before.endswith(tuple(v.group_verbs)):
        return next(g for g in v.group_verbs if before.endswith(g))
    if before.endswith("等"):
        head = re.split(r"[，；。]", before)[-1].split("、")[0]  # the verb stands before the list's first item
        found = [(head.rfind(g), g) for g in v.group_verbs if g in head]
        return max(found)[1] if found else ""
    return ""


def _ends_with_verb(region: str, v: Vocabulary) -> bool:
    words = _strip(_words(region), v.link, at_start=False)
    return bool(words) and words[-1] in v.cut


def _kind(match: re.Match, v: Vocabulary) -> str:
    return "rank" if match["ordinal"] else v.units[match["unit"]]


# -- companies ------------------------------------------------------------------


@dataclass
class _Company:
    name: str
    aliases: list[str]


def _company_names(text: str) -> list[str]:
    """Full company names: the words before 有限公司/集团 back to where the name must begin.

    A bracketed place just before the suffix is part of the name: 刘兰生物医药科技（江苏）有限公司.
    """
    names = []
    for m in _COMPANY_SUFFIX.finditer(text):
        head = text[max(0, m.start() - 24):m.start()]
        bracket = re.search(r"[（(][^（）()]{1,6}[)）]$", head)
        tail = bracket.group() if bracket else ""
        head = head[: len(head) - len(tail)]
        stop = _COMPANY_STOP.match(head)
        head = head[stop.end():] if stop else head
        words = _tokens(head)
        while len(words) > 1 and words[0][1] == "v":  # 「聚集苏州清越光电…」: the verb is not the name
            head, words = head[len(words[0][0]):], words[1:]
        if len(head) >= 2:
            names.append(head + tail + m.group())
    return names


def _aliases(name: str) -> list[str]:
    """Shorter forms a text uses for a company named in full: 兰州东金硅业有限公司 → 东金硅业, 兰州东金 …"""
    core = re.sub(r"（.*?）|\(.*?\)", "", _COMPANY_SUFFIX.sub("", name))
    bases = [core]
    first = _tokens(core)[0] if core else ("", "")
    if first[1] == "ns" and len(first[0]) >= 2:
        bases.append(core[len(first[0]):])  # without the place it is registered in
    return sorted({b[:k] for b in bases for k in range(4, len(b) + 1)} | {name}, key=len, reverse=True)


def companies(article) -> list[_Company]:
    """The companies an article names in full, with the short names it gives them."""
    found: dict[str, _Company] = {}
    for para in article.paragraphs:
        for name in _company_names(para.text):
            found.setdefault(name, _Company(name, _aliases(name)))
        for m in _SHORT_NAME.finditer(para.text):
            named = [c for c in found.values() if c.name in para.text[:m.start()]]
            if named:
                named[-1].aliases.insert(0, m.group(1))
    return list(found.values())


def _named(text: str, known: list[_Company]) -> _Company | None:
    return next((c for c in known for a in c.aliases if text.startswith(a)), None)


def _clauses(sentence: str) -> list[tuple[int, str]]:
    out, start = [], 0
    for i, ch in enumerate(sentence):
        if ch in "，。；：！？“”":
            out.append((start, sentence[start:i]))
            start = i + 1
    out.append((start, sentence[start:]))
    return out


def company_of(sentence: str, pos: int, next_sentence: str, known: list[_Company], last: _Company | None,
               v: Vocabulary, park_names: list[str]) -> _Company | None:
    """The company a figure is about: one that opens a clause of its sentence before the figure
    (「百源基因投资2亿元」, 「该公司…获得67项专利」), or the company of whoever is quoted saying it."""
    for start, clause in _clauses(sentence):
        if start > pos:
            break
        for head in _heads(_DATE_HEAD.sub("", clause), v, park_names):
            if last is not None and any(head.startswith(a) for a in v.company_anaphora):
                return last
            company = _named(head, known)
            if company is not None and not _lists_examples(head, company):
                return company
    if sentence.lstrip().startswith("“") and _SPEAKS.search(next_sentence[:40]):
        return _named(next_sentence, known)
    return None


def _lists_examples(clause: str, company: _Company) -> bool:
    """「甘肃莱安、德福新材料等7家企业」 names examples of a group, not the subject."""
    alias = next(a for a in company.aliases if clause.startswith(a))
    return "等" in clause[len(alias):]


def _last_named(text: str, known: list[_Company]) -> _Company | None:
    """The company named last in `text`, which 「该公司」 and 「公司」 point back to."""
    at = {c.name: max(text.rfind(a) for a in c.aliases) for c in known}
    named = [c for c in known if at[c.name] >= 0]
    return max(named, key=lambda c: at[c.name]) if named else None


# -- extraction -----------------------------------------------------------------


def _sentences(text: str) -> list[tuple[int, str]]:
    out, pos = [], 0
    for sentence in split_sentences(text):
        pos = text.index(sentence, pos)
        out.append((pos, sentence))
        pos += len(sentence)
    return out


@dataclass
class _Names:
    """The companies an article names, and the parks of the registry: the subjects of its sentences."""

    companies: list[_Company]
    parks: list[str]

    @property
    def subjects(self) -> list[str]:
        """What a label must not start with (「威海火炬高新区引进…」, 「百源基因投资…」)."""
        return _longest_first([a for c in self.companies for a in c.aliases] + self.parks)


def extract_facts(articles, registry: Registry, v: Vocabulary | None = None) -> list[Fact]:
    """Every figure of every article, in reading order; the registry's names are subjects, not labels."""
    v = v or vocabulary()
    park_names = _longest_first(n for p in registry.parks for n in p.names() if len(n) > 2)
    facts: list[Fact] = []
    for article in articles:
        names = _Names(companies(article), park_names)
        previous = ""
        for para in article.paragraphs:
            facts += _paragraph_facts(article, para, previous, names, v)
            previous = para.text
    return _merge_repeats(facts)


def _merge_repeats(facts: list[Fact]) -> list[Fact]:
    """The same figure reported twice in one article is one fact with two sources:
    「“三有”企业402家」 and later 「402家“三有”非公企业」."""
    kept: list[Fact] = []
    for fact in facts:
        same = next((k for k in kept if _repeats(k, fact)), None)
        if same is None:
            kept.append(fact)
        else:
            same.sources += fact.sources
    return kept


def _repeats(a: Fact, b: Fact) -> bool:
    if (a.article_id, a.value, a.company, a.scope, a.status) != (b.article_id, b.value, b.company, b.scope, b.status):
        return False
    # Two 「4条产业链」 of one article may be different chains; a shared name (“三有”) makes them one group.
    names = set(_SHORT_QUOTE.findall(a.label)) & set(_SHORT_QUOTE.findall(b.label))
    return bool(names) and a.label[-1] == b.label[-1]


def _paragraph_facts(article, para, previous: str, names: _Names, v: Vocabulary) -> list[Fact]:
    """The figures of one paragraph; `previous` is the paragraph before, where 「该公司」 may point."""
    figures = find_figures(para.text, v)
    sentences = _sentences(para.text)
    dates = _spans(_DATE, para.text)
    subjects = names.subjects
    out: list[Fact] = []
    for fig in figures:
        k, sent = _sentence_of(fig, sentences, figures, dates)
        following = sentences[k + 1][1] if k + 1 < len(sentences) else ""
        last = _last_named(previous + para.text[:fig.start], names.companies)
        company = company_of(sent.text, fig.start - sent.offset, following, names.companies, last, v, names.parks)
        m = fig.match
        clause = _clause_before(sent, fig)
        out.append(Fact(
            label=_label(sent, fig, v, subjects, out[-1].label if out else ""),
            value=para.text[fig.start:fig.end],
            number=_number(m),
            unit=m["unit"] + (m["per"] or ""),
            qualifier="".join(q for q in (m["prefix"], m["before_mult"], m["inner"], m["suffix"]) if q),
            sentence=sent.text.strip(),
            article_id=article.article_id,
            paragraph=para.n,
            park=article.park,
            company=company.name if company else "",
            text=m.group(),
            kind=_kind(m, v),
            status=_status(clause, v),
            scope=(_scope(para.text, sent, fig, clause, out, v, following, previous, company.name if company else "")
                   or _local(para.text, sent, v)),
            period=_period(sent.text[:fig.match.start() - sent.offset], clause, v),
        ))
        out[-1].subject = _subject(out[-1].label, v)
        stem = re.sub(rf"(?:{_alternatives(v.fields + v.topic_suffixes)})$", "", out[-1].scope)
        if stem and stem in out[-1].label:
            out[-1].scope = ""  # 「高端制造业企业」 says its field already
        out[-1].sources = [{"article_id": article.article_id, "paragraph": para.n, "sentence": out[-1].sentence}]
    out = _pairs(para.text, figures, out, v)
    for w in _word_figures(para.text, v, out):
        k, sent = _sentence_of(_Figure(w.match, w.start, w.end), sentences, figures, dates)
        fact = Fact(label=w.label, value=w.value, number=w.number, unit=w.unit, qualifier=w.qualifier,
                    sentence=sent.text.strip(), article_id=article.article_id, paragraph=para.n, park=article.park,
                    text=w.text, kind=w.kind,
                    scope=_person(para.text, sent, sent.text[:w.start - sent.offset], v) or _local(para.text, sent, v),
                    period=_period(sent.text[:w.start - sent.offset], "", v))
        fact.subject = _subject(fact.label, v)
        fact.sources = [{"article_id": article.article_id, "paragraph": para.n, "sentence": fact.sentence}]
        out.append(fact)
    return sorted(out, key=lambda f: para.text.find(f.text))


@dataclass
class _WordFigure:
    """A figure written in Chinese numerals or as an ordinal (蝉联第一, 八连升, 三个, 半年, 万头)."""

    match: re.Match
    start: int
    end: int
    value: str
    number: float
    unit: str
    kind: str
    label: str
    text: str
    qualifier: str = ""


_CN_NUM = "[一二两三四五六七八九十]+"


def _word_figures(text: str, v: Vocabulary, facts: list[Fact]) -> list[_WordFigure]:
    """Chinese numerals and ordinals where the words around them make a statistic; see stat_words.toml."""
    out: list[_WordFigure] = []
    for m in re.finditer(rf"({_alternatives(v.rank_verbs)})(第({_CN_NUM}))(?![\u4e00-\u9fff])", text):
        titles = _BOOK_TITLE.findall(text[:m.start()])
        name = re.sub(r"^\d{4}年度?", "", titles[-1].strip("《》")) if titles else ""
        out.append(_WordFigure(m, m.start(2), m.end(), m.group(2), chinese_number(m.group(3)), "名", "rank",
                               f"{name}排名" if name else "排名", m.group(), m.group(1)))
    for m in re.finditer(rf"({_CN_NUM})({_alternatives(v.streaks)})", text):
        ranked = [f for f in facts if f.kind == "rank" and text.find(f.text) < m.start()]
        label = ranked[-1].label if ranked else "排名"
        out.append(_WordFigure(m, m.start(), m.end(), m.group(), chinese_number(m.group(1)), m.group(2), "rank",
                               label, m.group()))
    verbs = _alternatives(v.group_verbs + v.count_verbs)
    for m in re.finditer(rf"({verbs})([两三四五六七八九十]{{1,2}})([个家户名])(?!大)", text):
        noun = label_after(text[m.end():m.end() + 20].split("，")[0], v, [])
        if noun:
            out.append(_WordFigure(m, m.start(2), m.end(), m.group(2) + m.group(3), chinese_number(m.group(2)),
                                   m.group(3), v.units[m.group(3)], f"{m.group(1)}{noun}", m.group(2) + m.group(3)))
    if v.grouped:  # 「划分五大产业片区」「三级组织体系」: how many zones, how many levels
        for m in re.finditer(rf"([两三四五六七八九十])([大级])([\u4e00-\u9fff]{{0,6}}?(?:{_alternatives(v.grouped)}))",
                             text):
            out.append(_WordFigure(m, m.start(), m.end(), m.group(1) + m.group(2), chinese_number(m.group(1)),
                                   m.group(2), "count", m.group(3), m.group(1) + m.group(2)))
    for m in re.finditer(rf"({_alternatives(v.span_verbs)})(半年|({_CN_NUM})(年|个月|天))", text):
        number = 0.5 if m.group(2) == "半年" else float(chinese_number(m.group(3)))
        before = label_before(text[:m.start()].rsplit("，", 1)[-1], v, [])
        verb = m.group(1).removesuffix("了")
        out.append(_WordFigure(m, m.start(2), m.end(), m.group(2), number, m.group(4) or "年", "time",
                               f"{before}{verb}" if before else verb, m.group(2)))
    for m in re.finditer(rf"(?<![一二两三四五六七八九十百千万数几近超\d])([十百千万])([头亩只])(?=[^，。；]{{0,10}}?"
                         rf"(?:{_alternatives(v.scale_places)}))", text):
        place = re.match(rf"[^，。；]{{0,10}}?(?:{_alternatives(v.scale_places)})", text[m.end():])
        assert place is not None
        out.append(_WordFigure(m, m.start(), m.end(), m.group(), chinese_number(m.group(1)), m.group(2), "count",
                               f"{place.group()}规模", m.group()))
    return out


def _clause_before(sent: _Sentence, fig: _Figure) -> str:
    """The words of a figure's clause before it (「规划新建超10万平方米科创载体、」 for the second figure)."""
    start = fig.match.start() - sent.offset
    names = _spans(_SHORT_QUOTE, sent.text)
    clause = max([i + 1 for i in range(start) if sent.breaks_at(i, names)] + [0])
    return sent.text[clause:start]


def _status(clause: str, v: Vocabulary) -> str:
    """planned (规划新建), target (力争), expected (预计) or done: the first cue in the clause before the figure."""
    for word in v.not_status:
        clause = clause.replace(word, "")
    found = [(clause.find(w), status) for status, words in v.status_words.items() for w in words if w in clause]
    return min(found)[1] if found else "done"


def _scope(text: str, sent: _Sentence, fig: _Figure, clause: str, earlier: list[Fact], v: Vocabulary,
           following: str = "", previous: str = "", company: str = "") -> str:
    """Where or of what a figure counts when that is narrower than the park: a 「其中」 subset, a share of
    the group just counted, the sub-park 「该园区」 points back to, the person 「他」 is, the unit of who is
    quoted, or the industry its sentence is about."""
    if clause.lstrip().startswith(tuple(v.subset)):
        return _subset_of(sent, clause, earlier, v)
    if per := re.search(rf"每(?:{_alternatives(v.per_units)})", clause):
        nouns = list(itertools.takewhile(lambda t: _nounish(t[1]), _tokens(clause[per.end():])))
        if nouns:
            return per.group() + "".join(w for w, _ in nouns)  # 「每条产业链明确1名指导领导」
    last = earlier[-1] if earlier and earlier[-1].sentence == sent.text.strip() else None
    if (last is not None and last.kind == "people" and _kind(fig.match, v) == "percent"
            and sent.text[:fig.match.start() - sent.offset].rstrip().endswith(f"{last.text}，{clause.strip()}")):
        return f"{last.label}中"  # 「发展党员54名，企业管理层、技术骨干占比超80%」
    if person := _person(text, sent, clause, v):
        return person
    if not company and sent.text.lstrip().startswith("“") and (speaker := _speaker_unit(following, v)):
        unit = re.findall(rf"([^的，。；在“”]{{0,6}}{re.escape(speaker)})", previous + text[:sent.offset])
        return unit[-1] if unit else speaker
    before = sent.text[:fig.match.start() - sent.offset]
    if any(a in before for a in v.place_anaphora):
        place = _last_place(text[:sent.offset + min(before.find(a) for a in v.place_anaphora if a in before)], v)
        if place:
            return place
    topic = re.match(rf"^[\u4e00-\u9fff]{{2,10}}?(?:{_alternatives(v.topic_suffixes)})"
                     rf"(?=(?:{_alternatives(v.topic_links)}))", sent.text.lstrip())
    field_ = re.match(rf"^(?:{_alternatives(v.lead)})?[，,]?在(?:[^，。；]*的)?"
                      rf"([\u4e00-\u9fff]{{2,12}}?(?:{_alternatives(v.fields)}))[，,]", sent.text.lstrip())
    return topic.group() if topic else field_.group(1) if field_ else ""


def _person(text: str, sent: _Sentence, clause: str, v: Vocabulary) -> str:
    """「目前，他已带动12户牧民」: the person named before whose figure it is (道吉才布旦)."""
    if not clause.lstrip().split("，")[-1].lstrip("目前已还").startswith(tuple(v.person_pronouns)):
        return ""
    names = re.findall(r"(?:[\u4e00-\u9fff]+/nr )+", " ".join(f"{w}/{f}" for w, f in _tokens(text[:sent.offset])))
    return re.sub(r"/nr ", "", names[-1]) if names else ""


def _speaker_unit(after_quote: str, v: Vocabulary) -> str:
    """「基地负责人看召甲介绍」 → 基地: the unit of whoever a quotation is attributed to."""
    m = re.match(rf"^[”\s]*([\u4e00-\u9fff]{{2,12}}?)(?:{_alternatives(v.speaker_roles)})", after_quote)
    return m.group(1) if m and _SPEAKS.search(after_quote[:30]) else ""


def _local(text: str, sent: _Sentence, v: Vocabulary) -> str:
    """The township (and unit) the latest sentence of the paragraph opened with, unless one since opened park-wide."""
    place = ""
    for _, sentence in _sentences(text[:sent.offset + len(sent.text)]):
        opening = re.sub(rf"^(?:{_YEAR_PERIOD}|{_alternatives(v.periods)}|值得一提的是|目前|如今|在)?[，,]?",
                         "", sentence.lstrip())
        m = re.match(rf"[\u4e00-\u9fff]{{1,6}}?(?:{_alternatives(v.local_suffixes)})"
                     rf"(?:{_alternatives(v.local_units)})?(?=(?:{_alternatives(v.local_follow)}))", opening)
        if m:
            place = m.group()
        elif opening.startswith(tuple(v.park_wide)):
            place = ""
    return place


def _subset_of(sent: _Sentence, clause: str, earlier: list[Fact], v: Vocabulary) -> str:
    """「…全部建立党组织，其中党委4个」 → 建立的党组织中; 「党员1732名，其中…」 → 党员中."""
    at = sent.text.find(clause.lstrip())
    before = sent.text[:at].rstrip("，；：,; ")
    if earlier and earlier[-1].sentence == sent.text.strip() and before.endswith(earlier[-1].text):
        return f"{earlier[-1].label}中"
    words = _words(re.split(r"[，；：,;]", before)[-1])
    for i in range(len(words) - 1, -1, -1):
        if words[i] in v.cut and i + 1 < len(words):
            return f"{words[i]}的{''.join(words[i + 1:])}中"
    return next(w for w in v.subset if clause.lstrip().startswith(w))  # 「其中」 of the sentence before


def _last_place(text: str, v: Vocabulary) -> str:
    """The last sub-park named in `text`: 「走进淮海生物医药产业园」 → 淮海生物医药产业园."""
    for end in reversed([m.end() for m in re.finditer(_alternatives(v.place_suffixes), text)]):
        tokens = list(_tokens(text[:end]))
        name: list[str] = []
        while tokens and (_nounish(tokens[-1][1]) or not name):
            name.insert(0, tokens.pop()[0])
        if len(name) > 1:
            return "".join(name)
    return ""


_YEAR_PERIOD = r"\d{4}年(?:度)?(?:上半年|下半年|前三季度|[一二三四]季度|以来)?|(?:今年|去年)?\d{1,2}月以来"


def _period(before: str, clause: str, v: Vocabulary) -> str:
    """The time the sentence gives before a figure: 2024年, 2025年上半年, 今年以来 — for a stock
    (现有党员1732名) only one given in its own clause."""
    pattern = rf"{_YEAR_PERIOD}|{_alternatives(v.periods)}"
    found = list(re.finditer(pattern, clause if any(w in clause for w in v.stock_words) else before))
    return found[-1].group() if found else ""


def _subject(label: str, v: Vocabulary) -> str:
    """What is counted: the head of 「完成“党建入章”的企业」 is 企业, of 「辐射链上企业」 链上企业."""
    head = label.rsplit("的", 1)[-1] if "的" in label and not label.endswith("的") else label
    first = _words(head)[0] if head else ""
    return head[len(first):] if first in v.group_verbs + v.per_head + ["获"] and len(head) > len(first) else head


def _pairs(text: str, figures: list[_Figure], facts: list[Fact], v: Vocabulary) -> list[Fact]:
    """Figures that belong together become one fact: 「从400户扩展至750户」 is a change from 400户 to 750户,
    and 「连续3年…900头以上」 gives 900头 its period rather than being a figure of its own."""
    drop: set[int] = set()
    for i in range(len(facts) - 1):
        a, b, fa, fb = facts[i], facts[i + 1], figures[i], figures[i + 1]
        if a.sentence != b.sentence:
            continue
        between = text[fa.match.end():fb.match.start()]
        if (a.unit == b.unit and between in v.change_to
                and text[:fa.match.start()].endswith(tuple(v.change_from))):
            b.change = {"from": a.text, "to": b.text}
            b.label, b.subject = a.label, a.subject
            drop.add(i)
        elif (a.kind == "time" and fa.match["prefix"] == "连续" and b.kind != "time"
              and not re.search(r"[，。；：！？]", between)):
            b.period = a.text
            drop.add(i)
    return [f for i, f in enumerate(facts) if i not in drop]


def _sentence_of(fig: _Figure, sentences: list[tuple[int, str]], figures: list[_Figure],
                 dates: list[tuple[int, int]]) -> tuple[int, _Sentence]:
    """The sentence a figure is in, with the other figures and the dates around it."""
    k, (offset, text) = next((k, s) for k, s in enumerate(sentences) if s[0] <= fig.start < s[0] + len(s[1]))

    def local(spans) -> list[tuple[int, int]]:
        return [(s - offset, e - offset) for s, e in spans if offset <= s < offset + len(text)]

    return k, _Sentence(text, offset, local(f.match.span() for f in figures if f is not fig), local(dates))


# -- reading and ordering ---------------------------------------------------------


def load_facts(corpus_dir: Path) -> list[Fact]:
    path = corpus_dir / FACTS_FILE
    if not path.exists():
        return []
    return [Fact(**f) for f in json.loads(path.read_text(encoding="utf-8"))]


def headline_rank(fact: Fact, v: Vocabulary | None = None) -> int:
    topics = (v or vocabulary()).headline
    return next((i for i, t in enumerate(topics) if t.covers(fact)), len(topics))


def headline(facts: list[Fact], count: int, v: Vocabulary | None = None) -> list[Fact]:
    """A few figures for an overview: the first complete one of each headline topic, then the next
    complete ones, and only then others.

    `facts` are in headline order already (facts_for).
    """
    v = v or vocabulary()
    topics = len(v.headline)
    firsts: dict[int, Fact] = {}
    # A figure whose label says all (done, the whole park's, not a company's) before one that needs its fields.
    ordered = sorted(facts, key=lambda f: not complete(f, v))
    for fact in ordered:
        rank = headline_rank(fact, v)
        if rank < topics and rank not in firsts and complete(fact, v):
            firsts[rank] = fact
    chosen = sorted(firsts.values(), key=ordered.index)[:count]
    rest = [f for f in ordered if f not in chosen]
    return sorted(chosen + rest[: count - len(chosen)], key=facts.index)


def complete(fact: Fact, v: Vocabulary | None = None) -> bool:
    """Done, park-wide and the park's own, with a label that names a thing: a figure that reads right as
    「label：value」 in an overview. A head word alone (「企业」「全国」) or a share with nothing before it
    (「占比为…」) tells too little."""
    telling = len(fact.label) > 2 and not fact.label.startswith(tuple((v or vocabulary()).incomplete_starts))
    return telling and fact.status == "done" and not fact.scope and not fact.company and fact.change is None


def facts_for(park: str, facts: list[Fact], v: Vocabulary | None = None) -> list[Fact]:
    """A park's figures, headline topics first; the park's own before its companies', then in reading order."""
    mine = [f for f in facts if f.park == park]
    return sorted(mine, key=lambda f: (headline_rank(f, v), bool(f.company)))


@dataclass
class Overview:
    """A park as /park shows it: the name resolved, its figures, and the few that head its overview."""

    resolution: Resolution
    facts: list[Fact]
    headline: list[Fact]


def overview(res: Resolution, facts: list[Fact], v: Vocabulary | None = None) -> Overview:
    return Overview(res, facts, headline(facts, HEADLINE_FACTS, v) if res.status == "ok" else [])
