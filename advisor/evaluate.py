"""Measure a rule book: its own tests, cross-validation, an evaluation file, sweeps, coverage."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from advisor.engine import Advisor
from advisor.errors import Problem, RuleError, Where
from advisor.matcher import Matcher, Segment
from advisor.models import Example, Intent, RuleBook
from advisor.normalise import Normaliser
from advisor.yamlfile import YamlList, YamlMap, parse

FOLDS = 5
COMMON_KEYWORD = 5
"""A keyword word found in this many other situations' examples is too common."""
SPECIAL = {"out-of-scope": None, "safety": "safety"}
GUARD = "guard"
"""The category of a safety-set message that must raise no alarm."""


@dataclass(frozen=True)
class Case:
    """One message with the intent it should reach (None: it should fall back)."""

    text: str
    expected: str | None
    where: Where
    forbidden: str | None = None
    """For negation cases: the intent a careless matcher would wrongly pick."""
    group: str = ""
    """The eval file section it came from (in a safety set: the kind of danger, or guard)."""
    screened: bool = False
    """True for a safety-set message, which is scored by the safety screen alone."""


@dataclass
class Scores:
    """Predictions for a set of cases, and the figures derived from them."""

    results: list[tuple[Case, str | None]] = field(default_factory=list)

    def add(self, case: Case, predicted: str | None) -> None:
        self.results.append((case, predicted))

    def accuracy(self, groups: set[str] | None = None) -> tuple[int, int]:
        """Correct and total, over the cases of the named groups (all when None)."""
        chosen = [(c, p) for c, p in self.results if groups is None or c.group in groups]
        return sum(c.expected == p for c, p in chosen), len(chosen)

    def per_intent(self) -> dict[str, tuple[int, int, int]]:
        """For each expected intent: true positives, times expected, times predicted."""
        counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
        for case, predicted in self.results:
            key = case.expected or "(fallback)"
            counts[key][1] += 1
            counts[predicted or "(fallback)"][2] += 1
            if case.expected == predicted:
                counts[key][0] += 1
        return {k: (v[0], v[1], v[2]) for k, v in sorted(counts.items())}

    def confusions(self) -> list[tuple[str, str, int]]:
        """The most frequent (expected, predicted) mistakes."""
        pairs = Counter(
            (c.expected or "(fallback)", p or "(fallback)")
            for c, p in self.results
            if c.expected != p
        )
        return [(a, b, n) for (a, b), n in pairs.most_common()]

    def mistakes(self) -> list[tuple[Case, str | None]]:
        """Every case the matcher got wrong."""
        return [(c, p) for c, p in self.results if c.expected != p]


def load_cases(path: Path) -> list[Case]:
    """Read an evaluation file: sections named by intent, each a list of messages; or a
    safety set, a list of `text` and `category` items (a kind of danger, or `guard`)."""
    name = str(path)
    try:
        data = path.read_bytes()
    except OSError as err:
        raise RuleError([Problem(Where(name), f"cannot read the file: {err.strerror}")]) from None
    value, problems = parse(data, name)
    cases: list[Case] = []
    if isinstance(value, YamlList):
        return _safety_cases(value, name, problems)
    if not isinstance(value, YamlMap):
        problems.append(
            Problem(
                Where(name, 1),
                "an evaluation file is a mapping of sections",
                "write 'went-silent:' then a list of messages under it",
            )
        )
        raise RuleError(problems)
    for section, items in value.items():
        line = value.key_lines[section]
        if not isinstance(items, YamlList):
            problems.append(Problem(Where(name, line), f"'{section}' should be a list"))
            continue
        for item, item_line in zip(items, items.item_lines, strict=True):
            where = Where(name, item_line)
            if section == "negation" and isinstance(item, YamlMap):
                text, expected, forbidden = item.get("text"), item.get("intent"), item.get("not")
                if isinstance(text, str) and (expected is None or isinstance(expected, str)):
                    cases.append(Case(text, expected, where, forbidden, section))
                    continue
            elif isinstance(item, str) and item.strip():
                cases.append(Case(item, SPECIAL.get(section, section), where, None, section))
                continue
            problems.append(
                Problem(
                    where,
                    f"this item of '{section}' is not a message",
                    "write it as '- text'; negation items as text/intent/not",
                )
            )
    if any(not p.warning for p in problems):
        raise RuleError(problems)
    return cases


def _safety_cases(items: YamlList, name: str, problems: list[Problem]) -> list[Case]:
    cases: list[Case] = []
    for item, line in zip(items, items.item_lines, strict=True):
        text = item.get("text") if isinstance(item, YamlMap) else None
        category = item.get("category") if isinstance(item, YamlMap) else None
        if isinstance(text, str) and text.strip() and isinstance(category, str):
            expected = None if category == GUARD else "safety"
            cases.append(Case(text, expected, Where(name, line), group=category, screened=True))
        else:
            problems.append(
                Problem(
                    Where(name, line),
                    "this item of the safety set needs 'text' and 'category'",
                    "write '- text: ...' and '  category: violence' (or guard)",
                )
            )
    if any(not p.warning for p in problems):
        raise RuleError(problems)
    return cases


