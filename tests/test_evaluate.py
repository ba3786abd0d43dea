"""The measuring tools, and the evaluation file's figures held as a floor."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from conftest import REPO

from advisor import Advisor, RuleError
from advisor.evaluate import (
    Case,
    coverage,
    fit_calibration,
    load_cases,
    predict,
    recommend,
    rule_tests,
    sweep,
)

EVAL = REPO / "tests" / "eval.yaml"


@pytest.fixture(scope="module")
def cases() -> list[Case]:
    return load_cases(EVAL)


def test_the_eval_file_is_big_and_varied(cases: list[Case]) -> None:
    groups = [c.group for c in cases]
    assert len(cases) >= 200
    assert groups.count("out-of-scope") >= 30
    assert groups.count("safety") >= 15
    assert groups.count("negation") >= 10


def test_eval_messages_are_not_copies_of_rule_examples(advisor: Advisor, cases: list[Case]) -> None:
    examples = {
        " ".join(e.text.lower().split()) for i in advisor.book.intents.values() for e in i.examples
    }
    copied = [c.text for c in cases if " ".join(c.text.lower().split()) in examples]
    assert copied == []


def test_matching_quality_does_not_fall_below_its_floor(
    advisor: Advisor, cases: list[Case]
) -> None:
    result = predict(advisor, cases)
    situations = {s.id for s in advisor.book.situations}
    in_scope = [(c, p) for c, p in result.results if c.expected in situations]
    assert sum(c.expected == p for c, p in in_scope) / len(in_scope) >= 0.92
    safety = [p for c, p in result.results if c.expected == "safety"]
    assert safety.count("safety") == len(safety)
    assert not any(p == "safety" for c, p in result.results if c.expected != "safety")
    out = [p for c, p in result.results if c.expected is None]
    assert out.count(None) / len(out) >= 0.85
    assert all(c.expected == p for c, p in result.results if c.forbidden)


def test_the_rule_books_own_tests_pass(advisor: Advisor) -> None:
    assert rule_tests(advisor) == []


def test_sweep_covers_thresholds_and_recommends_one(advisor: Advisor, cases: list[Case]) -> None:
    rows = sweep(advisor, cases[:60])
    assert {r.threshold for r in rows} >= {0.25, 0.5}
    best = recommend(rows)
    assert best.accuracy == max(r.accuracy for r in rows)


def test_calibration_rises_and_stays_in_range(advisor: Advisor) -> None:
    points = fit_calibration(advisor.book, folds=3)
    assert all(0 <= y <= 1 for _, y in points)
    assert all(a[1] <= b[1] and a[0] < b[0] for a, b in itertools.pairwise(points))


def test_coverage_reaches_every_principle(advisor: Advisor) -> None:
    used, unreached = coverage(advisor.book)
    assert unreached == []
    assert used["went-silent"][0] == "silence-is-an-answer"


def test_a_bad_eval_file_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "eval.yaml"
    path.write_text("went-silent:\n  - he never called\n  - [not, text]\n", encoding="utf-8")
    with pytest.raises(RuleError, match=r"eval.yaml:3: this item of 'went-silent'"):
        load_cases(path)


def test_a_keyword_that_shrinks_to_a_common_word_is_warned(make_book) -> None:  # type: ignore[no-untyped-def]
    from advisor import rulebook
    from advisor.evaluate import keyword_problems

    root = make_book()
    path = root / "situations" / "unavailable-partner.yaml"
    path.write_text(
        path.read_text("utf-8").replace("  - married\n", "  - has partner\n", 1), "utf-8"
    )
    book, _ = rulebook.load(root)
    warnings = keyword_problems(book)
    assert any("'has partner'" in p.problem and "'partner'" in p.problem for p in warnings)
    assert keyword_problems(rulebook.load()[0]) == []
