"""Find, load and validate a rule book: YAML files in, a typed `RuleBook` or every problem out."""

from __future__ import annotations

import itertools
import re
from os import PathLike
from pathlib import Path
from string import Formatter
from typing import TYPE_CHECKING, Any

from advisor import safetyfile
from advisor.errors import Problem, RuleError, Where
from advisor.models import (
    Answer,
    Dialogue,
    Example,
    FollowUp,
    Intent,
    Lexicon,
    Principle,
    Replies,
    RuleBook,
    Settings,
)
from advisor.storage import bundled_rules
from advisor.yamlfile import YamlList, YamlMap, parse

if TYPE_CHECKING:
    from importlib.abc import Traversable

MIN_EXAMPLES = 15
ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
RESERVED_IDS = {"safety", "out-of-scope"}
ACTIONS = {"why", "more", "end"}
KNOWN_FILES = {
    "principles.yaml",
    "smalltalk.yaml",
    "out-of-scope.yaml",
    "lexicon.yaml",
    "replies.yaml",
    "safety.yaml",
}


def load(root: str | PathLike[str] | None = None) -> tuple[RuleBook, list[Problem]]:
    """Load and validate a rule book; raise `RuleError` listing every problem if it is broken.

    Returns the rule book and the warnings found along the way.
    """
    book, problems = check(root)
    if book is None or any(not p.warning for p in problems):
        raise RuleError(problems)
    return book, [p for p in problems if p.warning]


def check(root: str | PathLike[str] | None = None) -> tuple[RuleBook | None, list[Problem]]:
    """Validate a rule book, returning it (if usable) and every problem and warning found."""
    if root is None:
        base: Traversable = bundled_rules()
        label = "rules"
    else:
        base = Path(root)
        label = str(root).rstrip("/") or "/"
    loader = _Loader(label)
    try:
        if not base.is_dir():
            loader.add(
                Where(label),
                "the rule book folder does not exist",
                "pass the folder that holds principles.yaml and situations/",
            )
            return None, loader.problems
        book = loader.load(base)
    except OSError as err:
        loader.add(Where(label), f"the rule book could not be read: {err.strerror or err}")
        return None, loader.problems
    except RecursionError:
        loader.add(Where(label), "the rule book nests too deeply to read", "flatten the YAML")
        return None, loader.problems
    return book, loader.problems


