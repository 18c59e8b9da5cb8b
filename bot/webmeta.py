"""The lines a web article carries besides its text: when, where from, who wrote and edited it.

A page copied from a news site has a `2024年05月13日来源:中国江苏网` or
`发布时间：… 来源：…` line under the title, a dateline opening the first
paragraph (「龙虎网讯(通讯员 任乐萍 记者 汤鑫磊)」), and editor or source
credits at the end (「（责任编辑：王珏）」). None of them is text a reader
asks about: left in, the source line became every paragraph's section
heading and the dateline the first words of the first paragraph. They are
read into the article's metadata (date, source, byline, editor) instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.patterns import lazy

_DATE = lazy(r"(\d{4})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})\s*日?"
             r"(?:\s*\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)?")
_SOURCE = lazy(r"来源[:：]\s*([^\s|｜【】\[\]()（）]+)")
_AUTHOR = lazy(r"(?:作者|记者|通讯员)[:：]\s*([^\s|｜【】\[\]()（）]+(?: [^\s|｜【】\[\]()（）:：]+)*)")
# A short line that is only publication data: a date and/or 来源/发布时间/浏览次数 …
_META_LINE = lazy(r"((?<!图片)来源[:：]|发布时间|发布日期|发表时间|时间[:：]|浏览次数"
                  r"|点击[数量率]?[:：]|字号[:：]|字体[:：])")
# 「（责任编辑：王珏）」「编辑：张三」「[责任编辑:李四]」「审核：…」: credits for the people who handled the page.
_CREDIT = lazy(r"^[（(\[【]?\s*(责任编辑|责编|编辑|审核|审校|校对|终审|编审|来源|作者|撰稿|稿件来源|原标题)"
               r"\s*[:：]\s*"
               r"(?P<who>[^（()）\[\]【】]{1,40}?)\s*[)）\]】]?$")
# Web-page furniture that is no text at all.
_FURNITURE = lazy(r"^[【\[]?(打印|关闭|关闭窗口|分享到|返回顶部|扫一扫|字号|字体)[】\]：:]?|^【(打印|关闭)")
# 「龙虎网讯(通讯员 任乐萍 记者 汤鑫磊)」「中国江苏网5月13日讯」「新华社南京5月13日电」「本报讯」: who reports from
# where, opening the first paragraph; a byline in brackets may follow.
_DATELINE = lazy(
    r"^(?P<source>本报|[\u4e00-\u9fffA-Za-z]{1,10}?(?:网|报|社|台|客户端|新闻))"
    r"(?P<where>[\u4e00-\u9fff]{0,6}?)(?P<day>\d{1,2}月\d{1,2}日)?(?:讯|(?<=日)电)"
    r"(?:\s*[（(](?P<byline>[^（()）]{0,60})[)）])?\s*"
)
_DATELINE_BYLINE_WORDS = lazy(r"记者|通讯员|实习生|见习")


@dataclass
class Meta:
    """What a metadata line said; empty fields said nothing."""

    date: str = ""
    source: str = ""
    byline: str = ""
    editor: str = ""


def _date(text: str) -> str:
    match = _DATE.search(text)
    if not match:
        return ""
    year, month, day = match.groups()
    return f"{year}-{int(month):02d}-{int(day):02d}"


def meta_line(text: str) -> Meta | None:
    """The metadata a whole line holds, or None when it is a line of the article.

    A line counts only when it is short and unfinished (no sentence end), so a paragraph
    that mentions a 来源 is never taken for one.
    """
    text = text.strip()
    if not text or len(text) > 100 or re.search(r"[。！？；]$", text):
        return None
    if _FURNITURE.match(text):
        return Meta()
    credit = _CREDIT.match(text)
    if credit:
        role, who = credit.group(1), credit.group("who").strip()
        if role in ("来源", "稿件来源"):
            return Meta(source=who)
        if role in ("作者", "撰稿"):
            return Meta(byline=who)
        if role == "原标题":
            return Meta()
        return Meta(editor=who)
    if not _META_LINE.search(text):
        # A bare publication date: 「2024-05-13 10:23」「2024年05月13日」.
        if _DATE.fullmatch(text):
            return Meta(date=_date(text))
        return None
    source = _SOURCE.search(text)
    author = _AUTHOR.search(text)
    return Meta(date=_date(text), source=source.group(1) if source else "", byline=author.group(1) if author else "")


def split_dateline(text: str) -> tuple[str, Meta]:
    """「龙虎网讯(通讯员 任乐萍 记者 汤鑫磊)近日，…」 → 「近日，…」 and the source and byline it named."""
    match = _DATELINE.match(text)
    if not match:
        return text, Meta()
    byline = match.group("byline") or ""
    if match.group("byline") is not None and not _DATELINE_BYLINE_WORDS.search(byline):
        return text, Meta()  # 「某某网讯（其他内容）」: not a credit, leave the text alone
    source = match.group("source")
    meta = Meta(source="" if source == "本报" else source, byline=re.sub(r"\s+", " ", byline).strip())
    return text[match.end():], meta


def has_dateline(text: str) -> bool:
    return split_dateline(text)[0] != text
