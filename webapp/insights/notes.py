"""Read a note in people's own words for the signs of the fossa-diary/1 fields.

Pure standard library. The phrase data is per language (``phrases/<lang>.json``);
static/js/note-signs.js is the same algorithm, line for line, over the same table,
so the offline warning as a person types says what the server reads after saving.
docs/notes-reading.md explains the method (a NegEx/ConText-style reader of our own)
and why.

``read_note(text, lang)`` returns the AFFIRMED signs only, as
``[{"field": ..., "value": ..., "quote": ...}]`` in the order they appear; a sign that
is negated ("not swollen"), historical ("an old sprain"), about another body part
("red face") or another person, or hypothetical ("watch for swelling") is not a sign.

The steps:
1. words: lower case, accents and apostrophes dropped, hyphens between words read as
   spaces; shorthand expanded ("R" -> right, "2day" -> today); a long word one typing
   slip away from a word of the table is read as that word ("swolen" -> swollen);
2. phrases: leftmost-longest match of every phrase of the table (signs, body parts,
   negation, history, hypothetical and other-person cues, clause breaks); ``*`` in a
   phrase stands for up to ``windows.gap`` words;
3. clauses end at . ; ! and a new line, and at words like "but"; segments end at
   commas too;
4. each sign is judged in its clause: its nearest body part must be one it allows,
   and no cue of negation, history, hypothesis or another person may reach it.
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Any

PHRASES_DIR = Path(__file__).with_name("phrases")
LANGUAGES: tuple[str, ...] = tuple(sorted(p.stem for p in PHRASES_DIR.glob("*.json")))

# Words, and the punctuation that shapes clauses. A hyphen counts as punctuation only
# with a space on one side ("calf - fine"); between letters it joins words.
_TOKEN = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*(?:/[^\W_]*)*|[.,;:!?\n&+]|(?<=\s)-|-(?=\s)")
_HYPHEN_IN_WORD = re.compile(r"(?<=[^\W_])-(?=[^\W_])")
_CLAUSE_END = {".", ";", "!", "\n"}
_SEGMENT_END = {",", "-", ":"}
_PUNCT = _CLAUSE_END | _SEGMENT_END | {"?"}
_YEAR = re.compile(r"^(19|20)\d\d$")

_CUES = (
    "clause_breaks",
    "list_joins",
    "negation_before",
    "negation_after",
    "negation_after_final",
    "pseudo",
    "history_before",
    "history_after",
    "history_near",
    "hypothetical_before",
    "other_person_before",
)


@lru_cache(maxsize=65536)
def normalize_word(word: str) -> str:
    """Lower case, accents and apostrophes dropped: the form both readers compare."""
    decomposed = unicodedata.normalize("NFD", word)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return plain.lower().replace("'", "").replace("\u2019", "")


def _words(phrase: str) -> list[str]:
    return [normalize_word(w) for w in _HYPHEN_IN_WORD.sub(" ", phrase).split()]


def within_one_edit(a: str, b: str) -> bool:
    """True when a and b differ by at most one letter: added, dropped, changed or swapped."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diff = [i for i in range(la) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    short, long_ = (a, b) if la < lb else (b, a)
    i = 0
    while i < len(short) and short[i] == long_[i]:
        i += 1
    return short[i:] == long_[i + 1 :]


