"""Read safety.yaml: the bundled safety rules, and what a custom rule book adds to them."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from advisor.errors import Where
from advisor.models import Example, Resource, Safety, SafetyCategory, SafetyMode
from advisor.safety import ALARM, CHECK_IN
from advisor.yamlfile import YamlList, YamlMap

if TYPE_CHECKING:
    from importlib.abc import Traversable

    from advisor.rulebook import _Loader

RESOURCE_KINDS = {"crisis", "abuse", "assault", "youth", "parent"}
TIERS = {ALARM, CHECK_IN}
_LIST_NAME = re.compile(r"\{([^{}]*)\}")
_RANGE = re.compile(r"^\d{1,3}-\d{1,3}$")

HELP = {
    "order",
    "bar",
    "emergency",
    "program",
    "resources_heading",
    "plan_heading",
    "trusted_person",
    "resources",
    "mode",
}
READING = {"shorthand", "never_correct", "words", "idioms"}
NOT_CATEGORIES = {"help.yaml", "reading.yaml", "ordinary.yaml"}
ADDITIONS = {"categories", "words", "resources"}
"""What a custom rule book's safety.yaml may hold: it adds, it never takes away."""


def read_bundled(loader: _Loader, root: Traversable) -> Safety | None:
    """The bundled safety rules: `safety/help.yaml`, `reading.yaml`, `ordinary.yaml` and one
    file per category."""
    h = _file(loader, root, "help.yaml", HELP)
    r = _file(loader, root, "reading.yaml", READING)
    o = _file(loader, root, "ordinary.yaml", {"sentences"})
    folder = root / "safety"
    names = (
        sorted(
            e.name
            for e in folder.iterdir()
            if e.name.endswith(".yaml") and e.name not in NOT_CATEGORIES
        )
        if folder.is_dir()
        else []
    )
    categories: dict[str, SafetyCategory] = {}
    for name in names:
        value, file = loader.read(root, f"safety/{name}", required=True, label="rules")
        category = _category(loader, value, Where(file, 1), file)
        if category is not None and category.id:
            categories[category.id] = category
    if h is None or r is None or o is None:
        return None
    hfile, rfile, ofile = (
        f"rules/safety/{n}" for n in ("help.yaml", "reading.yaml", "ordinary.yaml")
    )
    order = [e.text for e in loader.texts(h, "order", hfile, minimum=1)]
    for missing in sorted(set(categories) - set(order)):
        loader.add(
            _at(h, "order", hfile),
            f"the category '{missing}' is not listed under 'order'",
            "list every category, most serious first",
        )
    for unknown in sorted(set(order) - set(categories)):
        loader.add(
            _at(h, "order", hfile),
            f"'order' names '{unknown}', which has no file in rules/safety/",
            "remove it, or add the category's file",
        )
    bar = h.get("bar")
    if isinstance(bar, bool) or not isinstance(bar, int | float) or not 0 < bar < 1:
        loader.add(_at(h, "bar", hfile), "'bar' should be a number between 0 and 1")
        bar = 0.99
    texts = {
        key: loader.text(h, key, hfile)
        for key in ("emergency", "program", "trusted_person", "resources_heading", "plan_heading")
    }
    return Safety(
        categories=tuple(categories[c] for c in order if c in categories),
        resources=_resources(loader, h, hfile),
        shorthand=loader.table(r, "shorthand", rfile),
        words=_words(loader, r, rfile),
        idioms=loader.texts(r, "idioms", rfile),
        guards=loader.texts(o, "sentences", ofile),
        never_correct=frozenset(e.text.lower() for e in loader.texts(r, "never_correct", rfile)),
        bar=float(bar),
        mode=_mode(loader, h, hfile),
        **texts,
    )


