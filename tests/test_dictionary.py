"""jieba's dictionary read from its file as texts need it cuts exactly as the whole dictionary loaded."""

from __future__ import annotations

import random
import threading
from pathlib import Path

import pytest

from bot.dictionary import Dictionary, dictionary, jieba_dict, read_counts
from bot.tokens import LazyJieba, RJieba, Tokenizer, general_counts
from tests.conftest import corpus_lexicon
from tests.test_tokens_parity import texts

NEVER = 10**9  # a budget no test spends: the cutter stays lazy


@pytest.fixture(scope="module")
def kept() -> Dictionary:
    found = dictionary()
    assert found is not None, "the dictionary file could not be made in .cache/"
    return found


@pytest.fixture(scope="module")
def domain_words() -> list[tuple[str, int | None]]:
    return corpus_lexicon().dictionary


@pytest.fixture(scope="module")
def whole(domain_words) -> RJieba:
    return RJieba(domain_words)


def dictionary_soup(n: int, seed: int = 7) -> list[str]:
    """Strings of dictionary words run together: every cut weighs long words against their parts."""
    words = list(read_counts(jieba_dict()))
    rng = random.Random(seed)
    return ["".join(rng.choice(words) for _ in range(6)) for _ in range(n)]


def test_a_lazy_cutter_cuts_every_paragraph_and_question_as_the_whole_dictionary(kept, domain_words, whole):
    lazy = LazyJieba(domain_words, kept, budget=NEVER)
    checked = texts()
    assert len(checked) > 500
    for text in checked:
        assert lazy.cut(text) == whole.cut(text), text
        assert lazy.cut_for_search(text) == whole.cut_for_search(text), text
    assert lazy.full is None


def test_a_lazy_cutter_weighs_long_words_against_their_parts_as_the_whole_dictionary(kept, domain_words, whole):
    lazy = LazyJieba(domain_words, kept, budget=NEVER)
    for text in dictionary_soup(2000):
        assert lazy.cut(text) == whole.cut(text), text


def test_a_lazy_cutter_knows_the_same_words(kept, domain_words, whole):
    lazy = LazyJieba(domain_words, kept, budget=NEVER)
    words = [w for text in texts()[:300] for w in whole.cut(text)] + ["泸洲", "兰洲", "产业链党", "两个覆盖", "昆明"]
    words += random.Random(3).sample(list(read_counts(jieba_dict())), 500)
    assert [w for w in words if lazy.has_word(w) != whole.has_word(w)] == []


def test_domain_words_get_the_counts_the_whole_dictionary_gives_them(kept, domain_words, whole):
    lazy = LazyJieba(domain_words, kept, budget=NEVER)
    for word, _ in domain_words:
        assert lazy.jieba.suggest_freq(word) == whole.jieba.suggest_freq(word), word


def test_a_lazy_cutter_loads_the_whole_dictionary_once_its_budget_is_spent(kept, domain_words, whole):
    lazy = LazyJieba(domain_words, kept, budget=2000)
    sample = texts()[:200]
    cuts = [lazy.cut(text) for text in sample]
    assert lazy.full is not None
    assert cuts == [whole.cut(text) for text in sample]


def test_texts_of_words_already_held_also_spend_the_budget(kept, domain_words):
    lazy = LazyJieba(domain_words, kept, budget=NEVER)
    lazy.cut("党员")
    lazy.budget = lazy.spent + 20
    for spaces in range(1, 10):  # new texts, no new piece: looking them over still costs
        lazy.cut("党员" + " " * spaces)
    assert lazy.full is not None and lazy.texts == set()


def test_a_text_cut_again_spends_nothing(kept, domain_words):
    lazy = LazyJieba(domain_words, kept, budget=NEVER)
    lazy.cut("兰州高新区有多少家高新技术企业")
    spent = lazy.spent
    lazy.cut_for_search("兰州高新区有多少家高新技术企业")
    assert lazy.spent == spent


def test_threads_sharing_a_lazy_cutter_get_the_same_cuts(kept, domain_words, whole):
    lazy = LazyJieba(domain_words, kept, budget=NEVER)
    sample = dictionary_soup(400, seed=11)
    results: dict[int, list[list[str]]] = {}

    def work(n: int) -> None:
        results[n] = [lazy.cut(text) for text in sample[n::4]]

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for n in range(4):
        assert results[n] == [whole.cut(text) for text in sample[n::4]]


def test_a_dictionary_file_that_goes_bad_gives_way_to_the_whole_dictionary(tmp_path, domain_words, whole):
    Dictionary.write(jieba_dict(), tmp_path / "words.sqlite")
    broken = Dictionary(tmp_path / "words.sqlite")
    lazy = LazyJieba(domain_words, broken, budget=NEVER)
    broken.db.close()  # every later lookup fails
    text = "兰州高新区有多少家高新技术企业"
    assert lazy.cut(text) == whole.cut(text)
    assert lazy.full is not None


def test_a_damaged_dictionary_file_is_written_again(tmp_path):
    dictionary(tmp_path)  # made
    (made,) = tmp_path.glob("jieba-*.sqlite")
    made.write_bytes(b"not a database")
    dictionary.cache_clear()
    try:
        again = dictionary(tmp_path)
        assert again is not None and again.counts(["高新区"]) == {"高新区": read_counts(jieba_dict())["高新区"]}
    finally:
        dictionary.cache_clear()


def test_without_a_writable_cache_the_whole_dictionary_is_loaded(tmp_path, domain_words):
    blocked = tmp_path / "file"
    blocked.write_text("a file where the cache folder should be")
    dictionary.cache_clear()
    try:
        assert dictionary(blocked / "cache") is None
    finally:
        dictionary.cache_clear()


def test_a_tokenizer_is_lazy_by_default_and_whole_on_request(domain_words):
    assert isinstance(Tokenizer(domain_words).cutter, LazyJieba)
    assert isinstance(Tokenizer(domain_words, lazy=False).cutter, RJieba)


def test_general_frequency_is_the_dictionary_files_share(kept):
    counts, total = general_counts()
    tokenizer = Tokenizer()
    assert kept.total == total
    for word in ("高新区", "企业", "的"):
        assert tokenizer.frequency(word) == counts[word] / total
    assert tokenizer.frequency("泸洲") == 0


def test_the_dictionary_file_lives_in_the_project_cache():
    found = dictionary()
    assert found is not None
    assert Path(found.db.execute("PRAGMA database_list").fetchone()[2]).parent.name == ".cache"
