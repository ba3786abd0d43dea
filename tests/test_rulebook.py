"""The rule book: the bundled rules are sound, and broken ones are reported precisely."""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from conftest import COLUMN, REPO
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor import Advisor, RuleError, rulebook
from advisor.storage import bundled_rules

REQUIRED_PRINCIPLES = [
    "give-your-number",
    "about-him-not-you",
    "interest-follows-up",
    "silence-is-an-answer",
    "reaching-out-asks-why",
    "initiating-keeps-you-waiting",
    "let-him-pursue",
    "cant-change-him",
    "require-more",
    "not-missing-out",
    "loving-kind",
    "text-is-not-knowing",
    "desire-is-not-value",
    "available-and-interested",
    "value-yourself",
    "dont-blame-yourself",
    "let-go-one-day-at-a-time",
    "date-others",
    "not-afraid-to-lose",
    "guard-your-heart",
    "excuses-are-justifications",
]
REQUIRED_SITUATIONS = [
    "went-silent",
    "should-i-reach-out",
    "number-exchange",
    "one-sided-effort",
    "texts-but-never-calls",
    "hot-and-cold",
    "unavailable-partner",
    "self-blame",
    "cant-let-go",
    "just-physical",
    "no-commitment",
    "nobody-approaches",
    "making-excuses",
    "right-to-initiate",
    "tired-of-waiting",
    "change-him",
    "what-to-look-for",
]


def test_bundled_rules_load_without_warnings() -> None:
    book, warnings = rulebook.load()
    assert warnings == []
    assert set(REQUIRED_PRINCIPLES) <= set(book.principles)
    assert set(REQUIRED_SITUATIONS) <= {s.id for s in book.situations}
    assert {"greeting", "thanks", "goodbye", "help"} <= set(book.intents)


def test_every_situation_has_enough_varied_examples() -> None:
    book, _ = rulebook.load()
    for situation in book.situations:
        texts = [e.text.lower() for e in situation.examples]
        assert len(texts) >= 15, situation.id
        assert len(set(texts)) == len(texts), situation.id


@pytest.mark.skipif(not COLUMN.exists(), reason="the column text is not beside the checkout")
def test_every_quote_is_verbatim_from_the_column() -> None:
    column = " ".join(COLUMN.read_text(encoding="utf-8").split())
    book, _ = rulebook.load()
    for principle in book.principles.values():
        assert " ".join(principle.quote.split()) in column, principle.id
        assert principle.source.split(",")[0].lower() in column.lower(), principle.id
        assert len(principle.quote.split()) <= 30, principle.id


def test_advice_is_two_to_four_sentences_in_our_own_words() -> None:
    book, _ = rulebook.load()
    for principle in book.principles.values():
        sentences = re.findall(r"[.!?](?:\s|$)", principle.advice)
        assert 2 <= len(sentences) <= 4, principle.id
        assert principle.quote not in principle.advice


def _readme_examples() -> list[tuple[str, str]]:
    text = (REPO / "rules" / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```yaml (\S+)\n(.*?)```", text, flags=re.S)


@pytest.mark.parametrize(
    ("kind", "text"), _readme_examples(), ids=[k for k, _ in _readme_examples()]
)
def test_readme_examples_load(kind: str, text: str, make_book: Callable[..., Path]) -> None:
    name = {
        "principle": "principles.yaml",
        "situation": "situations/example.yaml",
        "safety-category": "safety.yaml",
    }.get(kind, f"{kind}.yaml")
    if kind == "safety-category":
        text = "categories:\n" + "".join(
            ("  - " if n == 0 else "    ") + line + "\n" for n, line in enumerate(text.splitlines())
        )
    if kind == "situation":
        text = text.replace("id: went-silent", "id: example-situation")
    root = make_book(**{name.replace("/", "__").replace(".yaml", "_yaml"): text})
    if kind == "principle":
        # The example holds one principle; keep the others the situations need.
        full = yaml.safe_load((bundled_rules() / "principles.yaml").read_text("utf-8"))
        mine = yaml.safe_load(text)["principles"]
        full["principles"] = mine + [p for p in full["principles"] if p["id"] != mine[0]["id"]]
        (root / "principles.yaml").write_text(yaml.safe_dump(full, allow_unicode=True), "utf-8")
    book, problems = rulebook.check(root)
    assert book is not None
    assert [p for p in problems if not p.warning] == []


BROKEN = [
    (
        "syntax",
        "principles.yaml",
        "principles:\n  - id: a\n    title: [unclosed\n",
        4,
        "began at line 3",
    ),
    ("tab", "principles.yaml", "principles:\n\t- id: a\n", 2, "tab"),
    ("duplicate-key", "replies.yaml", "quote: a\nquote: b\n", 2, "appears twice"),
    ("python-tag", "replies.yaml", "fallback: !!python/object:os.system {}\n", 1, "tag"),
    ("alias", "replies.yaml", "a: &x [1]\nb: *x\n", 1, "aliases"),
]


@pytest.mark.parametrize(
    ("case", "name", "text", "line", "words"), BROKEN, ids=[b[0] for b in BROKEN]
)
def test_broken_yaml_is_reported_with_file_and_line(
    case: str,
    name: str,
    text: str,
    line: int,
    words: str,
    tmp_path: Path,
    make_book: Callable[..., Path],
) -> None:
    root = make_book()
    (root / name).write_text(text, encoding="utf-8")
    with pytest.raises(RuleError) as caught:
        Advisor(root)
    message = str(caught.value)
    assert f"{name}:{line}:" in message
    assert words in message


def test_every_problem_is_reported_at_once(make_book: Callable[..., Path]) -> None:
    root = make_book(
        situations__went_silent_yaml="""
        id: went-silent
        title: quiet
        description: x
        acknowledge: [ok]
        principles: [silence-is-an-answr]
        examples: [he never called]
        colour: blue
        """
    )
    with pytest.raises(RuleError) as caught:
        Advisor(root)
    text = str(caught.value)
    assert "went-silent.yaml:7: unknown field 'colour'" in text
    assert "'examples' has 1 items; at least 15 are needed" in text
    assert "principle 'silence-is-an-answr', which does not exist" in text
    assert "did you mean 'silence-is-an-answer'?" in text


def test_duplicate_situation_ids_are_refused(make_book: Callable[..., Path]) -> None:
    root = make_book()
    source = (root / "situations" / "went-silent.yaml").read_text("utf-8")
    (root / "situations" / "copy.yaml").write_text(source, "utf-8")
    with pytest.raises(RuleError, match="the id 'went-silent' is used twice"):
        Advisor(root)


def test_same_phrasing_under_two_situations_is_a_warning(make_book: Callable[..., Path]) -> None:
    root = make_book()
    path = root / "situations" / "self-blame.yaml"
    path.write_text(
        path.read_text("utf-8").replace("  - what did I do wrong\n", "  - he never called\n"),
        "utf-8",
    )
    _, warnings = rulebook.load(root)
    assert any("also an example of" in p.problem for p in warnings)


def test_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(RuleError, match="does not exist"):
        Advisor(tmp_path / "nowhere")


def test_safety_cannot_be_switched_off_by_a_rule_book(make_book: Callable[..., Path]) -> None:
    root = make_book(safety_yaml="categories: []\n")
    advice = Advisor(root).advise("he hit me last night")
    assert advice.safety


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    name=st.sampled_from(
        [
            "principles.yaml",
            "replies.yaml",
            "lexicon.yaml",
            "situations/went-silent.yaml",
            "smalltalk.yaml",
        ]
    ),
    cut=st.integers(min_value=0, max_value=10_000),
    junk=st.text(alphabet=":-[]{}&*!|>'\"#\t\n ab1", max_size=8),
)
def test_any_damaged_rule_file_is_reported_not_crashed(
    name: str, cut: int, junk: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    root = tmp_path_factory.mktemp("book")
    shutil.copytree(str(bundled_rules()), root, dirs_exist_ok=True)
    path = root / name
    text = path.read_text("utf-8")
    at = cut % (len(text) + 1)
    path.write_text(text[:at] + junk + text[at + len(junk) :], "utf-8")
    book, problems = rulebook.check(root)
    assert book is not None or problems
    try:
        Advisor(root).advise("he never called")
    except RuleError as err:
        assert err.problems and all(p.where.file for p in err.problems)


def _write(root: Path, name: str, content: bytes | str) -> None:
    path = root / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))