def read_additions(loader: _Loader, value: Any, file: str) -> Safety | None:
    """A custom rule book's safety.yaml: it may add categories, words and help lines, and
    nothing else, because anything else could weaken the bundled screen."""
    bundled_only = (HELP | READING | {"sentences"}) - ADDITIONS
    m = loader.mapping(value, Where(file, 1), "safety.yaml", set(), ADDITIONS | bundled_only)
    if m is None:
        return None
    for key in m:
        if key in bundled_only:
            loader.add(
                _at(m, key, file),
                f"a custom rule book cannot set '{key}' in safety.yaml",
                "the bundled safety rules are always in force; a custom book may add "
                "categories, words and resources",
            )
    categories = tuple(
        c
        for item, line in _items(m.get("categories"))
        if (c := _category(loader, item, Where(file, line), file)) is not None
    )
    empty = SafetyMode((), (), (), (), "", "")
    return Safety(
        categories,
        _resources(loader, m, file),
        "",
        "",
        "",
        "",
        "",
        {},
        _words(loader, m, file),
        (),
        (),
        frozenset(),
        0.0,
        empty,
    )


def _file(loader: _Loader, root: Traversable, name: str, keys: set[str]) -> YamlMap | None:
    value, file = loader.read(root, f"safety/{name}", required=True, label="rules")
    return loader.mapping(value, Where(file, 1), name, keys, set())


def _resources(loader: _Loader, m: YamlMap, file: str) -> tuple[Resource, ...]:
    return tuple(
        r
        for item, line in _items(m.get("resources"))
        if (r := _resource(loader, item, Where(file, line), file)) is not None
    )


def merge(base: Safety, extra: Safety) -> Safety:
    """The bundled safety rules with a custom book's additions."""
    categories = {c.id: c for c in base.categories}
    for c in extra.categories:
        known = categories.get(c.id)
        if known is None:
            categories[c.id] = c
            continue
        categories[c.id] = known._replace(
            phrases=known.phrases + c.phrases,
            patterns=known.patterns + c.patterns,
            examples=known.examples + c.examples,
            must_match=known.must_match + c.must_match,
            must_not_match=known.must_not_match + c.must_not_match,
        )
    words = dict(base.words)
    for name, items in extra.words.items():
        words[name] = words.get(name, ()) + tuple(i for i in items if i not in words.get(name, ()))
    resources = base.resources + tuple(r for r in extra.resources if r not in base.resources)
    return base._replace(categories=tuple(categories.values()), words=words, resources=resources)


def check_lists(loader: _Loader, safety: Safety) -> None:
    """Every `{name}` a phrase or idiom uses must be a list under `words:`, and every
    check-in must escalate to an alarm category."""
    alarms = {c.id for c in safety.categories if c.tier == ALARM}
    for c in safety.categories:
        if c.tier == CHECK_IN and c.escalate not in alarms:
            loader.add(
                c.where,
                f"the check-in '{c.id}' needs 'escalate:' naming an alarm category",
                f"the category whose help a yes gets: one of {', '.join(sorted(alarms))}",
            )
    phrases = [p for c in safety.categories for p in c.phrases] + list(safety.idioms)
    for phrase in phrases:
        for name in _LIST_NAME.findall(phrase.text):
            if name not in safety.words:
                from rapidfuzz import process

                close = process.extractOne(name, list(safety.words), score_cutoff=70)
                loader.add(
                    phrase.where,
                    f"the phrase uses {{{name}}}, which is not a list under 'words:'",
                    f"did you mean {{{close[0]}}}?"
                    if close
                    else "add the list to words: (rules/safety/reading.yaml lists the others)",
                )
        pieces = phrase.text.split("&&")
        if any(not p.replace("...", "").replace("$", "").strip() for p in pieces):
            loader.add(phrase.where, "the phrase has no words", "write the words to look for")


def _items(value: Any) -> list[tuple[Any, int]]:
    if not isinstance(value, YamlList):
        return []
    return list(zip(value, value.item_lines, strict=True))


def _at(m: YamlMap, key: str, file: str) -> Where:
    return Where(file, m.key_lines.get(key, m.line))