def unknown_intents(cases: list[Case], book: RuleBook) -> list[Problem]:
    """Cases naming intents the rule book does not have."""
    known = set(book.intents) | {"safety"}
    return [
        Problem(c.where, f"the intent '{c.expected}' is not in the rule book")
        for c in cases
        if c.expected is not None and c.expected not in known
    ]


@dataclass(frozen=True)
class SafetyResult:
    """How one message of a safety set was answered."""

    case: Case
    category: str | None
    """The safety category that fired, if any."""
    check_in: bool
    """True when only the gentler check-in fired."""

    @property
    def alarmed(self) -> bool:
        return self.category is not None


def screen(advisor: Advisor, cases: list[Case]) -> list[SafetyResult]:
    """Run every message of a safety set through the safety screen."""
    results: list[SafetyResult] = []
    for case in cases:
        hit = advisor.danger(case.text)
        category = hit.category.id if hit else None
        results.append(SafetyResult(case, category, bool(hit and hit.check_in)))
    return results


def safety_tests(advisor: Advisor) -> tuple[list[Case], list[Problem]]:
    """The safety categories' own `tests:`, as cases, and every one that fails."""
    cases: list[Case] = []
    failures: list[Problem] = []
    for category in advisor.book.safety.categories:
        for example in category.must_match:
            cases.append(Case(example.text, "safety", example.where, group=category.id))
            hit = advisor.danger(example.text)
            if hit is None or hit.category.id != category.id:
                got = hit.category.id if hit else "no alarm"
                failures.append(
                    Problem(
                        example.where,
                        f"'{example.text}' should be caught as {category.id}, got {got}",
                        "add an example or phrase like it to the category",
                    )
                )
        for example in category.must_not_match:
            cases.append(Case(example.text, None, example.where, group=category.id))
            hit = advisor.danger(example.text)
            if hit is not None:
                failures.append(
                    Problem(
                        example.where,
                        f"'{example.text}' raised the {hit.category.id} alarm "
                        f"(rule {hit.rule!r} at {hit.where})",
                        "add an idiom or a guard, or narrow the rule",
                    )
                )
    return cases, failures


def predict(advisor: Advisor, cases: list[Case]) -> Scores:
    """Run every case through the advisor."""
    scores = Scores()
    for case in cases:
        scores.add(case, advisor.advise(case.text).intent)
    return scores


def _held_out(book: RuleBook, folds: int) -> Iterator[tuple[Matcher, Intent, Example]]:
    """Each rule example with a matcher built without it (k folds, by position)."""
    fold_of = {e: n % folds for i in book.intents.values() for n, e in enumerate(i.examples)}
    for fold in range(folds):
        held_out = {e for e, f in fold_of.items() if f == fold}
        matcher = Matcher(book, skip=held_out.__contains__)
        for intent in book.intents.values():
            for example in intent.examples:
                if example in held_out:
                    yield matcher, intent, example


def cross_validate(book: RuleBook, folds: int = FOLDS) -> Scores:
    """Predict each rule example with a matcher that never saw it."""
    scores = Scores()
    for matcher, intent, example in _held_out(book, folds):
        expected = None if intent.kind == "out-of-scope" else intent.id
        case = Case(example.text, expected, example.where, group=intent.kind)
        scores.add(case, matcher.match(example.text).intent)
    return scores


def rule_tests(advisor: Advisor) -> list[Problem]:
    """Every `tests:` phrasing that does not reach, or wrongly reaches, its situation."""
    failures: list[Problem] = []
    for intent in advisor.book.situations:
        for example in intent.must_match:
            got = advisor.advise(example.text).intent
            if got != intent.id:
                failures.append(
                    Problem(
                        example.where,
                        f"'{example.text}' reached {got}, not {intent.id}",
                        "add examples closer to it",
                    )
                )
        for example in intent.must_not_match:
            if advisor.advise(example.text).intent == intent.id:
                failures.append(
                    Problem(
                        example.where,
                        f"'{example.text}' reached {intent.id}",
                        "make the examples more specific",
                    )
                )
    return failures


def misrouted(book: RuleBook) -> list[Problem]:
    """Warnings for rule examples that the matcher, knowing them, still sends elsewhere."""
    matcher = Matcher(book)
    found: list[Problem] = []
    for intent in book.situations:
        for example in intent.examples:
            got = matcher.match(example.text).intent
            if got != intent.id:
                found.append(
                    Problem(
                        example.where,
                        f"'{example.text}' is an example of {intent.id} but reaches "
                        f"{got or 'the fallback'}",
                        "reword it, move it, or check the other situation's keywords",
                        warning=True,
                    )
                )
    return found


