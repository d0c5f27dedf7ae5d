"""Train the ingredient-line tagger (a CRF) on the training part of the labelled lines.

    python scripts/train_ingredient_model.py CORPUS_DIR [--out recipes/ingredients/model.crfsuite]

CORPUS_DIR holds the labelled CSV files (../shared/corpus/ingredients: input,name,quantity,unit,size,
preparation,comment,purpose). Lines the fixed split holds out (scripts/ingredient_corpus.py) are never
read for training. Each line is cut into tokens by the parser's own tokenizer, and each token gets the
label of the field that holds it (QTY, UNIT, SIZE, NAME, PREP, COMMENT, PURPOSE; punctuation no field
holds is PUNC). Lines whose tokens cannot all be matched to their labels are left out (counted).

Training is deterministic: the lines are read in file order, L-BFGS has no randomness, and --seed
fixes the order of the folds of --cross-validate (which scores settings on training lines only).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import pycrfsuite  # noqa: E402
from ingredient_corpus import corpus_files, held_out, label_amounts, read_rows, singular  # noqa: E402

from recipes.ingredients.numbers import NUMBER_WORDS  # noqa: E402
from recipes.ingredients.tokens import Token, features, tokenize  # noqa: E402
from recipes.ingredients.unit_names import UNIT_KINDS, canonical_unit, unit_spellings  # noqa: E402

FIELDS = (
    ("quantity", "QTY"),
    ("unit", "UNIT"),
    ("size", "SIZE"),
    ("name", "NAME"),
    ("preparation", "PREP"),
    ("comment", "COMMENT"),
    ("purpose", "PURPOSE"),
)
DEFAULT_OUT = ROOT / "recipes" / "ingredients" / "model.crfsuite"

Key = tuple[str, object]


def _fold(word: str) -> str:
    return singular(word.lower().rstrip("."))


def _label_keys(field: str, text: str) -> list[Key]:
    keys: list[Key] = []
    for raw in text.split():
        numeric = raw[0].isdigit() or raw.startswith("#")
        if field == "quantity" and raw.lower().endswith("x") and label_amounts(raw[:-1]) is not None:
            keys += [("n", label_amounts(raw[:-1])), ("w", "x")]
            continue
        if numeric or (field == "quantity" and label_amounts(raw) is not None):
            amounts = label_amounts(raw)
            if amounts is not None:
                keys.append(("n", amounts))
                continue
        keys.append(("w", _fold(raw)))
    return keys


def _token_keys(token: Token) -> list[Key]:
    if token.kind == "range":
        return [("n", (token.value, token.high))]
    if token.kind == "num":
        return [("n", (token.value, None))]
    if token.kind == "punct":
        return [("w", token.text)]
    keys: list[Key] = [("w", _fold(token.text))]
    if token.text.lower() in NUMBER_WORDS:
        keys.append(("n", (NUMBER_WORDS[token.text.lower()], None)))
    return keys


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return abs(a - b) <= 0.01 * max(1.0, abs(b))


def _matches(label: Key, token: Key) -> bool:
    if label[0] != token[0]:
        return False
    if label[0] == "n":
        (a, ah), (b, bh) = label[1], token[1]  # type: ignore[misc]
        return _close(a, b) and _close(ah, bh)
    x, y = str(label[1]), str(token[1])
    if x == y:
        return True
    # The labels were lemmatised a little differently ("chillies" / "chilli"): a shared stem will do.
    short, long_ = sorted((x, y), key=len)
    return len(short) >= 4 and long_.startswith(short[:-1]) and len(long_) - len(short) <= 3


def align(row: dict[str, str], tokens: list[Token]) -> list[str] | None:
    """Each token's label, or None when the line's labels and tokens do not match up."""
    fields = [(label, _label_keys(field, row[field])) for field, label in FIELDS]
    used = {label: [False] * len(keys) for label, keys in fields}
    out: list[str] = []
    previous = ""
    for token in tokens:
        token_keys = _token_keys(token)
        best: tuple[int, int, int, str, int] | None = None
        for order, (label, keys) in enumerate(fields):
            skipped = 0
            for j, key in enumerate(keys):
                if used[label][j]:
                    continue
                if any(_matches(key, tk) for tk in token_keys):
                    choice = (skipped, 0 if label == previous else 1, order, label, j)
                    best = choice if best is None or choice < best else best
                    break
                skipped += 1
        if best is None:
            if token.kind == "punct" or token.text.lower() in ("of", "a", "an"):
                out.append("PUNC" if token.kind == "punct" else "COMMENT")
                continue
            return None
        _, _, _, label, j = best
        used[label][j] = True
        out.append(label)
        previous = label
    left = [key for label, keys in fields for j, key in enumerate(keys) if not used[label][j]]
    if any(k[0] == "n" or (len(str(k[1])) > 1 and str(k[1]).isalnum()) for k in left):
        return None
    return out


def _spellings() -> dict[str, list[str]]:
    """Every way of writing each kind of unit the table knows ("volume": "tsp", "Tbsp.", "T", "dl", ...)."""
    by_kind: dict[str, list[str]] = {}
    for spelling, name in sorted(unit_spellings().items()):
        forms = [spelling, spelling.capitalize()]
        if spelling in _DOTTED:
            forms.append(spelling + ".")
        by_kind.setdefault(UNIT_KINDS[name], []).extend(forms)
    by_kind["volume"] += ["T", "t", "T.", "t."]
    return by_kind


_DOTTED = frozenset(["tsp", "tbsp", "tbs", "oz", "lb", "lbs", "pt", "qt", "gal", "pkg", "c", "g", "kg", "ml"])


def vary_units(line: str, tokens: list[Token], labels: list[str], rng: random.Random) -> tuple[str, list[str]] | None:
    """The line with its units written another way ("2 tbsp" -> "2 Tbsp.", "150g" -> "150dl"), and its labels.

    The tagger then learns what a unit looks like, not the handful of spellings the labelled sites use."""
    kinds = _spellings()
    pieces: list[str] = []
    spans: list[tuple[int, int, int]] = []  # (start in the new line, end in the new line, shift after)
    at = shift = 0
    for token, label in zip(tokens, labels, strict=True):
        name = canonical_unit(token.text) if label == "UNIT" and token.kind == "word" else None
        if name is None:
            continue
        new = rng.choice(kinds[UNIT_KINDS[name]])
        if " " in new:
            continue  # two-word spellings would change the tokens around them
        pieces += [line[at : token.start], new]
        start = token.start + shift
        shift += len(new) - (token.end - token.start)
        spans.append((start, start + len(new), shift))
        at = token.end
    if not spans:
        return None
    new_line = "".join(pieces) + line[at:]
    by_start = {t.start: label for t, label in zip(tokens, labels, strict=True)}
    new_labels: list[str] = []
    for token in tokenize(new_line):
        inside = next((s for s in spans if s[0] <= token.start < s[1]), None)
        if inside is not None:
            new_labels.append("UNIT")
            continue
        before = [s for s in spans if s[1] <= token.start]
        original = token.start - (before[-1][2] if before else 0)
        if original not in by_start:
            return None
        new_labels.append(by_start[original])
    return new_line, new_labels


def training_sequences(
    rows: list[dict[str, str]], vary: float = 0.0, seed: int = 16
) -> tuple[list[tuple[list[list[str]], list[str]]], Counter[str]]:
    """The features and labels of every training line, plus (with `vary`) that share of lines again with
    their units written another way."""
    rng = random.Random(seed)  # noqa: S311 (reproducible variation, not a secret)
    sequences = []
    stats: Counter[str] = Counter()
    for row in rows:
        if held_out(row["input"]):
            stats["held out"] += 1
            continue
        tokens = tokenize(row["input"])
        labels = align(row, tokens)
        if labels is None or not tokens:
            stats["not aligned"] += 1
            continue
        stats["trained on"] += 1
        sequences.append((features(tokens), labels))
        if vary and rng.random() < vary:
            varied = vary_units(row["input"], tokens, labels, rng)
            if varied is not None:
                stats["units varied"] += 1
                sequences.append((features(tokenize(varied[0])), varied[1]))
    return sequences, stats


def train(sequences: list[tuple[list[list[str]], list[str]]], out: Path, c1: float, c2: float, iterations: int) -> None:
    trainer = pycrfsuite.Trainer(verbose=False)
    for xseq, yseq in sequences:
        trainer.append(xseq, yseq)
    trainer.set_params(
        {
            "c1": c1,
            "c2": c2,
            "max_iterations": iterations,
            "feature.possible_transitions": True,
            "feature.minfreq": 1,
        }
    )
    trainer.train(str(out))


def _token_accuracy(model: Path, sequences: list[tuple[list[list[str]], list[str]]]) -> tuple[float, float]:
    tagger = pycrfsuite.Tagger()
    tagger.open(str(model))
    tokens = right = lines = lines_right = 0
    for xseq, yseq in sequences:
        got = tagger.tag(xseq)
        same = sum(a == b for a, b in zip(got, yseq, strict=True))
        tokens += len(yseq)
        right += same
        lines += 1
        lines_right += same == len(yseq)
    tagger.close()
    return 100 * right / tokens, 100 * lines_right / lines


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", type=Path, help="folder of labelled CSV files")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--c1", type=float, default=0.2)
    ap.add_argument("--c2", type=float, default=0.05)
    ap.add_argument("--iterations", type=int, default=300)
    ap.add_argument("--seed", type=int, default=16)
    ap.add_argument("--vary", type=float, default=0.3, help="share of lines trained again with other unit spellings")
    ap.add_argument("--cross-validate", type=int, default=0, metavar="K", help="score settings by K folds of training")
    args = ap.parse_args()

    rows = read_rows(corpus_files(args.corpus))
    if not rows:
        ap.error(f"no labelled CSV files in {args.corpus}")
    sequences, stats = training_sequences(rows, args.vary, args.seed)
    print(", ".join(f"{k}: {v}" for k, v in stats.items()))
    if args.cross_validate:
        order = list(range(len(sequences)))
        random.Random(args.seed).shuffle(order)  # noqa: S311 (reproducible folds)
        k = args.cross_validate
        for fold in range(k):
            test = [sequences[i] for i in order[fold::k]]
            train_part = [sequences[i] for n, i in enumerate(order) if n % k != fold]
            tmp = args.out.with_suffix(f".fold{fold}")
            started = time.perf_counter()
            train(train_part, tmp, args.c1, args.c2, args.iterations)
            tok, line = _token_accuracy(tmp, test)
            tmp.unlink()
            print(f"fold {fold}: tokens {tok:.2f}%  lines {line:.2f}%  ({time.perf_counter() - started:.0f} s)")
        return 0
    started = time.perf_counter()
    train(sequences, args.out, args.c1, args.c2, args.iterations)
    print(f"wrote {args.out} ({args.out.stat().st_size / 1024:.0f} KiB) in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