class PhraseTable:
    """One language's phrase data, compiled for reading."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.lang = data["lang"]
        windows = data["windows"]
        self.neg_before_window = int(windows["negation_before"])
        self.neg_after_window = int(windows["negation_after"])
        self.history_near_window = int(windows["history_near"])
        self.gap = int(windows["gap"])
        self.fuzzy_min = int(windows["fuzzy_min_length"])
        self.quote_words = int(windows["quote_words"])
        self.shorthand = {normalize_word(k): _words(v) for k, v in data["shorthand"].items()}
        self.unrelated_next = [tuple(_words(p)) for p in data["unrelated_next"] if _words(p)]
        self.conjunctions = {w for p in data.get("conjunctions", []) for w in _words(p)}
        # phrase words -> what it is: ("sign", index) / ("site", group) / (cue, None)
        index: dict[tuple[str, ...], list[tuple[str, Any]]] = {}

        def add(phrase: str, what: tuple[str, Any]) -> None:
            key = tuple(_words(phrase))
            if key and what not in index.setdefault(key, []):
                index[key].append(what)

        for cue in _CUES:
            for phrase in data.get(cue, []):
                add(phrase, (cue, None))
        for group, phrases in data["sites"].items():
            for phrase in phrases:
                add(phrase, ("site", group))
        self.signs = data["signs"]
        for number, sign in enumerate(self.signs):
            for phrase in sign["phrases"]:
                add(phrase, ("sign", number))
        self.sign_unrelated = [
            [tuple(_words(p)) for p in sign.get("unrelated_next", []) if _words(p)]
            for sign in self.signs
        ]
        # First word -> phrases, most words (not counting *) first, then by spelling.
        by_first: dict[str, list[tuple[tuple[str, ...], list[tuple[str, Any]]]]] = {}
        for key, whats in index.items():
            by_first.setdefault(key[0], []).append((key, whats))
        for items in by_first.values():
            items.sort(key=lambda item: (-sum(w != "*" for w in item[0]), item[0]))
        # With what the scan tests first: its length, its second word, whether it has *.
        self.by_first = {
            first: [
                (key, whats, len(key), key[1] if len(key) > 1 else None, "*" in key)
                for key, whats in items
            ]
            for first, items in by_first.items()
        }
        vocabulary = {w for key in index for w in key if w != "*"}
        self.known = vocabulary | {normalize_word(w) for w in data.get("known_words", [])}
        self.fuzzy_targets: dict[str, list[str]] = {}
        for word in sorted(vocabulary):
            if len(word) >= self.fuzzy_min - 1 and word.isalpha():
                self.fuzzy_targets.setdefault(word[0], []).append(word)
        self._corrections: dict[str, str] = {}

    def correct(self, word: str) -> str:
        """The table's word that `word` is one typing slip away from, else `word`."""
        if word in self.known or len(word) < self.fuzzy_min or not word.isalpha():
            return word
        cached = self._corrections.get(word)
        if cached is None:
            cached = word
            for target in self.fuzzy_targets.get(word[0], []):
                if abs(len(target) - len(word)) <= 1 and within_one_edit(word, target):
                    cached = target
                    break
            self._corrections[word] = cached
        return cached


@lru_cache(maxsize=8)
def phrase_table(lang: str = "en") -> PhraseTable:
    """The compiled phrase table of a language (``phrases/<lang>.json``)."""
    if lang not in LANGUAGES:
        raise ValueError(f"no phrase table for language {lang!r}; have {LANGUAGES}")
    data = json.loads((PHRASES_DIR / f"{lang}.json").read_text(encoding="utf-8"))
    return PhraseTable(data)


def phrase_data(lang: str = "en") -> dict[str, Any]:
    """The phrase table as JSON-ready data: what the browser reader is given."""
    return json.loads(json.dumps(phrase_table(lang).data))


# ------------------------------------------------------------ reading
def _tokens(text: str, table: PhraseTable) -> list[tuple[str, int, int]]:
    """(word, start, end) in the original text; shorthand may give several words."""
    tokens: list[tuple[str, int, int]] = []
    for match in _TOKEN.finditer(_HYPHEN_IN_WORD.sub(" ", text)):
        raw = match.group()
        start, end = match.span()
        if raw in _PUNCT:
            tokens.append((raw, start, end))
            continue
        word = normalize_word(raw)
        expanded = table.shorthand.get(word)
        if expanded is not None:
            tokens.extend((w, start, end) for w in expanded)
        elif "/" in word:
            # "red/swollen": two words; "w/" and "w/o" are shorthand, above.
            offset = start
            for part in raw.split("/"):
                if part:
                    tokens.append((table.correct(normalize_word(part)), offset, offset + len(part)))
                offset += len(part) + 1
        else:
            tokens.append((table.correct(word), start, end))
    return tokens


def _match_at(words: list[str], i: int, key: tuple[str, ...], gap: int) -> int:
    """End index of phrase `key` matched from word i, or -1."""
    if "*" not in key:  # most phrases: one comparison
        end = i + len(key)
        return end if tuple(words[i:end]) == key else -1

    def walk(pos: int, k: int) -> int:
        if k == len(key):
            return pos
        if key[k] == "*":
            for skip in range(gap + 1):
                stop = pos + skip
                if stop > len(words) or any(w in _PUNCT for w in words[pos:stop]):
                    break
                end = walk(stop, k + 1)
                if end != -1:
                    return end
            return -1
        if pos < len(words) and words[pos] == key[k]:
            return walk(pos + 1, k + 1)
        return -1

    return walk(i, 0)


