"""The lexicon: every word list read once, normalised like the text, one tokenizer for every part."""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.engine import Engine
from bot.lexicon import FRAMES, Lexicon, read_dictionary
from bot.tokens import normalize

from .conftest import CORPUS, corpus_lexicon


def test_every_userdict_entry_is_cut_whole_after_normalisation():
    lexicon = corpus_lexicon()
    split = [w for w, _ in lexicon.dictionary if lexicon.tokenizer.words(w, keep_stopwords=True) != [w]]
    assert split == []


def test_a_userdict_entry_with_a_chinese_numeral_matches_the_text_as_normalised():
    assert ("2个覆盖", None) in corpus_lexicon().dictionary
    assert "2个覆盖" in corpus_lexicon().tokenizer("“两个覆盖”集中攻坚行动")


def test_a_userdict_frequency_is_read_as_a_frequency(tmp_path: Path):
    (tmp_path / "userdict.txt").write_text("# header\n党建引领 5000\n产业链党委\n", encoding="utf-8")
    assert read_dictionary(tmp_path / "userdict.txt") == [("党建引领", 5000), ("产业链党委", None)]


def test_question_frame_words_are_never_content():
    lexicon = corpus_lexicon()
    frames = {w: lexicon.tokenizer.words(w) for kind in FRAMES for w in lexicon.cues.words[kind] if " " not in w}
    assert {w: t for w, t in frames.items() if t} == {}


def test_no_cue_word_counts_as_an_unseen_content_word(engine: Engine):
    """An unseen word weighs as the rarest; a cue word must be a stop word, a word of the articles, or a synonym."""
    lexicon = engine.lexicon
    not_cues = ("titles", "events", "greeting", "people_endings", "count_unit_groups")
    cues = {k: ws for k, ws in lexicon.cues.words.items() if k not in not_cues}
    unseen = {w: t for ws in cues.values() for w in ws
              for t in lexicon.tokenizer.words(w) if not engine.index.idf(t) and t not in lexicon.synonyms}
    assert unseen == {}


def test_a_definition_question_is_answered_whatever_its_frame(engine: Engine):
    for question in ("何谓两个覆盖", "什么是两个覆盖", "“两个覆盖”是什么意思"):
        answer = engine.ask(question)
        assert answer.found and "两个覆盖" in answer.hits[0].text, question


def test_which_ones_is_a_list_question_like_which(engine: Engine):
    which = engine.ask("兰州高新区有哪些主导产业")
    which_ones = engine.ask("兰州高新区有哪几个主导产业")
    assert which_ones.found and which_ones.hits[0].text == which.hits[0].text
    assert which_ones.confidence == which.confidence


def test_the_word_lists_come_from_the_corpus_directory_given(tmp_path: Path):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    with (corpus / "units.txt").open("a", encoding="utf-8") as f:
        f.write("头 count\n")
    assert "头" in Lexicon.load(corpus).vocabulary.units
    assert Lexicon.load(corpus).fingerprint != corpus_lexicon().fingerprint


def test_normalisation_keeps_a_which_year_question_whole():
    assert normalize("哪一年") == "哪一年" and normalize("一年") == "1年"


def test_every_example_question_is_answered(engine: Engine):
    assert engine.lexicon.examples
    assert [q for q in engine.lexicon.examples if not engine.ask(q).found] == []
