"""An ingredient line cut into tokens, and each token's features for the tagger.

The same code cuts and describes lines when the model is trained (scripts/train_ingredient_model.py)
and when a line is parsed, so the two cannot drift apart. Tokens keep their place in the line, so
the parser can hand back the food and the unit exactly as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .numbers import FRACTION_SLASHES, NUMBER_WORDS, VULGAR_FRACTIONS, read_number
from .unit_names import UNIT_KINDS, canonical_unit

# A few more than the reasons a unit is "small" or "heaped": the words that say how big.
SIZE_WORDS = frozenset((
    "small", "medium", "large", "big", "extra-large", "x-large", "xl", "jumbo", "huge", "giant", "mini", "tiny",
    "little", "baby", "medium-size", "medium-sized", "large-ish", "smallish", "largish", "heaped", "heaping",
    "level", "rounded", "scant", "generous", "good", "thick", "thin", "fat", "plump", "whole", "sm", "med", "lg",
))  # fmt: skip

_V = VULGAR_FRACTIONS
_S = FRACTION_SLASHES
_TOKEN = re.compile(
    rf"""
    (?P<word>and/or\b|[^\W\d_{_V}]+(?:['’-][^\W\d_{_V}]+)*)
    | (?P<num>
        \d+[ \t]?[{_V}]                 # 1½, 1 ½
      | \d+[ \t]+\d+[{_S}]\d+           # 1 1/2
      | \d+[{_S}]\d+                    # 1/2
      | [{_V}]                          # ½
      | \d+(?:[.,]\d+)*                 # 2, 2.5, 2,5, 1,000
      | \.\d+                           # .5
    )
    | (?P<punct>\S)
    """,
    re.VERBOSE,
)
_RANGE_WORDS = frozenset({"-", "–", "—", "~", "to", "or"})
# Words whose features are remembered, in each of the two memories below (about 0.5 kB a word, in
# every worker). On the labelled corpus in random order 2048 answer 94% of the words (4096: 98%),
# and parsing is as fast within 2% (measured in turn), with 2 MiB less memory.
WORDS_REMEMBERED = 2048

# Abbreviations that take a dot in real lines ("Tbsp.", "oz.", "fl. oz"): the dot belongs to the unit.
_ABBREVIATIONS = frozenset((
    "t", "tsp", "tsps", "tspn", "teasp", "tbsp", "tbsps", "tbs", "tbl", "tbls", "tblsp", "tb", "tablesp", "dsp",
    "dssp", "c", "fl", "oz", "ozs", "lb", "lbs", "pt", "pts", "qt", "qts", "gal", "gals", "ml", "cl", "dl", "l",
    "lt", "ltr", "mg", "g", "gm", "gms", "gr", "grm", "kg", "kgs", "mm", "cm", "in", "pc", "pcs", "pkg", "pkgs",
    "pkt", "tsk", "msk", "spsk",
))  # fmt: skip


@dataclass(slots=True)
class Token:
    text: str  # as written
    start: int  # where it is in the (cleaned) line
    end: int
    kind: str  # "num", "range", "word" or "punct"
    value: float | None = None  # a number's value, a range's low end
    high: float | None = None  # a range's high end


def tokenize(line: str) -> list[Token]:
    """The tokens of a line: numbers (with fractions and ranges joined), words, single punctuation marks."""
    tokens: list[Token] = []
    append = tokens.append
    taken = 0  # where the last token ended (a dot joined to an abbreviation is taken)
    numbers = 0
    for match in _TOKEN.finditer(line):
        start, end = match.span()
        if start < taken:
            continue
        kind = match.lastgroup or "punct"
        text = match.group()
        if kind == "num":
            append(Token(text, start, end, kind, read_number(text)))
            numbers += 1
            continue
        if kind == "word" and line.startswith(".", end) and text.lower() in _ABBREVIATIONS:
            end += 1
            text += "."
            taken = end
        append(Token(text, start, end, kind))
    return _join_ranges(line, tokens) if numbers > 1 else tokens


def _join_ranges(line: str, tokens: list[Token]) -> list[Token]:
    """ "2-3", "2 to 3", "2 or 3" become one range token; "1-1/2" (one and a half) one number."""
    out: list[Token] = []
    i = 0
    n = len(tokens)
    while i < n:
        token = tokens[i]
        # "5- to 6-pound": the first number's hyphen waits for the unit the second one has
        skip = 1 if i + 3 < n and tokens[i + 1].text == "-" and tokens[i + 2].text.lower() in ("to", "or") else 0
        if (
            token.kind == "num"
            and token.value is not None
            and i + 2 + skip < n
            and tokens[i + 2 + skip].kind == "num"
            and tokens[i + 2 + skip].value is not None
            and tokens[i + 1 + skip].text.lower() in _RANGE_WORDS
        ):
            low, high = token.value, tokens[i + 2 + skip].value
            assert high is not None
            last = tokens[i + 2 + skip]
            if high > low:
                out.append(Token(line[token.start : last.end], token.start, last.end, "range", low, high))
                i += 3 + skip
                continue
            if skip:
                out.append(token)
                i += 1
                continue
            joined = tokens[i + 1].text == "-" and high < 1 and last.start == tokens[i + 1].end
            if joined and token.end == tokens[i + 1].start and "." not in token.text and "," not in token.text:
                out.append(Token(line[token.start : last.end], token.start, last.end, "num", low + high))
                i += 3
                continue
        out.append(token)
        i += 1
    return out


def _shape(text: str) -> str:
    if text[0].isupper():
        return "X" if len(text) == 1 or text.isupper() else "Xx"
    return "x"


def _magnitude(value: float | None) -> str:
    if value is None:
        return "none"
    if value < 1:
        return "frac"
    if value == int(value):
        return "int" if value < 10 else ("int2" if value < 100 else "int3")
    return "dec" if value < 10 else "dec2"


# What the features need of a token: its short name for its neighbours' features, its own features,
# and the kind of unit it is ("" if none).
_Described = tuple[str, tuple[str, ...], str]


@lru_cache(maxsize=WORDS_REMEMBERED)
def _word_features(text: str) -> _Described:
    """A word's own features (cached: real lines repeat their words)."""
    lower = text.lower().rstrip(".")
    feats = ["w=" + lower, "shape=" + _shape(text)]
    if len(lower) > 3:
        feats.append("suf=" + lower[-3:])
        feats.append("pre=" + lower[:3])
    unit = canonical_unit(text)
    kind = ""
    if unit is not None:
        kind = UNIT_KINDS[unit]
        feats += ["unit=" + unit, "ukind=" + kind]
    if lower in SIZE_WORDS:
        feats.append("size")
    if lower in NUMBER_WORDS or lower in ("a", "an"):
        feats.append("numword")
    if "-" in lower:
        feats.append("hyphen")
    if lower.endswith("ed"):
        feats.append("ed")
    if lower.endswith("ly"):
        feats.append("ly")
    return lower, tuple(feats), kind


def _describe(token: Token) -> _Described:
    if token.kind == "word":
        return _word_features(token.text)
    if token.kind == "punct":
        return token.text, ("w=" + token.text, "punct"), ""
    if token.kind == "range":
        return "#range", ("w=#range", "range", "mag=" + _magnitude(token.value)), ""
    shape = "slash" if any(c in token.text for c in _S) else ("vulgar" if token.text[-1] in _V else "digits")
    return "#num", ("w=#num", "num", "mag=" + _magnitude(token.value), "numshape=" + shape), ""


@dataclass(slots=True)
class _Segment:
    """A stretch of the line between commas (outside brackets)."""

    first: str = ""  # its first word ("or", "such", "finely", "#num")
    last: str = ""  # its last word
    words: int = 0
    verbish: bool = False  # a word ending in -ed or -ing, or an -ly word: "finely chopped", "for serving"


def _structure(tokens: list[Token], short: list[str]) -> tuple[list[int], list[int], list[_Segment], dict[int, str]]:
    """Where each token stands: its comma segment (at bracket depth 0), its bracket group (-1 outside),
    what each segment looks like, and the first word of each bracket group ("or", "see", "#num", ...)."""
    segment_of: list[int] = []
    group_of: list[int] = []
    segments: list[_Segment] = [_Segment()]
    group_first: dict[int, str] = {}
    depth = segment = 0
    group = groups = -1
    for i, token in enumerate(tokens):
        text = token.text
        if token.kind == "punct" and text in "([{":
            depth += 1
            if depth == 1:
                groups += 1
                group = groups
            segment_of.append(segment)
            group_of.append(-1 if depth == 1 else group)
            continue
        segment_of.append(segment)
        group_of.append(group if depth else -1)
        if token.kind == "punct":
            if text in ")]}" and depth:
                depth -= 1
            elif text in ",;" and not depth:
                segment += 1
                segments.append(_Segment())
            continue
        if depth:
            group_first.setdefault(group, short[i])
            continue
        seg = segments[segment]
        if not seg.first:
            seg.first = short[i]
        seg.last = short[i]
        seg.words += 1
        if token.kind == "word" and short[i].endswith(("ed", "ing", "ly")):
            seg.verbish = True
    return segment_of, group_of, segments, group_first


_POSITIONS = ("pos=0", "pos=1", "pos=2", "pos=3", "pos=4+")


@lru_cache(maxsize=WORDS_REMEMBERED)
def _as_neighbour(short: str, kind: str) -> tuple[str, str, str, str, str, str]:
    """A token's features as its neighbours see them: one and two before, one and two after."""
    before_kind = "-1:ukind=" + kind if kind else ""
    after_kind = "+1:ukind=" + kind if kind else ""
    return "-1:w=" + short, "-2:w=" + short, "+1:w=" + short, "+2:w=" + short, before_kind, after_kind


def _segment_features(segments: list[_Segment]) -> list[tuple[str, ...]]:
    out = []
    for k, seg in enumerate(segments):
        feats = ["seg=" + seg.first, "segend=" + seg.last, "seglen=" + str(min(seg.words, 4))]
        if k:
            feats += ["comma=" + ("1" if k == 1 else "2+"), "pseg=" + segments[k - 1].first]
        if seg.verbish:
            feats.append("segverb")
        if k + 1 < len(segments):
            feats.append("nseg=" + segments[k + 1].first)
        out.append(tuple(feats))
    return out


def features(tokens: list[Token]) -> list[list[str]]:
    """Each token's features: its own, where it is (comma segment, brackets) and its neighbours'."""
    described = [_describe(t) for t in tokens]
    short = [d[0] for d in described]
    neighbours = [_as_neighbour(d[0], d[2]) for d in described]
    segment_of, group_of, segments, group_first = _structure(tokens, short)
    by_segment = _segment_features(segments)
    n = len(tokens)
    out: list[list[str]] = []
    seen_number = False
    for i, token in enumerate(tokens):
        feats = ["bias", *described[i][1], *by_segment[segment_of[i]], _POSITIONS[i if i < 4 else 4]]
        if group_of[i] >= 0:
            feats += ["paren", "grp=" + group_first.get(group_of[i], "")]
        if token.kind == "num" or token.kind == "range":
            feats.append("num_after_num" if seen_number else "first_num")
            seen_number = True
        if i:
            before = neighbours[i - 1]
            feats.append(before[0])
            if before[4]:
                feats.append(before[4])
            if tokens[i - 1].end == token.start:
                feats.append("glued_prev")
            if i > 1:
                feats.append(neighbours[i - 2][1])
        else:
            feats.append("BOS")
        if i + 1 < n:
            after = neighbours[i + 1]
            feats.append(after[2])
            if after[5]:
                feats.append(after[5])
            if i + 2 < n:
                feats.append(neighbours[i + 2][3])
        else:
            feats += ["EOS", "last"]
        out.append(feats)
    return out