def _matches(words: list[str], table: PhraseTable) -> list[tuple[int, int, list[tuple[str, Any]]]]:
    """Leftmost-longest, non-overlapping phrase matches: (start, end, what)."""
    found = []
    i = 0
    count = len(words)
    while i < count:
        best = None
        second = words[i + 1] if i + 1 < count else None
        for key, whats, length, key_second, wild in table.by_first.get(words[i], ()):
            if key_second is not None and key_second != "*" and key_second != second:
                continue  # cheap test first: most phrases differ by the second word
            if wild:
                end = _match_at(words, i, key, table.gap)
            elif length == 1 or tuple(words[i : i + length]) == key:
                end = i + length
            else:
                continue
            if end != -1:
                best = (i, end, whats)
                break
        if best is None:
            i += 1
        else:
            found.append(best)
            i = best[1]
    return found


def read_note(text: str, lang: str = "en") -> list[dict[str, Any]]:
    """The affirmed signs of a note: ``[{"field", "value", "quote"}]``, first mention each."""
    if not isinstance(text, str) or not text.strip():
        return []
    return [dict(sign) for sign in _read(text, lang)]


@lru_cache(maxsize=4096)
def _read(text: str, lang: str) -> tuple[tuple[tuple[str, Any], ...], ...]:
    table = phrase_table(lang)
    tokens = _tokens(text, table)
    words = [t[0] for t in tokens]
    # Clause and segment of each word.
    clause_of, segment_of, sentence_of = [], [], []
    clause = segment = sentence = 0
    matches = _matches(words, table)
    breaks = {m[0]: m[1] for m in matches if any(w[0] == "clause_breaks" for w in m[2])}
    i = 0
    while i < len(words):
        if words[i] in _CLAUSE_END:
            clause += 1
            segment += 1
            sentence += 1
        elif words[i] in _SEGMENT_END:
            segment += 1
        elif i in breaks:
            clause += 1
            segment += 1
            for _ in range(breaks[i] - i):
                clause_of.append(-1)
                segment_of.append(-1)
                sentence_of.append(sentence)
            i = breaks[i]
            continue
        clause_of.append(clause)
        segment_of.append(segment)
        sentence_of.append(sentence)
        i += 1

    by_kind: dict[str, list[tuple[int, int]]] = {kind: [] for kind in _CUES}
    for s, e, whats in matches:
        for kind, _payload in whats:
            if kind in by_kind:
                by_kind[kind].append((s, e))
    cues = by_kind.__getitem__

    sign_starts = {s for s, _e, whats in matches if any(w[0] == "sign" for w in whats)}
    sites = [(s, e, what[1]) for s, e, whats in matches for what in whats if what[0] == "site"]
    joins = cues("list_joins")
    years = [k for k, w in enumerate(words) if _YEAR.match(w)]  # "in 2015": the past
    result: list[tuple[tuple[str, Any], ...]] = []
    seen: set[tuple[str, str, Any]] = set()
    for start, end, whats in matches:
        for kind, number in whats:
            if kind != "sign":
                continue
            sign = table.signs[number]
            affirmed = _judge(
                table, sign, number, start, end, words, clause_of, segment_of,
                sentence_of, cues, sites, sign_starts, joins, years,
            )  # fmt: skip
            if affirmed is None:
                continue
            field, value = affirmed
            key = (field, type(value).__name__, value)
            if key in seen:
                continue
            seen.add(key)
            quote = _quote(text, tokens, clause_of, start, end, table.quote_words)
            result.append((("field", field), ("value", value), ("quote", quote)))
    return tuple(result)