BROKEN_BOOKS = [
    ("not utf-8", "principles.yaml", b"principles:\n  - id: caf\xe9\n", "not UTF-8"),
    ("too large", "replies.yaml", b"# x\n" * 13_000_000, "at most"),
    (
        "wrong type",
        "situations/went-silent.yaml",
        "id: went-silent\ntitle: [a, list]\n",
        "'title' should be non-empty text",
    ),
    ("answer points nowhere", "situations/went-silent.yaml", None, "'nowhere-at-all'"),
    (
        "billion laughs",
        "replies.yaml",
        'a: &a ["x","x","x"]\nb: &b [*a,*a,*a]\nc: &c [*b,*b,*b]\n',
        "aliases",
    ),
]


@pytest.mark.parametrize(
    ("case", "name", "content", "words"), BROKEN_BOOKS, ids=[b[0] for b in BROKEN_BOOKS]
)
def test_broken_rule_books_are_reported_quickly(
    case: str,
    name: str,
    content: bytes | str | None,
    words: str,
    make_book: Callable[..., Path],
) -> None:
    root = make_book()
    if content is None:
        path = root / name
        path.write_text(
            path.read_text("utf-8").replace(
                "principles: [give-your-number]", "principles: [nowhere-at-all]", 1
            ),
            "utf-8",
        )
    else:
        _write(root, name, content)
    start = time.perf_counter()
    with pytest.raises(RuleError) as caught:
        Advisor(root)
    assert time.perf_counter() - start < 5
    assert words in str(caught.value)
    assert all(p.where.file.startswith(str(root)) for p in caught.value.problems)


def test_an_empty_rule_book_says_what_is_missing(tmp_path: Path) -> None:
    with pytest.raises(RuleError) as caught:
        Advisor(tmp_path)
    text = str(caught.value)
    assert "principles.yaml: this file is missing" in text
    assert "has no situations" in text


def test_a_symlink_loop_is_reported(make_book: Callable[..., Path]) -> None:
    root = make_book()
    (root / "situations" / "loop.yaml").symlink_to(root / "situations" / "loop.yaml")
    with pytest.raises(RuleError, match=r"loop\.yaml"):
        Advisor(root)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('quote: "As {sourse} put it: {quote}"', "'sourse'"),
        ('quote: "As {source put it"', "do not pair up"),
        ('quote: "{0} said {quote}"', "'0'"),
    ],
)
def test_placeholders_are_checked(text: str, words: str, make_book: Callable[..., Path]) -> None:
    root = make_book()
    path = root / "replies.yaml"
    old = path.read_text("utf-8")
    start = old.index("quote:")
    end = old.index("\n", start)
    path.write_text(old[:start] + text + old[end:], "utf-8")
    with pytest.raises(RuleError) as caught:
        Advisor(root)
    assert "replies.yaml:" in str(caught.value) and words in str(caught.value)
    assert "{{ and }}" in str(caught.value)
