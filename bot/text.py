"""Text normalisation shared by the build, the index and the answers.

Newspaper pages turned into text arrive with line-wrap spaces inside Chinese
words (「国家高 新区」), ASCII punctuation in Chinese sentences and full-width
digits. Everything that compares text — building, indexing, matching a
question — goes through these functions so both sides agree.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from typing import Literal

from bot.patterns import lazy

CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Chinese punctuation and brackets that may sit next to a wrap space.
CJK_PUNCT = "，。、；：？！“”‘’（）《》【】—…·「」『』"
_ASCII_PUNCT = r",.:;!?()\"/"
# Compiled when a text may hold a wrap space (two classes over the Chinese ranges: 2.4 ms), not at every start.
_WRAP_SPACES = " \t\u3000"
_WRAP_SPACE = lazy(f"(?<=[{CJK}{CJK_PUNCT}0-9%{_ASCII_PUNCT}])[{_WRAP_SPACES}]+(?=[{CJK}{CJK_PUNCT}0-9\"(])")
_WRAP_SPACE_AFTER_DIGIT = lazy(f"(?<=[{CJK}{CJK_PUNCT}\"])[{_WRAP_SPACES}]+(?=[0-9%])")
_SENTENCE_END = "。！？；…"
_OPENERS = "“‘（「『《【"
_CLOSERS = "”’）」』》】"

_HALF_TO_FULL = {",": "，", ";": "；", ":": "：", "!": "！", "?": "？", "(": "（", ")": "）"}


def has_cjk(text: str) -> bool:
    """Whether a text holds a Chinese character (CJK's ranges). Compared by hand: a pattern over the ranges
    costs 1.6 ms to compile at every start, and a Chinese text answers at its first character."""
    return not text.isascii() and any(
        "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" or "\uf900" <= ch <= "\ufaff" for ch in text)


def fold_width(text: str) -> str:
    """Full-width letters and digits to ASCII; ideographic space to a space.

    Plain NFKC would also turn Chinese punctuation into ASCII, which we want to keep.
    """
    out = []
    for ch in text:
        code = ord(ch)
        if 0xFF10 <= code <= 0xFF19 or 0xFF21 <= code <= 0xFF3A or 0xFF41 <= code <= 0xFF5A:
            out.append(chr(code - 0xFEE0))
        elif ch == "\u3000" or ch == "\u00a0":
            out.append(" ")
        elif ch == "％":
            out.append("%")
        elif ch == "．":
            out.append(".")
        else:
            out.append(ch)
    return "".join(out)


def join_wrapped(text: str) -> str:
    """Remove the line-wrap spaces of a printed column: 「国家高 新区」 → 「国家高新区」.

    Spaces between Latin words stay (「39AI」 「health and care」).
    """
    if not _may_be_wrapped(text):
        return text
    text = _WRAP_SPACE.sub("", text)
    return _WRAP_SPACE_AFTER_DIGIT.sub("", text)


def _may_be_wrapped(text: str) -> bool:
    """Whether `join_wrapped` may find anything: a space after something other than a space or a Latin letter
    (neither patterns' look-behinds allow those), so questions and 「how many」 need not compile them."""
    if not any(space in text for space in _WRAP_SPACES):
        return False
    return any(ch in _WRAP_SPACES and before not in _WRAP_SPACES and not (before.isascii() and before.isalpha())
               for before, ch in pairwise(text))


def _cjk_context(text: str, i: int) -> bool:
    before = text[i - 1] if i > 0 else ""
    after = text[i + 1] if i + 1 < len(text) else ""
    near = before + after
    return has_cjk(near) or any(c in CJK_PUNCT for c in near) or (before.isdigit() and has_cjk(after))


def fullwidth_punct(text: str) -> str:
    """ASCII , ; : ! ? ( ) next to Chinese become their full-width forms.

    Decimal points and times (「13.7」「8:30」) are left alone because both sides are digits.
    """
    chars = list(text)
    for i, ch in enumerate(chars):
        if ch in _HALF_TO_FULL and _cjk_context(text, i):
            if ch in ",:" and i > 0 and i + 1 < len(text) and text[i - 1].isdigit() and text[i + 1].isdigit():
                continue
            chars[i] = _HALF_TO_FULL[ch]
    return "".join(chars)


def pair_quotes(text: str) -> str:
    """Straight double quotes in Chinese text become “ ” in turn.

    Run on a whole paragraph, not a printed line: a quotation often spans a line break.
    """
    if '"' not in text or not has_cjk(text):
        return text
    parts = text.split('"')
    out = parts[0]
    for n, part in enumerate(parts[1:]):
        out += ("“" if n % 2 == 0 else "”") + part
    return out


def clean_line(text: str) -> str:
    """Everything a body line needs: width folding, wrap-space joining, punctuation."""
    text = unicodedata.normalize("NFC", text)
    text = fold_width(text).strip()
    text = join_wrapped(text)
    text = re.sub(r"[ \t]{2,}", " ", text)
    return fullwidth_punct(text)


def clean_heading(text: str) -> str:
    """Headings keep their single spaces: 「精准摸排建组织 筑牢战斗堡垒」 is two phrases."""
    text = fold_width(unicodedata.normalize("NFC", text)).strip()
    text = re.sub(r"\s+", " ", text)
    text = pair_quotes(fullwidth_punct(text))
    return re.sub(r"(?<=[：，；、])\s+", "", text)


def split_sentences(text: str) -> list[str]:
    """Sentences end at 。！？；… and keep the closing quotes that follow the mark.

    Remembered per text: the same paragraphs are split again for every question they
    are a candidate for (re-ranking, figure checks, excerpts).
    """
    return list(_split_sentences(text))


@lru_cache(maxsize=8192)
def _split_sentences(text: str) -> tuple[str, ...]:
    """See `split_sentences`.

    Inside a quotation a mark ends the sentence only where the quotation closes:
    「“这是移动党群服务中心！进来歇歇脚。”」 is one sentence, not two.
    """
    out, start, depth, i = [], 0, 0, 0
    while i < len(text):
        ch = text[i]
        if ch in _OPENERS:
            depth += 1
        elif ch in _CLOSERS:
            depth = max(depth - 1, 0)
        elif ch in _SENTENCE_END:
            end = i + 1
            while end < len(text) and text[end] in _SENTENCE_END:
                end += 1
            closers = end
            while closers < len(text) and text[closers] in _CLOSERS:
                closers += 1
            if depth - (closers - end) <= 0:
                depth = max(depth - (closers - end), 0)
                out.append(text[start:closers])
                start = i = closers
                continue
            i = end - 1
        i += 1
    out.append(text[start:])
    return tuple(s for s in out if s.strip())


@lru_cache(maxsize=1)
def _t2s():
    from opencc import OpenCC  # opencc-python-reimplemented: pure-Python, full OpenCC tables

    return OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Questions may come in traditional characters (「蘭州高新區」); the corpus is simplified."""
    if not has_cjk(text):
        return text
    return _t2s().convert(text)


# A terminal's escape sequences (an arrow key is ESC [ D) are removed whole, not just their ESC.
_ESCAPE_SEQUENCE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|[@-Z\\-_])")
MAX_QUESTION = 500  # characters searched; a longer message gets a note saying what was searched


def strip_controls(text: str) -> str:
    """Control and format characters, terminal escape sequences and U+FFFD (undecodable bytes) removed.

    Line breaks and tabs stay: a seed's lines matter, and questions fold whitespace later.
    """
    text = _ESCAPE_SEQUENCE.sub("", text or "")
    return "".join(ch for ch in text
                   if ch.isspace() or (unicodedata.category(ch) not in ("Cc", "Cf") and ch != "\ufffd"))


# The last sentence of a text when it is a question: 「……。兰州高新区有多少家企业？」 → 「兰州高新区有多少家企业？」.
_QUESTION_END = re.compile(r"[？?][”’」』）)\s]*$")
_SENTENCE_ENDS = "。！？!?；;…\n"


@dataclass(frozen=True)
class Asked:
    """A message made a question: what is searched, how long the message was, and which part was kept."""

    text: str
    length: int
    kept: Literal["all", "last_question", "start"] = "all"


def _last_question(text: str) -> str:
    """The sentence ending `text` if it is a question, found from the end: a regex scanning for it from the
    start took time quadratic in the length (20,000 characters without punctuation: seconds)."""
    end = _QUESTION_END.search(text)
    if not end:
        return ""
    start = max(text.rfind(mark, 0, end.start()) for mark in _SENTENCE_ENDS) + 1
    return text[start:end.end()].strip() if start < end.start() else ""


def asked(message: str, limit: int = MAX_QUESTION) -> Asked:
    """What to search for a message, in every adapter alike.

    A long paste usually ends with what the user wants to know: if it ends with a question,
    that sentence is searched; otherwise its first `limit` characters are.
    """
    text = strip_controls(message).strip()
    if len(text) <= limit:
        return Asked(text, len(text))
    last = _last_question(text)
    if last and len(last) <= limit:
        return Asked(last, len(text), "last_question")
    return Asked(text[:limit], len(text), "start")


def normalize_query(text: str) -> str:
    """A user's question as the index sees it: simplified, width-folded, wrap spaces removed."""
    text = strip_controls(unicodedata.normalize("NFKC", text or ""))
    text = _TAG.sub(" ", text)  # 「<b>兰州高新区</b>」: markup a user pasted is not part of the question
    text = to_simplified(text)
    text = join_wrapped(text.strip())
    return re.sub(r"\s+", " ", text)


_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]{0,200})?/?>")
_CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_NUMBER = re.compile(
    r"(?<![一二两三四五六七八九十百千万亿第哪])([一二两三四五六七八九十]{1,3})(?=[个家名项条户年大次位种类批期场枚套支])"
)


def _cn_value(numeral: str) -> int | None:
    if "十" not in numeral:
        return _CN_DIGITS.get(numeral) if len(numeral) == 1 else None
    tens, _, ones = numeral.partition("十")
    if len(tens) > 1 or len(ones) > 1:
        return None
    return _CN_DIGITS.get(tens, 1 if not tens else 0) * 10 + _CN_DIGITS.get(ones, 0)


def arabic_numerals(text: str) -> str:
    """Small Chinese numbers before a measure word become digits: 「四大」→「4大」, 「一年」→「1年」.

    Articles write 「4个主导产业」 where a question says 「四大主导产业」; used for
    matching only, never for the text shown to users.
    """
    def repl(match: re.Match) -> str:
        value = _cn_value(match.group(1))
        return str(value) if value else match.group(1)

    return _CN_NUMBER.sub(repl, text)