class _Loader:
    """Reads every file of one rule book, collecting problems instead of stopping at the first."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.problems: list[Problem] = []
        self.unreadable: set[str] = set()
        """Files whose YAML did not parse: their problems are already reported."""

    def add(self, where: Where, problem: str, hint: str = "", *, warning: bool = False) -> None:
        self.problems.append(Problem(where, problem, hint, warning))

    def read(
        self, folder: Traversable, name: str, *, required: bool, label: str = ""
    ) -> tuple[Any, str]:
        display = f"{label or self.label}/{name}"
        item = folder
        for part in name.split("/"):
            item = item / part
        if not item.is_file():
            if required:
                self.add(Where(display), "this file is missing", "every rule book needs it")
            return None, display
        value, problems = parse(item.read_bytes(), display)
        self.problems.extend(problems)
        if value is None and problems:
            self.unreadable.add(display)
        return value, display

    def load(self, base: Traversable) -> RuleBook | None:
        for entry in sorted(base.iterdir(), key=lambda e: e.name):
            is_rule_file = entry.is_file() and entry.name.endswith((".yaml", ".yml"))
            if is_rule_file and entry.name not in KNOWN_FILES:
                self.add(
                    Where(f"{self.label}/{entry.name}"),
                    "this file is not read",
                    f"rule files are {', '.join(sorted(KNOWN_FILES))} and situations/*.yaml",
                    warning=True,
                )
        principles = self.principles(*self.read(base, "principles.yaml", required=True))
        intents: dict[str, Intent] = {}
        situations = base / "situations"
        names = (
            sorted(e.name for e in situations.iterdir() if e.name.endswith((".yaml", ".yml")))
            if situations.is_dir()
            else []
        )
        if not names:
            self.add(
                Where(f"{self.label}/situations"),
                "the rule book has no situations",
                "add at least one situations/NAME.yaml",
            )
        for name in names:
            value, display = self.read(base, f"situations/{name}", required=True)
            intent = self.situation(value, display)
            if intent is not None:
                self.add_intent(intents, intent)
        for intent in self.smalltalk(*self.read(base, "smalltalk.yaml", required=False)):
            self.add_intent(intents, intent)
        scope = self.out_of_scope(*self.read(base, "out-of-scope.yaml", required=False))
        if scope is not None:
            intents[scope.id] = scope
        lexicon = self.lexicon(*self.read(base, "lexicon.yaml", required=True))
        replies, settings = self.replies(*self.read(base, "replies.yaml", required=True))
        safety = safetyfile.read_bundled(self, bundled_rules())
        if (base / "safety.yaml").is_file():
            extra = safetyfile.read_additions(self, *self.read(base, "safety.yaml", required=True))
            if safety and extra:
                safety = safetyfile.merge(safety, extra)
        if safety:
            safetyfile.check_lists(self, safety)
        if f"{self.label}/principles.yaml" not in self.unreadable:
            self.cross_check(principles, intents)
        if None in (lexicon, replies, settings, safety):
            return None
        assert lexicon and replies and settings and safety  # narrowed for the type checker
        return RuleBook(self.label, principles, intents, safety, lexicon, replies, settings)

    def add_intent(self, intents: dict[str, Intent], intent: Intent) -> None:
        if intent.id in intents:
            self.add(
                intent.where,
                f"the id '{intent.id}' is used twice (also at {intents[intent.id].where})",
                "give each situation and small-talk rule its own id",
            )
            return
        intents[intent.id] = intent

    def mapping(
        self, value: Any, where: Where, what: str, required: set[str], optional: set[str]
    ) -> YamlMap | None:
        if not isinstance(value, YamlMap):
            if where.file not in self.unreadable:
                self.add(
                    where, f"{what} should be a mapping of 'key: value' lines", _shape_hint(value)
                )
            return None
        for key in value:
            if key not in required and key not in optional:
                known = ", ".join(sorted(required | optional))
                self.add(
                    _at(value, key, where.file),
                    f"unknown field '{key}' in {what}",
                    f"known: {known}",
                )
        for key in sorted(required - set(value)):
            self.add(
                Where(where.file, value.line), f"{what} is missing the field '{key}'", "add it"
            )
        return value

    def text(self, m: YamlMap, key: str, file: str, *, required: bool = True) -> str:
        value = m.get(key)
        if value is None:
            return ""
        if not isinstance(value, str) or not value.strip():
            if required or value != "":
                self.add(_at(m, key, file), f"'{key}' should be non-empty text", "quote it")
            return ""
        return " ".join(value.split())

    def filled(self, m: YamlMap, key: str, file: str, fields: set[str]) -> str:
        """A required text with {placeholders}, checked against the ones advisor fills in."""
        return self.template(self.text(m, key, file), fields, _at(m, key, file))

    def template(self, text: str, fields: set[str], where: Where) -> str:
        """Check that a sentence uses only the {placeholders} advisor fills in."""
        allowed = ", ".join(f"{{{f}}}" for f in sorted(fields)) or "no placeholders"
        hint = f"it may use {allowed}; write {{{{ and }}}} for a brace itself"
        try:
            names = {name for _, name, _, _ in Formatter().parse(text) if name is not None}
        except ValueError as err:
            self.add(where, f"the text's braces do not pair up ({err})", hint)
            return ""
        unknown = sorted(names - fields)
        if unknown:
            self.add(
                where, f"the text uses {', '.join(repr(n) for n in unknown)} as a placeholder", hint
            )
            return ""
        return text

    def ident(self, m: YamlMap, key: str, file: str) -> str:
        value = self.text(m, key, file)
        if value and not ID_PATTERN.match(value):
            self.add(
                _at(m, key, file),
                f"the id '{value}' should be lowercase words joined by hyphens",
                "for example: went-silent",
            )
        return value

    def texts(self, m: YamlMap, key: str, file: str, *, minimum: int = 0) -> tuple[Example, ...]:
        value = m.get(key)
        if value is None:
            if minimum:
                self.add(Where(file, m.line), f"'{key}' is missing", f"add at least {minimum}")
            return ()
        if not isinstance(value, YamlList):
            self.add(_at(m, key, file), f"'{key}' should be a list of '- text' lines")
            return ()
        found: list[Example] = []
        for item, line in zip(value, value.item_lines, strict=True):
            if (
                isinstance(item, str | int | float)
                and not isinstance(item, bool)
                and str(item).strip()
            ):
                found.append(Example(" ".join(str(item).split()), Where(file, line)))
            elif isinstance(item, bool):
                self.add(
                    Where(file, line),
                    f"an item of '{key}' reads as {str(item).lower()}, not as text",
                    "YAML reads yes, no, on and off as true or false: put the word in quotes",
                )
            else:
                self.add(Where(file, line), f"an item of '{key}' should be non-empty text")
        if len(found) < minimum:
            self.add(
                _at(m, key, file),
                f"'{key}' has {len(found)} items; at least {minimum} are needed",
                "add varied phrasings: short and long, questions and statements, casual and slang",
            )
        return tuple(found)

    def tests(self, m: YamlMap, file: str) -> tuple[tuple[Example, ...], tuple[Example, ...]]:
        """A rule's `tests:`: the phrasings that must match it, and those that must not."""
        tests = m.get("tests")
        if tests is None:
            return (), ()
        t = self.mapping(tests, _at(m, "tests", file), "tests", set(), {"match", "not_match"})
        if t is None:
            return (), ()
        return self.texts(t, "match", file), self.texts(t, "not_match", file)

    def ids(self, m: YamlMap, key: str, file: str) -> tuple[str, ...]:
        return tuple(e.text for e in self.texts(m, key, file))

    def principles(self, value: Any, file: str) -> dict[str, Principle]:
        found: dict[str, Principle] = {}
        top = self.mapping(value, Where(file, 1), "principles.yaml", {"principles"}, set())
        if top is None:
            return found
        items = top.get("principles")
        if not isinstance(items, YamlList):
            self.add(_at(top, "principles", file), "'principles' should be a list")
            return found
        fields = {"id", "title", "advice", "quote", "source"}
        for item, line in zip(items, items.item_lines, strict=True):
            m = self.mapping(item, Where(file, line), "a principle", fields, set())
            if m is None:
                continue
            p = Principle(
                self.ident(m, "id", file),
                self.text(m, "title", file),
                self.text(m, "advice", file),
                self.text(m, "quote", file),
                self.text(m, "source", file),
                Where(file, m.line),
            )
            if not p.id:
                continue
            if p.id in found:
                self.add(p.where, f"the principle id '{p.id}' is used twice", "rename one of them")
            found[p.id] = p
        return found

    def situation(self, value: Any, file: str) -> Intent | None:
        required = {"id", "title", "description", "acknowledge", "principles", "examples"}
        optional = {"keywords", "follow_up", "tests"}
        m = self.mapping(value, Where(file, 1), "a situation", required, optional)
        if m is None:
            return None
        intent_id = self.ident(m, "id", file)
        if intent_id in RESERVED_IDS:
            self.add(_at(m, "id", file), f"the id '{intent_id}' is reserved", "choose another id")
        must, must_not = self.tests(m, file)
        return Intent(
            id=intent_id,
            kind="situation",
            title=self.text(m, "title", file),
            description=self.text(m, "description", file),
            examples=self.texts(m, "examples", file, minimum=MIN_EXAMPLES),
            keywords=tuple(e.text for e in self.texts(m, "keywords", file)),
            principles=self.ids(m, "principles", file),
            acknowledge=tuple(e.text for e in self.texts(m, "acknowledge", file, minimum=1)),
            follow_up=self.follow_up(m, file),
            must_match=must,
            must_not_match=must_not,
            where=Where(file, m.line),
        )

    def follow_up(self, m: YamlMap, file: str) -> FollowUp | None:
        if m.get("follow_up") is None:
            return None
        f = self.mapping(
            m["follow_up"], _at(m, "follow_up", file), "follow_up", {"question", "answers"}, set()
        )
        if f is None:
            return None
        answers: list[Answer] = []
        items = f.get("answers")
        if not isinstance(items, YamlList) or not items:
            self.add(_at(f, "answers", file), "'answers' should be a list of answers")
            items = YamlList()
            items.item_lines = []
        for item, line in zip(items, items.item_lines, strict=True):
            a = self.mapping(
                item, Where(file, line), "an answer", {"id", "phrasings", "principles"}, {"reply"}
            )
            if a is not None:
                answers.append(
                    Answer(
                        self.ident(a, "id", file),
                        self.texts(a, "phrasings", file, minimum=1),
                        self.ids(a, "principles", file),
                        self.text(a, "reply", file, required=False),
                        Where(file, a.line),
                    )
                )
        return FollowUp(self.text(f, "question", file), tuple(answers), Where(file, f.line))

    def smalltalk(self, value: Any, file: str) -> list[Intent]:
        if value is None:
            return []
        top = self.mapping(value, Where(file, 1), "smalltalk.yaml", {"smalltalk"}, set())
        items = top.get("smalltalk") if top else None
        if not isinstance(items, YamlList):
            if top is not None:
                self.add(_at(top, "smalltalk", file), "'smalltalk' should be a list")
            return []
        found: list[Intent] = []
        for item, line in zip(items, items.item_lines, strict=True):
            m = self.mapping(
                item,
                Where(file, line),
                "a small-talk rule",
                {"id", "examples", "replies"},
                {"title", "action"},
            )
            if m is None:
                continue
            found.append(
                Intent(
                    id=self.ident(m, "id", file),
                    kind="smalltalk",
                    title=self.text(m, "title", file, required=False),
                    description="",
                    examples=self.texts(m, "examples", file, minimum=3),
                    acknowledge=tuple(
                        self.template(e.text, {"topics"}, e.where)
                        for e in self.texts(m, "replies", file, minimum=1)
                    ),
                    where=Where(file, m.line),
                    action=self.action(m, file),
                )
            )
        return found

    def action(self, m: YamlMap, file: str) -> str:
        action = self.text(m, "action", file, required=False)
        if action and action not in ACTIONS:
            self.add(
                _at(m, "action", file),
                f"unknown action '{action}'",
                f"use one of {', '.join(sorted(ACTIONS))}, or leave it out",
            )
        return action

    def out_of_scope(self, value: Any, file: str) -> Intent | None:
        if value is None:
            return None
        m = self.mapping(value, Where(file, 1), "out-of-scope.yaml", {"examples"}, set())
        if m is None:
            return None
        return Intent(
            id="out-of-scope",
            kind="out-of-scope",
            title="something advisor does not cover",
            description="",
            examples=self.texts(m, "examples", file, minimum=1),
            where=Where(file, m.line),
        )

    def lexicon(self, value: Any, file: str) -> Lexicon | None:
        words = {"stopwords", "negations", "negation_breaks", "romance", "other_roles"}
        maps = {"contractions", "shorthand", "phrases", "pronoun_cues"}
        m = self.mapping(value, Where(file, 1), "lexicon.yaml", words | maps | {"pronouns"}, set())
        if m is None:
            return None
        tables = {key: self.table(m, key, file) for key in maps}
        sets = {key: frozenset(e.text.lower() for e in self.texts(m, key, file)) for key in words}
        pronouns: dict[str, dict[str, str]] = {}
        p = m.get("pronouns")
        if isinstance(p, YamlMap):
            for key in p:
                pronouns[key] = self.table(p, key, file)
        else:
            self.add(_at(m, "pronouns", file), "'pronouns' should map she and they to word tables")
        for cue, pronoun in tables["pronoun_cues"].items():
            if pronoun not in ("he", "she", "they"):
                self.add(
                    _at(m, "pronoun_cues", file),
                    f"the cue '{cue}' points at '{pronoun}'",
                    "cues point at he, she or they",
                )
        return Lexicon(
            contractions=tables["contractions"],
            shorthand=tables["shorthand"],
            phrases=tables["phrases"],
            stopwords=sets["stopwords"],
            negations=sets["negations"],
            negation_breaks=sets["negation_breaks"],
            romance=sets["romance"],
            other_roles=sets["other_roles"],
            pronouns=pronouns,
            pronoun_cues=tables["pronoun_cues"],
        )

    def table(self, m: YamlMap, key: str, file: str) -> dict[str, str]:
        value = m.get(key)
        if not isinstance(value, YamlMap):
            self.add(_at(m, key, file), f"'{key}' should be a mapping of 'word: replacement'")
            return {}
        table: dict[str, str] = {}
        for word, replacement in value.items():
            if not isinstance(replacement, str):
                self.add(
                    _at(value, word, file),
                    f"the replacement for '{word}' should be text",
                    "quote words YAML reads as something else, such as 'no' or 'yes'",
                )
                continue
            table[str(word).lower()] = replacement.lower()
        return table

    def replies(self, value: Any, file: str) -> tuple[Replies | None, Settings | None]:
        m = self.mapping(
            value,
            Where(file, 1),
            "replies.yaml",
            {"fallback", "foreign", "ambiguous", "letter_more", "quote", "settings", "dialogue"},
            set(),
        )
        if m is None:
            return None, None
        dialogue = self.dialogue(m, file)
        if dialogue is None:
            return None, None
        replies = Replies(
            fallback=tuple(e.text for e in self.texts(m, "fallback", file, minimum=1)),
            foreign=tuple(e.text for e in self.texts(m, "foreign", file, minimum=1)),
            ambiguous=self.filled(m, "ambiguous", file, {"first", "second"}),
            letter_more=self.filled(m, "letter_more", file, {"count"}),
            quote=self.filled(m, "quote", file, {"quote", "source"}),
            dialogue=dialogue,
        )
        s = self.mapping(
            m.get("settings"),
            _at(m, "settings", file),
            "settings",
            {"threshold", "margin", "max_situations"},
            {"calibration"},
        )
        if s is None:
            return replies, None
        numbers: dict[str, float] = {}
        for key, low, high in (("threshold", 0, 1), ("margin", 0, 1), ("max_situations", 1, 20)):
            number = s.get(key)
            if isinstance(number, bool) or not isinstance(number, int | float):
                self.add(_at(s, key, file), f"'{key}' should be a number")
            elif not low <= number <= high:
                self.add(_at(s, key, file), f"'{key}' should be between {low} and {high}")
            else:
                numbers[key] = float(number)
        calibration = self.calibration(s, file)
        if len(numbers) < 3 or calibration is None:
            return replies, None
        return replies, Settings(
            numbers["threshold"], numbers["margin"], int(numbers["max_situations"]), calibration
        )

    def dialogue(self, m: YamlMap, file: str) -> Dialogue | None:
        lists = ("more", "ask_again", "chosen", "again", "first_choice", "second_choice")
        d = self.mapping(
            m.get("dialogue"),
            _at(m, "dialogue", file),
            "dialogue",
            {"why", "more_none", *lists},
            set(),
        )
        if d is None:
            return None
        fields = {"ask_again": {"question"}}
        found = {
            key: tuple(
                self.template(e.text, fields.get(key, set()), e.where)
                for e in self.texts(d, key, file, minimum=1)
            )
            for key in lists
        }
        return Dialogue(
            why=self.filled(d, "why", file, {"source", "quote", "words", "title"}),
            more_none=self.filled(d, "more_none", file, {"title", "related"}),
            **found,
        )

    def calibration(self, s: YamlMap, file: str) -> tuple[tuple[float, float], ...] | None:
        value = s.get("calibration")
        if value is None:
            return ((0.0, 0.0), (1.0, 1.0))
        hint = "a list of [score, confidence] pairs, both rising, between 0 and 1"
        if not isinstance(value, YamlList) or len(value) < 2:
            self.add(
                _at(s, "calibration", file), "'calibration' should have at least 2 points", hint
            )
            return None
        points: list[tuple[float, float]] = []
        for item, line in zip(value, value.item_lines, strict=True):
            ok = isinstance(item, YamlList) and len(item) == 2
            ok = ok and all(isinstance(v, int | float) and not isinstance(v, bool) for v in item)
            if not ok or not all(0 <= v <= 1 for v in item):
                self.add(
                    Where(file, line), "a calibration point should be [score, confidence]", hint
                )
                return None
            points.append((float(item[0]), float(item[1])))
        rising = all(a[0] < b[0] and a[1] <= b[1] for a, b in itertools.pairwise(points))
        if not rising:
            self.add(_at(s, "calibration", file), "calibration points must rise", hint)
            return None
        return tuple(points)

    def cross_check(self, principles: dict[str, Principle], intents: dict[str, Intent]) -> None:
        seen: dict[str, Intent] = {}
        for intent in intents.values():
            refs = list(intent.principles)
            if intent.follow_up:
                refs += [p for a in intent.follow_up.answers for p in a.principles]
            for ref in refs:
                if ref not in principles:
                    self.add(
                        intent.where,
                        f"'{intent.id}' refers to the principle '{ref}', which does not exist",
                        _suggest(ref, principles),
                    )
            if intent.kind == "situation" and not intent.principles:
                self.add(intent.where, f"'{intent.id}' names no principles", "list at least one")
            for example in intent.examples:
                key = " ".join(example.text.lower().split())
                other = seen.get(key)
                if other is intent:
                    self.add(
                        example.where,
                        f"the phrasing '{example.text}' is written twice in '{intent.id}'",
                        "remove one of them",
                        warning=True,
                    )
                elif other is not None:
                    self.add(
                        example.where,
                        f"the phrasing '{example.text}' is also an example of '{other.id}'",
                        "keep it under the one situation it belongs to",
                        warning=True,
                    )
                seen[key] = intent


def _at(m: YamlMap, key: str, file: str) -> Where:
    return Where(file, m.key_lines.get(key, m.line))


def _shape_hint(value: Any) -> str:
    if value is None:
        return "the file or field is empty"
    return f"found {type(value).__name__} instead; check the indentation"


def _suggest(name: str, known: dict[str, Any]) -> str:
    from rapidfuzz import process

    best = process.extractOne(name, list(known), score_cutoff=70)
    return f"did you mean '{best[0]}'?" if best else "check the id in principles.yaml"