def _judge(table, sign, number, start, end, words, clause_of, segment_of, sentence_of,
           cues, sites, sign_starts, joins, years):  # fmt: skip
    """(field, value) when this sign mention is affirmed, else None."""
    clause, segment = clause_of[start], segment_of[start]

    def same_segment(a: int, b: int) -> bool:
        return all(segment_of[k] == segment for k in range(a, b))

    # A hypothetical, or another person: the cue comes first in the same segment.
    if not sign.get("conditional_ok"):
        for s, e in cues("hypothetical_before"):
            if e <= start and segment_of[s] == segment and same_segment(e, start):
                return None
    for s, e in cues("other_person_before"):
        if e <= start and segment_of[s] == segment and same_segment(e, start):
            return None
    # Negation before: within a few words, in the clause; a comma ends it unless a
    # list of signs goes on ("no swelling, redness or warmth").
    for s, e in cues("negation_before"):
        if (
            e <= start
            and clause_of[s] == clause
            and _negation_reaches(
                e, start, words, clause_of, clause, sign_starts, joins, table.neg_before_window
            )
        ):
            return None
    # Negation after: "swelling gone", "pop? no" (a final "no" must end its segment).
    for kind in ("negation_after", "negation_after_final"):
        for s, e in cues(kind):
            if s < end or clause_of[s] != clause:
                continue
            between = words[end:s]
            if any(w == "," for w in between) or s - end > table.neg_after_window:
                continue
            if any(k in sign_starts or words[k] in table.conjunctions for k in range(end, s)):
                continue
            if kind == "negation_after_final" and e < len(words) and words[e] not in _PUNCT:
                continue
            return None
    # History.
    historical = False
    for s, e in cues("history_before"):
        if e <= start and segment_of[s] == segment and same_segment(e, start):
            historical = True
    for s, _e in cues("history_after"):
        if s >= end and segment_of[s] == segment and same_segment(end, s):
            historical = True
    for s, e in cues("history_near"):
        if e <= start and start - e <= table.history_near_window and same_segment(s, start):
            historical = True
    if any(segment_of[k] == segment for k in years):
        historical = True
    field, value = sign["field"], sign["value"]
    if historical:
        if sign.get("if_historical"):
            field, value = sign["if_historical"]["field"], sign["if_historical"]["value"]
        elif not (sign.get("history_ok") or sign.get("history_only")):
            return None
    elif sign.get("history_only"):
        return None
    # The words right after say it is about something else ("hot day", "popped out").
    for after in (*table.unrelated_next, *table.sign_unrelated[number]):
        if tuple(words[end : end + len(after)]) == after:
            return None
    # Body part: the nearest one in the clause (else in the sentence: "calf not
    # swollen but it is red") must be one the sign allows.
    allowed = sign.get("sites")
    if allowed is not None:
        nearest = _nearest_site(sites, start, end, lambda k: clause_of[k] == clause)
        if nearest is None:
            sentence = sentence_of[start]
            nearest = _nearest_site(sites, start, end, lambda k: sentence_of[k] == sentence)
        if nearest is None:
            if sign.get("needs_site"):
                return None
        elif nearest not in allowed:
            return None
    return field, value


def _nearest_site(sites, start, end, within) -> str | None:  # fmt: skip
    """The group of the body part nearest the sign among those `within` holds for."""
    nearest = None
    for s, e, group in sites:
        if not within(s):
            continue
        distance = start - e if e <= start else s - end
        if distance < 0:
            continue
        rank = (distance, 0 if s >= end else 1)  # a tie goes to the word after
        if nearest is None or rank < nearest[0]:
            nearest = (rank, group)
    return None if nearest is None else nearest[1]


def _negation_reaches(e, start, words, clause_of, clause, sign_starts, joins, window):  # fmt: skip
    """Whether a negation ending at word e reaches the sign starting at `start`."""
    count = 0
    k = e
    while k < start:
        w = words[k]
        if clause_of[k] != clause:
            return False
        if w in _SEGMENT_END:
            nxt = k + 1
            continues = nxt in sign_starts and any(
                s > k and clause_of[s] == clause for s, _e in joins
            )
            if not continues:
                return False
            count = 0
        elif k in sign_starts:
            count = 0
        elif w not in _PUNCT:
            count += 1
            if count > window:
                return False
        k += 1
    return True


def _quote(text, tokens, clause_of, start, end, around) -> str:  # fmt: skip
    """The words of the note around a sign, within its clause, as the person wrote them."""
    clause = clause_of[start]
    first = start
    while first > 0 and start - first < around and clause_of[first - 1] == clause:
        first -= 1
    last = end - 1
    while last + 1 < len(tokens) and last - end < around - 1 and clause_of[last + 1] == clause:
        last += 1
    while first < last and tokens[first][0] in _PUNCT:
        first += 1
    while last > first and tokens[last][0] in _PUNCT:
        last -= 1
    return text[tokens[first][1] : tokens[last][2]].strip()
