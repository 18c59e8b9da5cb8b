"""Follow-ups in a conversation: whether a question continues the previous one, and what it then asks.

The engine answers one question at a time and knows nothing of chats. With each answer
it returns a `Context` (plain data, JSON both ways); a chat keeps the last one and
passes it back with the next question, and `follow` reads that question against it:

- 「那徐州呢？」 names a park and asks nothing: the previous question, about the new park;
- 「它有多少家高企」「那专精特新企业呢」 name no park and read as a continuation (a word of
  corpus/followup.toml opens or closes them): asked within the previous park;
- 「还有呢」 asks for the previous question's next results.

A question that names a park and asks something, or names none and carries no
continuation word, stands alone and is never bent while it finds an answer alone:
answering the wrong park is worse than asking the user to say it in full. One that
finds nothing alone is tried in the park just talked about (`within`), and that answer
stands only where the passage holds the user's own words (the engine checks). After a
park alone (「贵阳高新区」) the bot asked what about it: the next question is the reply.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from bot.text import normalize_query

if TYPE_CHECKING:
    from bot.parks import Registry
    from bot.query import Query

PARK = "{park}"  # where the park's name stands in a context's frame
_END = "？?！!。.，,~～…、；; \t"


@dataclass(frozen=True)
class FollowupWords:
    """corpus/followup.toml, each list longest first (see the file for what each kind of word does)."""

    lead: tuple[str, ...] = ()
    tail: tuple[str, ...] = ()
    subjectless: tuple[str, ...] = ()
    more: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    about: tuple[str, ...] = ()
    subjectless_max: int = 12

    @classmethod
    def load(cls, path: Path) -> FollowupWords:
        if not path.exists():
            return cls()
        raw = tomllib.loads(path.read_text(encoding="utf-8"))

        def words(key: str) -> tuple[str, ...]:
            return tuple(sorted({normalize_query(w) for w in raw.get(key, [])}, key=len, reverse=True))

        return cls(words("lead"), words("tail"), words("subjectless"), words("more"), words("kinds"), words("about"),
                   int(raw.get("subjectless_max", cls.subjectless_max)))


@dataclass(frozen=True)
class Context:
    """What a conversation keeps of its last answer: enough to read the next question by, nothing personal."""

    question: str = ""  # the question answered (as rewritten, when it was a follow-up)
    parks: tuple[str, ...] = ()  # the parks it was about: named, or the answer's; unknown places as written
    frame: str = ""  # the question with PARK where its park's name stood: 「{park}有多少家高新技术企业」
    words: tuple[str, ...] = ()  # what it asked about the park: its content words
    offset: int = 0  # results of this question given before this answer (「还有呢」)
    shown: int = 0  # results this answer gave

    def label(self) -> str:
        """「徐州高新区 · 高新技术企业」: what a follow-up took from the conversation, as data for the views."""
        return " · ".join(part for part in ("、".join(self.parks), " ".join(self.words)) if part)

    def showing(self, count: int) -> Context:
        """The adapter showed only the first `count` results: 「还有呢」 continues after those."""
        return replace(self, shown=min(self.shown, count))

    def to_dict(self) -> dict:
        return {**asdict(self), "parks": list(self.parks), "words": list(self.words)}

    @classmethod
    def from_dict(cls, data: object) -> Context:
        """A context as `ask --json` printed it; ValueError if it is not one."""
        if not isinstance(data, dict):
            raise ValueError("a context is a JSON object")
        texts = {k: data.get(k, "") for k in ("question", "frame")}
        lists = {k: data.get(k, []) for k in ("parks", "words")}
        counts = {k: data.get(k, 0) for k in ("offset", "shown")}
        if not all(isinstance(v, str) for v in texts.values()) \
                or not all(isinstance(v, list) and all(isinstance(w, str) for w in v) for v in lists.values()) \
                or not all(isinstance(v, int) and v >= 0 for v in counts.values()):
            raise ValueError("a context has texts question/frame, lists parks/words and counts offset/shown")
        return cls(texts["question"], tuple(lists["parks"]), texts["frame"], tuple(lists["words"]),
                   counts["offset"], counts["shown"])


@dataclass(frozen=True)
class Turn:
    """A follow-up read: the questions to answer, best first (the first found answers), or the next results."""

    questions: tuple[str, ...]
    more: bool = False


def context_of(query: Query, parks: Sequence[str], written: Sequence[str], offset: int = 0,
               shown: int = 0) -> Context:
    """The context an answer leaves: `parks` it was about, `written` their names as the question spells them."""
    text = _bare(query.normal)
    frame = text
    for name in sorted(written, key=len, reverse=True):
        frame = frame.replace(name, PARK if PARK not in frame else "")
    if PARK not in frame:
        frame = PARK + frame
    words = tuple(c.word for c in query.content if c.word in frame)
    return Context(text, tuple(parks), frame, words, offset, shown)


def follow(query: Query, previous: Context | None, words: FollowupWords, cut: Callable[[str], list[str]],
           registry: Registry) -> Turn | None:
    """The question to answer instead of `query`, when it continues `previous`; None when it stands alone."""
    text = _bare(query.normal)
    if previous is None or not text:
        return None
    if text in words.more:
        return Turn((previous.question,), more=True) if previous.question else None
    lead = _lead(text, words.lead, cut)
    rest = text[len(lead):]
    while more_lead := _lead(rest, words.lead, cut):  # 「那它的…」
        rest = rest[len(more_lead):]
    tail = next((t for t in words.tail if rest.endswith(t) and len(rest) > len(t)), "")
    rest = _bare(rest[:len(rest) - len(tail)])
    own = [c.word for c in query.content if c.word in rest]
    if query.parks and all(w in words.about for w in own):  # 「那徐州呢」「那徐州怎么样」: the previous subject, there
        return _about(previous, [p.name for p in query.parks])
    if query.parks or query.unknown or not own or not previous.parks:
        return None
    if rest in words.kinds:  # 「那高新区呢」 after 兰州新区: 兰州高新区
        sibling = _sibling(registry, previous.parks[0], rest)
        return _about(previous, [sibling]) if sibling else None
    short = rest.startswith(words.subjectless) and len(rest) <= words.subjectless_max
    # After a park alone (「贵阳高新区」) the bot asked what about it: the next question is the answer to that.
    if not (lead or tail or short or not previous.words):
        return None
    park = "、".join(previous.parks)
    alone = park + rest
    if query.intent.kind == "fact" and len(previous.words) == 1 and previous.words[0] != rest:
        # 「那专精特新企业呢」 after 「…有多少家高新技术企业」: the same question about the new thing, if it is found
        swapped = previous.frame.replace(previous.words[0], rest).replace(PARK, park)
        return Turn((swapped, alone))
    return Turn((alone,))


def within(query: Query, previous: Context | None) -> tuple[str, ...]:
    """The question asked in the previous question's park, then about its subject there, tried only when it
    finds nothing on its own: 「有哪些服务」 after a question on 肃北县 asks 肃北县有哪些服务, 「效果咋样」
    after 「泸州高新区怎么搞产业链党建的」 asks about 产业链党建's 效果. Nothing if it names a place of its own."""
    if previous is None or not previous.parks or query.parks or query.unknown or not query.content:
        return ()
    park, rest = "、".join(previous.parks), _bare(query.normal)
    return tuple(dict.fromkeys((park + rest, park + "".join(previous.words) + rest)))