def _words(loader: _Loader, m: YamlMap, file: str) -> dict[str, tuple[str, ...]]:
    value = m.get("words")
    if value is None:
        return {}
    if not isinstance(value, YamlMap):
        loader.add(_at(m, "words", file), "'words' should map list names to lists of words")
        return {}
    found: dict[str, tuple[str, ...]] = {}
    for name in value:
        items = tuple(e.text.lower() for e in loader.texts(value, name, file, minimum=1))
        for item in items:
            if "-" in item and item[0].isdigit() and not _RANGE.match(item):
                loader.add(
                    _at(value, name, file),
                    f"'{item}' in the list '{name}' looks like a number range",
                    "write ranges as 18-99",
                )
        found[str(name)] = items
    return found


def _category(loader: _Loader, item: Any, where: Where, file: str) -> SafetyCategory | None:
    c = loader.mapping(
        item,
        where,
        "a safety category",
        {"id", "title", "tier", "message", "resources"},
        {"plan", "phrases", "patterns", "examples", "tests", "escalate"},
    )
    if c is None:
        return None
    tier = loader.text(c, "tier", file)
    if tier and tier not in TIERS:
        loader.add(_at(c, "tier", file), f"unknown tier '{tier}'", "use alarm or check-in")
    kinds = loader.ids(c, "resources", file)
    for kind in kinds:
        if kind not in RESOURCE_KINDS | {"emergency"}:
            loader.add(
                _at(c, "resources", file),
                f"unknown resource kind '{kind}'",
                f"use emergency or one of {', '.join(sorted(RESOURCE_KINDS))}",
            )
    patterns: list[Example] = []
    for example in loader.texts(c, "patterns", file):
        try:
            re.compile(example.text)
            patterns.append(example)
        except re.error as err:
            loader.add(example.where, f"the pattern is not a valid regular expression: {err}")
    phrases = tuple(Example(e.text.lower(), e.where) for e in loader.texts(c, "phrases", file))
    examples = loader.texts(c, "examples", file)
    if not (phrases or patterns or examples) and "phrases" not in c and "examples" not in c:
        loader.add(
            where,
            "the safety category has no way to be recognised",
            "add examples (plain sentences) or phrases",
        )
    must, must_not = loader.tests(c, file)
    return SafetyCategory(
        id=loader.ident(c, "id", file),
        title=loader.text(c, "title", file),
        tier=tier,
        message=loader.text(c, "message", file),
        resources=kinds,
        plan=tuple(e.text for e in loader.texts(c, "plan", file)),
        phrases=phrases,
        patterns=tuple(patterns),
        examples=examples,
        must_match=must,
        must_not_match=must_not,
        escalate=loader.text(c, "escalate", file, required=False),
        where=Where(file, c.line),
    )


def _resource(loader: _Loader, item: Any, where: Where, file: str) -> Resource | None:
    fields = ("kind", "country", "name", "contact", "url")
    r = loader.mapping(item, where, "a resource", set(fields), set())
    if r is None:
        return None
    resource = Resource(*(loader.text(r, k, file) for k in fields))
    if resource.kind not in RESOURCE_KINDS:
        loader.add(
            _at(r, "kind", file),
            f"unknown resource kind '{resource.kind}'",
            f"use one of {', '.join(sorted(RESOURCE_KINDS))}",
        )
    if resource.url and not resource.url.startswith(("https://", "http://")):
        loader.add(
            _at(r, "url", file),
            "'url' should be the address of the page the contact was checked against",
            "write it in full, starting with https://",
        )
    return resource


def _mode(loader: _Loader, m: YamlMap, file: str) -> SafetyMode:
    fields = ("still", "safe", "no", "unsafe")
    d = loader.mapping(m.get("mode"), _at(m, "mode", file), "mode", {*fields, "left", "why"}, set())
    if d is None:
        return SafetyMode((), (), (), (), "", "")
    still, safe, no, unsafe = (
        tuple(e.text for e in loader.texts(d, key, file, minimum=1)) for key in fields
    )
    return SafetyMode(
        still,
        safe,
        no,
        unsafe,
        left=loader.text(d, "left", file),
        why=loader.filled(d, "why", file, {"words", "title"}),
    )
