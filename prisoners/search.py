"""Name search across scripts and transliterations.

Names of the same person are written many ways: Ціханоўскі, Тихановский, Tsikhanouski,
Tsikhanovsky, Cichanoŭski. Each spelling is transliterated to ASCII and folded to a skeleton in
which the usual transliteration variants coincide (kh/ch/h/ts/c, ou/ov/w, y/j/i, o/a), and the
skeletons of every spelling of a person are stored in `Prisoner.search_key`. A query is folded
the same way and compared word by word with trigram similarity, which also forgives small typos.

A key can match a query only if one of its words fits a query word well (score()): at least
WORD for a query of one word, STRONG_WORD for a longer one. The database finds the keys with
such a word from an index (prisoners.search_index): on PostgreSQL pg_trgm's word similarity,
which is never below the similarity used here, on SQLite the words of the whole vocabulary that
fit. Only those keys are ranked, with the same Python function on every database, so results
do not depend on the backend and are those of ranking every key.
"""

import functools
import re

from anyascii import anyascii

# Spellings of one sound, longest first, applied in order to each word.
_FOLDS = [
    ("shch", "s"),
    ("szcz", "s"),
    ("sch", "s"),
    ("tch", "x"),
    ("sh", "s"),
    ("sz", "s"),
    ("zh", "z"),
    ("cz", "x"),
    ("ch", "x"),
    ("kh", "x"),
    ("ts", "x"),
    ("tz", "x"),
    ("c", "x"),
    ("h", "x"),
    ("w", "v"),
    ("ou", "ov"),
    ("y", "i"),
    ("j", "i"),
    ("o", "a"),
]
_NOT_ALPHANUMERIC = re.compile(r"[^a-z0-9]+")
_REPEATED = re.compile(r"(.)\1+")

# A query matches a key when its words fit this well on average, one of them (the surname, as a
# rule) fits at least STRONG_WORD, and every other word either fits at least WORD or begins
# like a word of the key: first names vary most between transliterations (Sergei, Siarhei).
WORD = 0.45
STRONG_WORD = 0.6
MEAN = 0.45
MAX_RESULTS = 500


def fold_word(word):
    for spelling, sound in _FOLDS:
        word = word.replace(spelling, sound)
    return _REPEATED.sub(r"\1", word)


def fold(text):
    """The folded words of `text`, in order, without repeats."""
    words = _NOT_ALPHANUMERIC.split(anyascii(text or "").lower())
    return list(dict.fromkeys(fold_word(word) for word in words if word))


def search_key(*spellings):
    """The stored key of a person: the folded words of every spelling of their name."""
    words = []
    for spelling in spellings:
        words.extend(fold(spelling))
    return " ".join(dict.fromkeys(words))


@functools.lru_cache(maxsize=100_000)
def _trigrams(word):
    """The trigrams of a word, kept: the same names come up in query after query."""
    padded = f"  {word} "
    return frozenset(padded[i : i + 3] for i in range(len(padded) - 2))


def word_similarity(query_word, key_words):
    """How well `query_word` fits its best word of a key: 1 exact, 0.95 a prefix, else the
    trigram similarity (as pg_trgm's similarity())."""
    best = 0.0
    query_trigrams = _trigrams(query_word)
    for key_word in key_words:
        if key_word == query_word:
            return 1.0
        if len(query_word) >= 3 and key_word.startswith(query_word):
            best = max(best, 0.95)
            continue
        key_trigrams = _trigrams(key_word)
        best = max(best, len(query_trigrams & key_trigrams) / len(query_trigrams | key_trigrams))
    return best


def query_words(text):
    """The folded words of a query that are long enough to search for."""
    return [word for word in fold(text) if len(word) >= 2]


def score(words, key):
    """The match score of a stored key for the query `words`, or None if it does not match."""
    key_words = key.split()
    initials = {key_word[0] for key_word in key_words}
    scores = [word_similarity(word, key_words) for word in words]
    mean = sum(scores) / len(scores)
    if len(words) == 1:
        return mean if mean >= WORD else None
    if max(scores) < STRONG_WORD or mean < MEAN:
        return None
    if any(fit < WORD and word[0] not in initials for word, fit in zip(words, scores, strict=True)):
        return None
    return mean


def candidate_threshold(words):
    """How well one word of a key must fit one of the query `words` for the key to match."""
    return WORD if len(words) == 1 else STRONG_WORD


def fitting_words(words, vocabulary):
    """The words of `vocabulary` that fit one of the query `words` well enough for a key that
    holds them to match (candidate_threshold()): what word_similarity() says, with the words
    whose number of trigrams alone rules them out skipped."""
    threshold = candidate_threshold(words)
    fitting = []
    for known in vocabulary:
        known_trigrams = _trigrams(known)
        for word in words:
            query_trigrams = _trigrams(word)
            sizes = sorted((len(query_trigrams), len(known_trigrams)))
            prefix = len(word) >= 3 and known.startswith(word)
            if (prefix or sizes[0] >= threshold * sizes[1]) and word_similarity(
                word, [known]
            ) >= threshold:
                fitting.append(known)
                break
    return fitting


def rank(words, candidates):
    """The primary keys of the matching (pk, key) candidates, best match first."""
    scored = []
    scores = {}  # many people share a name, hence a key: score each key once
    for pk, key in candidates:
        if key not in scores:
            scores[key] = score(words, key)
        match = scores[key]
        if match is not None:
            scored.append((-match, pk))
    scored.sort()
    return [pk for _score, pk in scored[:MAX_RESULTS]]
