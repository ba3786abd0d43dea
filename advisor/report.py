"""Plain-text reports for the rule-book tools: check, test and coverage."""

from __future__ import annotations

import math

from advisor import evaluate
from advisor.engine import Advisor
from advisor.errors import Problem
from advisor.evaluate import Case, SafetyResult, Scores, SweepRow, recommend
from advisor.models import RuleBook


def problems(found: list[Problem]) -> str:
    """Every problem, errors first, each with its place and hint."""
    ordered = sorted(found, key=lambda p: (p.warning, p.where.file, p.where.line))
    return "\n".join(str(p) for p in ordered)


def summary(book: RuleBook, found: list[Problem]) -> str:
    """One line saying what the rule book holds and whether it is sound."""
    errors = sum(not p.warning for p in found)
    warnings = len(found) - errors
    examples = sum(len(i.examples) for i in book.situations)
    state = f"{errors} error(s)" if errors else "OK"
    return (
        f"{book.root}: {len(book.situations)} situations, {len(book.principles)} principles, "
        f"{examples} example phrasings: {state}, {warnings} warning(s)"
    )


def _percent(correct: int, total: int) -> str:
    return f"{correct}/{total} ({100 * correct / total:.1f}%)" if total else "0/0"


def _rate(label: str, hits: int, total: int) -> str:
    return f"  {label + ':':30}{_percent(hits, total)}"


def scores(title: str, result: Scores, book: RuleBook) -> str:
    """Accuracy overall and per intent, precision and recall, confusions and fallback rate."""
    situations = {i.id for i in book.situations}
    pairs = result.results
    lines = [title, _rate("top-1 accuracy, all messages", *result.accuracy())]
    in_scope = [p for c, p in pairs if c.expected in situations]
    if in_scope:
        right = sum(c.expected == p for c, p in pairs if c.expected in situations)
        lines.append(_rate("top-1 accuracy, situations", right, len(in_scope)))
        lines.append(_rate("fallback rate, situations", in_scope.count(None), len(in_scope)))
    out = [p for c, p in pairs if c.expected is None]
    if out:
        lines.append(_rate("out of scope falling back", out.count(None), len(out)))
    safety = [p for c, p in pairs if c.expected == "safety"]
    if safety:
        lines.append(_rate("safety messages caught", safety.count("safety"), len(safety)))
    alarms = sum(p == "safety" and c.expected != "safety" for c, p in pairs)
    lines.append(f"  {'safety false alarms:':30}{alarms}")
    negation = [c.expected == p for c, p in pairs if c.forbidden]
    if negation:
        lines.append(_rate("negation cases right", sum(negation), len(negation)))
    lines.append("")
    lines.append(f"  {'intent':24} {'recall':>14} {'precision':>14}")
    for intent, (hits, expected, predicted) in result.per_intent().items():
        if expected:
            recall = _percent(hits, expected)
            precision = _percent(hits, predicted) if predicted else "-"
            lines.append(f"  {intent:24} {recall:>14} {precision:>14}")
    confusions = result.confusions()
    if confusions:
        lines += ["", "  most confused (expected -> got):"]
        lines += [f"    {a} -> {b}: {n}" for a, b, n in confusions[:10]]
    return "\n".join(lines)


def mistakes(result: Scores, limit: int = 40) -> str:
    """The messages the matcher got wrong, with where they were written."""
    wrong = result.mistakes()
    lines = [
        f"  {c.where}: {c.text[:70]!r} expected {c.expected}, got {p}" for c, p in wrong[:limit]
    ]
    if len(wrong) > limit:
        lines.append(f"  ... and {len(wrong) - limit} more")
    return "\n".join(lines)


def sweep(rows: list[SweepRow], threshold: float, margin: float) -> str:
    """The threshold and margin trade-off, with the current and recommended settings marked."""
    best = recommend(rows)
    lines = [
        "sweep (accuracy over all messages; fallback rates in and out of scope; how often it asks",
        "which of two situations is meant)",
        f"  {'threshold':>9} {'margin':>7} {'accuracy':>9} {'in-scope fb':>12} "
        f"{'out-scope fb':>13} {'asks':>6}",
    ]
    for row in rows:
        marks = ""
        if abs(row.threshold - threshold) < 1e-9 and abs(row.margin - margin) < 1e-9:
            marks += " current"
        if row is best:
            marks += " recommended"
        lines.append(
            f"  {row.threshold:9.2f} {row.margin:7.2f} {row.accuracy:9.1%} "
            f"{row.in_scope_fallback:12.1%} {row.out_of_scope_fallback:13.1%} "
            f"{row.asked:6.1%}{marks}"
        )
    lines.append(
        f"recommended: threshold {best.threshold:.2f}, margin {best.margin:.2f} "
        "(set them under settings: in replies.yaml)"
    )
    return "\n".join(lines)