def _about(previous: Context, parks: list[str]) -> Turn | None:
    if not previous.words:
        return None
    return Turn((previous.frame.replace(PARK, "、".join(parks)),))


def _sibling(registry: Registry, name: str, kind: str) -> str | None:
    """The one other park of the same city whose name ends with `kind`."""
    park = registry.get(name)
    if park is None or not park.city:
        return None
    found = [p.name for p in registry.parks if p.city == park.city and p.name != name and p.name.endswith(kind)]
    return found[0] if len(found) == 1 else None


def _lead(text: str, leads: tuple[str, ...], cut: Callable[[str], list[str]]) -> str:
    """The continuation word opening `text`, if it ends where a word ends (「其中」 yes, 「其他」's 其 no)."""
    ends, at = set(), 0
    for word in cut(text):
        at += len(word)
        ends.add(at)
    return next((w for w in leads if text.startswith(w) and len(w) in ends and len(text) > len(w)), "")


def _bare(text: str) -> str:
    return text.strip().strip(_END)


@dataclass
class Conversation:
    """One conversation's last context, forgotten after `quiet` seconds without a question (0: no follow-ups)."""

    quiet: float
    context: Context | None = None
    at: float = 0.0

    def current(self, now: float) -> Context | None:
        if self.context is None or self.quiet <= 0 or now - self.at > self.quiet:
            return None
        return self.context

    def keep(self, context: Context | None, now: float) -> None:
        self.context, self.at = context, now

    def forget(self) -> None:
        self.context = None
