"""Where a word may break: soft hyphens (U+00AD) from pyphen's patterns.

We place the break points ourselves and the stylesheets say `hyphens: manual`, so WeasyPrint
breaks only where we allow it, and never consults its own choice of dictionary: for `en` that
choice is pyphen's en_GB, whose patterns give "amoun-ted", "res-ult" and "humanit-arian".
English of any region takes the en_US patterns ("amount-ed", "re-sult"); other languages take
pyphen's own dictionary for the tag, or none (no breaks) when pyphen has none.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyphen

from report import cache as kept
from report.cache import memo

SOFT_HYPHEN = "\u00ad"
LEFT = RIGHT = 3  # letters kept before and after a break: no "a-" or "-ly" fragments


def dictionary_name(lang: str) -> str | None:
    """The pyphen dictionary for a BCP 47 tag: en_US for every English; None when there is none."""
    tag = (lang or "").replace("-", "_")
    if tag.split("_")[0].lower() == "en":
        return "en_US"
    return pyphen.language_fallback(tag) if tag else None


@memo(maxsize=8)
def _pyphen(name: str):
    return pyphen.Pyphen(lang=name, left=LEFT, right=RIGHT)


MAX_CACHED = 200_000  # words in one cache file; past that, new words are hyphenated afresh each run


@memo(maxsize=8)
def _cache_path(folder: Path, name: str) -> Path:
    key = kept.fingerprint("hyphenation", [name, LEFT, RIGHT])[:24]
    return folder / f"words-{name}-{key}.json"


# No break right after an "f": the fonts join "fi", "fl", "ff" into one glyph, and a soft hyphen
# inside a ligature that does not break garbles the glyph's text in the PDF ("signiơcant").
_LIGATURE_BREAK = re.compile("f" + SOFT_HYPHEN)


class Hyphenator:
    """Soft hyphens for the words of one language; the dictionary loads at the first new word.

    With a `cache` folder, the words hyphenated before are read from it and the new ones added
    (`save`): a rebuild then skips loading the patterns (~0.1 s). The file is named by the
    dictionary, the break rules, the package's code and pyphen's version (`cache.fingerprint`),
    and a kept word that is not the word itself with soft hyphens is hyphenated again.
    """

    def __init__(self, lang: str, cache: Path | None = None):
        self.name = dictionary_name(lang)
        self._words: dict[str, str] = {}
        self._path = _cache_path(cache, self.name) if cache is not None and self.name else None
        self._known = 0
        if self._path is not None:
            words = kept.read_json(self._path)
            if isinstance(words, dict):  # only what pyphen could have given: the word, with soft hyphens
                self._words = {w: h for w, h in words.items() if isinstance(h, str) and h.replace(SOFT_HYPHEN, "") == w}
                self._known = len(self._words)  # fewer than kept: the next save writes it whole again

    def save(self) -> None:
        """Store the words learnt in this run, when there are new ones."""
        if self._path is not None and len(self._words) > self._known and len(self._words) <= MAX_CACHED:
            kept.write_json(self._path, self._words, sort_keys=True)
            self._known = len(self._words)

    def word(self, word: str) -> str:
        """`word` with soft hyphens where it may break, or unchanged.

        Only lower-case words break: a capital marks a name ("Tsikhanouskaya") or a proper noun
        ("Federation"), and an all-capitals word is an acronym.
        """
        if self.name is None or len(word) < LEFT + RIGHT or not word[0].islower():
            return word
        done = self._words.get(word)
        if done is None:
            done = self._words[word] = _LIGATURE_BREAK.sub("f", _pyphen(self.name).inserted(word, SOFT_HYPHEN))
        return done