def keyword_problems(book: RuleBook) -> list[Problem]:
    """Warnings for keywords that shrink to one word common in other situations' examples.

    "has partner" is read as "partner" ("has" is too common to count), and "partner"
    appears all over the rule book: such a keyword boosts its situation far too often.
    """
    normaliser = Normaliser(book.lexicon)
    words_of = {
        intent.id: [set(normaliser.tokens(e.text)) for e in intent.examples]
        for intent in book.situations
    }
    found: list[Problem] = []
    for intent in book.situations:
        for keyword in intent.keywords:
            tokens = normaliser.tokens(keyword)
            if len(tokens) != 1 or len(keyword.split()) < 2:
                continue
            elsewhere = sum(
                tokens[0] in words
                for other, examples in words_of.items()
                if other != intent.id
                for words in examples
            )
            if elsewhere >= COMMON_KEYWORD:
                found.append(
                    Problem(
                        intent.where,
                        f"the keyword '{keyword}' of {intent.id} is read as '{tokens[0]}', "
                        f"which {elsewhere} examples of other situations also contain",
                        "use a more specific phrase, or join its words with a phrase in "
                        "lexicon.yaml (as 'ask out' becomes 'askout')",
                        warning=True,
                    )
                )
    return found


@dataclass(frozen=True)
class SweepRow:
    """Accuracy and fallback at one threshold and margin."""

    threshold: float
    margin: float
    accuracy: float
    in_scope_fallback: float
    out_of_scope_fallback: float
    asked: float
    """How often advisor would ask which of two situations is meant."""


def sweep(advisor: Advisor, cases: list[Case]) -> list[SweepRow]:
    """How accuracy and fallback trade off over the confidence threshold and ambiguity margin."""
    matcher = advisor.matcher
    prepared: list[tuple[Case, tuple[Segment, list[Segment]] | None]] = []
    for case in cases:
        safe = advisor.danger(case.text) is not None
        prepared.append((case, None if safe else matcher.segments(case.text)))
    rows: list[SweepRow] = []
    for step in range(2, 13):
        threshold = step * 0.05
        for margin in (0.0, 0.02, 0.04, 0.06, 0.08):
            correct = asked = 0
            fell = {True: 0, False: 0}
            for case, segments in prepared:
                if segments is None:
                    got: str | None = "safety"
                else:
                    match = matcher.decide(*segments, threshold=threshold, margin=margin)
                    got, asked = match.intent, asked + match.ambiguous
                correct += got == case.expected
                fell[case.expected is None] += got is None
            total_out = sum(c.expected is None for c in cases)
            total_in = len(cases) - total_out
            rows.append(
                SweepRow(
                    threshold,
                    margin,
                    correct / max(len(cases), 1),
                    fell[False] / max(total_in, 1),
                    fell[True] / max(total_out, 1),
                    asked / max(len(cases), 1),
                )
            )
    return rows


def recommend(rows: list[SweepRow]) -> SweepRow:
    """The middle of the best-accuracy plateau, at the widest margin that asks at most 10%.

    Thresholds with equal accuracy trade in-scope fallbacks for out-of-scope catches one for
    one; the middle of that range is the choice least likely to tip over on new messages.
    """
    best = max(round(r.accuracy, 4) for r in rows)
    plateau = sorted({r.threshold for r in rows if round(r.accuracy, 4) == best})
    middle = plateau[(len(plateau) - 1) // 2]
    candidates = [r for r in rows if r.threshold == middle and round(r.accuracy, 4) == best]
    return max(
        candidates, key=lambda r: (r.asked <= 0.1, r.margin if r.asked <= 0.1 else -r.margin)
    )


def coverage(book: RuleBook) -> tuple[dict[str, list[str]], list[str]]:
    """Which principles each situation uses, and which principles nothing reaches."""
    used: dict[str, list[str]] = {}
    reached: set[str] = set()
    for intent in book.situations:
        names = list(intent.principles)
        if intent.follow_up:
            names += [p for a in intent.follow_up.answers for p in a.principles if p not in names]
        used[intent.id] = names
        reached.update(names)
    return used, [p for p in book.principles if p not in reached]


def fit_calibration(book: RuleBook, folds: int = FOLDS) -> tuple[tuple[float, float], ...]:
    """Calibration points fitted on cross-validation: how often a raw score is right.

    Each held-out example's best raw score is paired with whether that best intent was right;
    isotonic regression (pool adjacent violators) turns the pairs into a rising curve, read
    off at fixed scores.
    """
    pairs: list[tuple[float, float]] = []
    for matcher, intent, example in _held_out(book, folds):
        ranked = matcher.rank(example.text)
        if ranked:
            pairs.append((ranked[0].raw, float(ranked[0].intent == intent.id)))
    pairs.sort()
    blocks: list[list[float]] = []  # [sum of outcomes, count, highest score]
    for score, right in pairs:
        blocks.append([right, 1.0, score])
        while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] > blocks[-1][0] / blocks[-1][1]:
            total, count, high = blocks.pop()
            blocks[-1] = [blocks[-1][0] + total, blocks[-1][1] + count, high]
    points: list[tuple[float, float]] = [(0.0, 0.0)]
    for step in range(1, 11):
        x = step / 10
        rate = next((b[0] / b[1] for b in blocks if b[2] >= x), blocks[-1][0] / blocks[-1][1])
        points.append((x, round(min(max(rate, points[-1][1]), 0.99), 2)))
    return tuple(points)
