"""Adding the week's article without building everything again: corpus/ and the index extended, not redone.

A full build (bot/ingest.py `plan_build`) parses every seed, places every article, extracts
every figure, and the engine then cuts every paragraph for the index: minutes at 100k
paragraphs, for one new page. Seeds are read in the order of their numbers and a new seed
takes the next one, so in a full build its articles, paragraphs and figures come last, after
everything that was there, and what was there does not depend on them — unless they name a
park the registry lacks: its name then joins the dictionary, which changes how every
paragraph is cut (and so the index) and may place older articles elsewhere. So when the new
articles name no new park, `plan_add` parses, screens, places and extracts only them and
appends them to what corpus/ holds; the engine then extends the saved index with their
paragraphs (`SparseIndex.extend`). The files are byte for byte, the index arrays bit for bit,
what a full build makes (tests/test_incremental.py).

That holds only if corpus/ is what a full build of the current seeds, word lists, registry
and code made. Every build records that in a stamp beside the index (corpus/index/build.json,
a cache like the index): the seeds with a hash of each, a hash of the hand-kept corpus files,
of the build's code and the versions of the libraries it reads text with, the cutter's version,
a hash of each file it wrote, its count of figures and its notes (the repeats it dropped, the
seeds with no article: a build that reads only the new seeds cannot see those again). `add`
extends only when all of it still holds; otherwise — no stamp, a seed or a word list edited,
the code changed, a new park — it builds in full and says why. `remove` always builds in full.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections import Counter, defaultdict
from dataclasses import replace
from pathlib import Path

from bot.ingest import (
    ARTICLES_FILE,
    Article,
    Build,
    build_report,
    dump_after,
    dump_json,
    parse_page,
    screen,
    seed_order,
    seed_paths,
    seed_prefix,
)
from bot.progress import Steps, silent

STAMP_DIR, STAMP_FILE = "index", "build.json"  # corpus/index/ (bot/engine.py INDEX_DIR): a cache, not committed
STAMP_FORMAT = 2
_CODE = Path(__file__).resolve().parent  # bot/: the build's modules
_LIBRARIES = ("jieba", "rjieba", "opencc-python-reimplemented", "rapidfuzz")  # cutting, 繁→简, name matching
_STAMP_KEYS = {"format", "code", "inputs", "cutter", "seeds", "outputs", "notes", "facts"}


def _hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _outputs() -> tuple[str, ...]:
    from bot import parks, stats
    from bot.discover import FOUND_FILE

    return ARTICLES_FILE, parks.BUILT_FILE, stats.FACTS_FILE, FOUND_FILE


def code_version() -> str:
    """The build's code and the libraries it reads text with: another version may parse, place or count
    differently, so a corpus it built is not extended."""
    from importlib.metadata import PackageNotFoundError, version

    digest = hashlib.blake2b(digest_size=16)
    for path in sorted(_CODE.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    for package in _LIBRARIES:
        try:
            digest.update(f"{package} {version(package)}\0".encode())
        except PackageNotFoundError:
            digest.update(f"{package} -\0".encode())
    digest.update(sys.version.encode())
    return digest.hexdigest()


def inputs_version(corpus_dir: Path) -> str:
    """Every hand-kept file of corpus/ (registry, word lists): anything a build reads besides the seeds."""
    outputs = set(_outputs())
    digest = hashlib.blake2b(digest_size=16)
    for path in sorted(corpus_dir.iterdir()):
        if path.is_file() and not path.name.startswith(".") and path.name not in outputs:
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def seed_hashes(seeds_dir: Path, leave_out: frozenset[str] = frozenset()) -> list[list[str]]:
    return [[p.name, _hash(p.read_bytes())] for p in seed_paths(seeds_dir) if p.name not in leave_out]


def make_stamp(seeds_dir: Path, corpus_dir: Path, seeds: list[str], extra: dict[str, str], outputs: dict[str, str],
               cutter: str, duplicates: list[str], seedless: list[str], facts: int) -> dict:
    """The stamp of a build of `seeds` (those in seeds/, and `extra` not written yet) that wrote `outputs`."""
    on_disk = {p.name: p for p in seed_paths(seeds_dir)}
    listed = [[name, _hash(extra[name].encode("utf-8") if name in extra else on_disk[name].read_bytes())]
              for name in seeds]
    return {"format": STAMP_FORMAT, "code": code_version(), "inputs": inputs_version(corpus_dir), "cutter": cutter,
            "seeds": listed, "outputs": {name: _hash(text.encode("utf-8")) for name, text in outputs.items()},
            "notes": {"duplicates": duplicates, "seedless": seedless}, "facts": facts}


def read_stamp(corpus_dir: Path) -> dict | None:
    try:
        stamp = json.loads((corpus_dir / STAMP_DIR / STAMP_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(stamp, dict) or stamp.get("format") != STAMP_FORMAT or not stamp.keys() >= _STAMP_KEYS:
        return None
    notes = stamp["notes"]
    ok = isinstance(notes, dict) and {"duplicates", "seedless"} <= notes.keys() and isinstance(stamp["facts"], int)
    return stamp if ok else None


def write_stamp(corpus_dir: Path, stamp: dict) -> None:
    """A temporary file, then renamed: a stamp is whole or absent. Not writable: none (the next add builds in full)."""
    where = corpus_dir / STAMP_DIR
    tmp = where / f".{STAMP_FILE}.{os.getpid()}.tmp"
    try:
        where.mkdir(parents=True, exist_ok=True)
        tmp.write_text(json.dumps(stamp, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, where / STAMP_FILE)
    except OSError:
        tmp.unlink(missing_ok=True)
        (where / STAMP_FILE).unlink(missing_ok=True)


def plan_add(seeds_dir: Path, corpus_dir: Path, extra: dict[str, str], placements: dict[str, str] | None = None,
             steps: Steps = silent) -> tuple[Build | None, str]:
    """corpus/ with the `extra` seeds (name → text, not written yet) added, made from those alone.

    Returns the build (its `how` is "incremental"), or None and why a full build is needed:
    "unrecorded" (no stamp), "changed" (seeds, hand-kept files, code or corpus/ are not what the
    stamp records), "order" (a new seed would not come last), "new_park" (the new articles register one).
    """
    from bot import parks, stats
    from bot.discover import FOUND_FILE, Found, discover
    from bot.index import bytes_hash
    from bot.lexicon import Lexicon

    stamp = read_stamp(corpus_dir)
    if stamp is None:
        return None, "unrecorded"
    seeds = seed_hashes(seeds_dir)
    if (stamp.get("code"), stamp.get("inputs"), stamp.get("seeds")) != (code_version(), inputs_version(corpus_dir),
                                                                        seeds):
        return None, "changed"
    texts: dict[str, str] = {}
    base = ""
    for name in _outputs():
        try:
            data = (corpus_dir / name).read_bytes()
        except OSError:
            return None, "changed"
        if _hash(data) != stamp.get("outputs", {}).get(name):
            return None, "changed"
        texts[name] = data.decode("utf-8")
        base = bytes_hash(data) if name == ARTICLES_FILE else base  # the id the engine keyed its index by
    new_seeds = sorted(extra, key=seed_order)
    if seeds and seed_order(new_seeds[0]) <= seed_order(seeds[-1][0]):
        return None, "order"
    lexicon = Lexicon.load(corpus_dir)
    if lexicon.tokenizer.version != stamp.get("cutter"):
        return None, "changed"

    prefixes = Counter(seed_prefix(Path(name)) for name in [*(s[0] for s in seeds), *new_seeds])
    new: list[Article] = []
    for name in steps(new_seeds, "seeds"):
        prefix = seed_prefix(Path(name))
        new += parse_page(extra[name], name, prefix if prefixes[prefix] == 1 else Path(name).stem)
    old = [Article.from_dict(a) for a in json.loads(texts[ARTICLES_FILE])]
    kept, notes, twins = screen(old + new, new_seeds)  # the old ones were screened by the build that made them
    added = kept[len(old):]

    found = Found.read_text(texts[FOUND_FILE], corpus_dir / FOUND_FILE)
    names = [n for p in found.parks for n in p.names()]
    found.placements.update(placements or {})
    ids = {a.article_id for a in kept}
    found.placements = {a: p for a, p in found.placements.items() if a in ids}
    hand = parks.Registry.from_toml(corpus_dir / parks.REGISTRY_FILE, lexicon.tokenizer)
    found.parks = discover(added, hand, found.placements, lexicon.tokenizer, known=found.parks)
    if [n for p in found.parks for n in p.names()] != names:
        return None, "new_park"
    registry = parks.Registry(hand.parks + [replace(p) for p in found.parks], lexicon.tokenizer)
    unplaced = parks.attribute(added, registry, found.placements)
    listed: dict[str, list[dict]] = defaultdict(list)  # what placing the old articles again would list
    for article in old:
        if article.park:
            listed[article.park].append({"article_id": article.article_id, "title": article.title})
    for park in registry.parks:
        park.articles = listed.get(park.name, []) + park.articles
    facts = [f for article in steps(added, "facts")
             for f in stats.extract_facts([article], registry, lexicon.vocabulary)]

    articles_text = dump_after(texts[ARTICLES_FILE], [a.to_dict() for a in added])
    facts_text = dump_after(texts[stats.FACTS_FILE], [f.to_dict() for f in facts])
    if articles_text is None or facts_text is None:
        return None, "changed"
    outputs = {ARTICLES_FILE: articles_text, parks.BUILT_FILE: dump_json([p.to_dict() for p in registry.parks]),
               stats.FACTS_FILE: facts_text, FOUND_FILE: found.text()}
    articles = old + added
    new_notes = {"duplicates": stamp["notes"]["duplicates"] + notes[:len(twins)],
                 "seedless": stamp["notes"]["seedless"] + notes[len(twins):]}
    report = build_report(articles, stamp["facts"] + len(facts),
                          [a.article_id for a in old if not a.park] + unplaced,
                          new_notes["duplicates"] + new_notes["seedless"], registry)
    new_stamp = {**stamp, "facts": stamp["facts"] + len(facts),
                 "seeds": seeds + [[name, _hash(extra[name].encode("utf-8"))] for name in new_seeds],
                 "outputs": {name: _hash(text.encode("utf-8")) for name, text in outputs.items()}, "notes": new_notes}
    extends = (base, sum(len(a.paragraphs) for a in old))
    earlier = texts[stats.FACTS_FILE]
    return Build(outputs, report, articles, facts, registry, lexicon, twins, new_stamp, extends, "incremental",
                 lambda: [stats.Fact(**f) for f in json.loads(earlier)]), ""