def coverage(used: dict[str, list[str]], unreached: list[str]) -> str:
    """Which principles each situation gives, and which nothing reaches."""
    lines = ["principles each situation gives (follow-up answers included):"]
    for situation, names in used.items():
        lines.append(f"  {situation}: {', '.join(names)}")
    if unreached:
        lines.append(f"principles nothing reaches: {', '.join(unreached)}")
    else:
        lines.append("every principle is reached by at least one situation")
    return "\n".join(lines)


def _interval(hits: int, total: int) -> str:
    """A 95% Wilson interval for a rate, as percentages."""
    if not total:
        return ""
    z = 1.96
    rate = hits / total
    centre = (rate + z * z / (2 * total)) / (1 + z * z / total)
    half = z * math.sqrt(rate * (1 - rate) / total + z * z / (4 * total * total))
    half /= 1 + z * z / total
    return f"[{100 * max(centre - half, 0):.1f}-{100 * min(centre + half, 1):.1f}%]"


def safety(title: str, results: list[SafetyResult], *, limit: int = 0) -> str:
    """Safety recall per kind of danger, and false alarms, with 95% intervals."""
    groups: dict[str, list[SafetyResult]] = {}
    for result in results:
        groups.setdefault(result.case.group, []).append(result)
    crisis = [r for r in results if r.case.expected == "safety"]
    calm = [r for r in results if r.case.expected != "safety"]
    caught = sum(r.alarmed for r in crisis)
    alarms = sum(r.alarmed for r in calm)
    lines = [
        title,
        f"  {'danger caught:':30}{_percent(caught, len(crisis))} {_interval(caught, len(crisis))}",
        f"  {'false alarms:':30}{_percent(alarms, len(calm))} {_interval(alarms, len(calm))}",
        "",
        f"  {'category':18} {'caught':>16} {'check-in only':>14} {'false alarms':>13}",
    ]
    for group, items in sorted(groups.items()):
        danger = [r for r in items if r.case.expected == "safety"]
        ordinary = [r for r in items if r.case.expected != "safety"]
        found = _percent(sum(r.alarmed for r in danger), len(danger)) if danger else "-"
        gentle = sum(r.check_in for r in danger) if danger else "-"
        wrong = _percent(sum(r.alarmed for r in ordinary), len(ordinary)) if ordinary else "-"
        lines.append(f"  {group:18} {found:>16} {gentle!s:>14} {wrong:>13}")
    if limit:
        missed = [r for r in crisis if not r.alarmed] + [r for r in calm if r.alarmed]
        for r in missed[:limit]:
            got = f"raised {r.category}" if r.alarmed else "missed"
            lines.append(f"  {r.case.where}: {got}: {r.case.text[:90]!r}")
        if len(missed) > limit:
            lines.append(f"  ... and {len(missed) - limit} more")
    return "\n".join(lines)


def rule_test(
    advisor: Advisor, cases: list[Case], label: str, *, with_sweep: bool, with_mistakes: bool
) -> tuple[str, bool]:
    """The whole `advise rules test` report, and whether any rule test failed."""
    book = advisor.book
    safety_cases, safety_failures = evaluate.safety_tests(advisor)
    failures = evaluate.rule_tests(advisor) + safety_failures
    parts = [f"rule tests: {'all pass' if not failures else f'{len(failures)} failed'}"]
    if failures:
        parts.append(problems(failures))
    parts += ["", safety("safety rules' own tests", evaluate.screen(advisor, safety_cases))]
    folds = evaluate.cross_validate(book)
    parts += [
        "",
        scores(f"cross-validation over the examples ({evaluate.FOLDS} folds)", folds, book),
    ]
    if with_mistakes:
        parts.append(mistakes(folds))
    if cases and all(c.screened for c in cases):
        title = f"safety set {label} ({len(cases)} messages)"
        parts += [
            "",
            safety(title, evaluate.screen(advisor, cases), limit=200 if with_mistakes else 0),
        ]
    elif cases:
        result = evaluate.predict(advisor, cases)
        parts += ["", scores(f"evaluation file {label} ({len(cases)} messages)", result, book)]
        if with_mistakes:
            parts.append(mistakes(result))
    if with_sweep:
        points = ", ".join(f"[{x:g}, {y:g}]" for x, y in evaluate.fit_calibration(book))
        rows = evaluate.sweep(advisor, cases or [c for c, _ in folds.results])
        parts += ["", f"calibration fitted on cross-validation: [{points}]", ""]
        parts.append(sweep(rows, book.settings.threshold, book.settings.margin))
    return "\n".join(parts), bool(failures)
