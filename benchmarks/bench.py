"""Measure advisor's speed and scale, each figure beside a baseline from the same run.

    python benchmarks/bench.py            # everything (a few minutes)
    python benchmarks/bench.py --quick    # smaller scale steps, fewer runs

The baseline for matching is the obvious approach: rapidfuzz `process.extractOne` over every
example phrasing. Timings are medians (p50) and 99th percentiles; this machine is shared, so
compare the columns of one run rather than runs with each other.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import EVENTS, PEOPLE, QUESTIONS, generate, theme  # noqa: E402

from advisor import Advisor  # noqa: E402
from advisor.evaluate import load_cases  # noqa: E402

ADVISE = shutil.which("advise", path=str(Path(sys.executable).parent)) or "advise"


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def wall(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, env=env, stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def peak_mib(command: list[str], env: dict[str, str]) -> float:
    """Peak resident memory of a command, measured in a process of its own."""
    probe = (
        "import resource, subprocess, sys\n"
        "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe, *command], env=env, capture_output=True, text=True, check=True
    )
    return int(out.stdout) / 1024


def startup(runs: int, env: dict[str, str]) -> list[tuple[str, str, str]]:
    typer_cmd = [sys.executable, "-c", "import typer"]
    advise_cmd = [ADVISE, "he never called"]
    wall(advise_cmd, env)  # fills the rule-book cache
    base, ours = [], []
    for _ in range(runs):  # interleaved, so both see the same machine
        base.append(wall(typer_cmd, env))
        ours.append(wall(advise_cmd, env))
    b, o = statistics.median(base) * 1000, statistics.median(ours) * 1000
    return [
        ("start-up, median wall", f"{o:.1f} ms", f'{b:.1f} ms (python -c "import typer")'),
        ("start-up, ratio", f"{o / b:.2f} x typer", "target <= 1.5 x"),
        (
            "start-up, peak memory",
            f"{peak_mib(advise_cmd, env):.1f} MiB",
            f"{peak_mib(typer_cmd, env):.1f} MiB (import typer); target <= 40 MiB",
        ),
    ]


def timed(function: Callable[[str], object], messages: list[str]) -> tuple[float, float]:
    samples = []
    for message in messages:
        start = time.perf_counter()
        function(message)
        samples.append((time.perf_counter() - start) * 1000)
    return percentiles(samples)


def baseline(advisor: Advisor) -> Callable[[str], object]:
    from rapidfuzz import process

    phrasings = [e.text for i in advisor.book.intents.values() for e in i.examples]
    return lambda message: process.extractOne(message, phrasings)


def per_message(rounds: int) -> list[tuple[str, str, str]]:
    advisor = Advisor()
    messages = [c.text for c in load_cases(HERE.parent / "tests" / "eval.yaml")] * rounds
    for message in messages[:50]:
        advisor.advise(message)
    ours, theirs = timed(advisor.advise, messages), timed(baseline(advisor), messages)
    return [
        (
            "per message, bundled rules",
            f"p50 {ours[0]:.3f} ms, p99 {ours[1]:.3f} ms",
            f"p50 {theirs[0]:.3f} ms, p99 {theirs[1]:.3f} ms (extractOne); "
            "target p50 <= 0.3, p99 <= 2",
        ),
    ]


def misspelt(message: str, rng: random.Random) -> str:
    """A message with one pair of neighbouring letters swapped in each longer word."""
    words = []
    for word in message.split():
        if len(word) > 4 and rng.random() < 0.5:
            i = rng.randrange(1, len(word) - 2)
            word = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        words.append(word)
    return " ".join(words)


DANGER_WORDS = """kill suicide die dead hurt hit punch slap choke strangle rape assault abuse stalk
threat scared afraid bruise gun knife force drug nudes pills cut harm"""


def keyword_scan() -> Callable[[str], object]:
    """The obvious safety screen: is any of a few dozen danger words in the lowercased text?"""
    words = DANGER_WORDS.split()
    return lambda message: any(w in message.lower() for w in words)


def safety(rounds: int) -> list[tuple[str, str, str]]:
    advisor = Advisor()
    rng = random.Random(3)
    cases = load_cases(HERE.parent / "tests" / "eval.yaml")
    realistic = [c.text for c in cases] * rounds
    typos = [misspelt(c.text, rng) for c in cases] * rounds
    for message in realistic[:50]:
        advisor.danger(message)
    rows = []
    scan = keyword_scan()
    for label, messages in (("realistic", realistic), ("misspelt", typos)):
        ours: list[float] = []
        theirs: list[float] = []
        for message in messages:  # interleaved, message by message
            start = time.perf_counter()
            advisor.danger(message)
            ours.append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            scan(message)
            theirs.append((time.perf_counter() - start) * 1000)
        o, t = percentiles(ours), percentiles(theirs)
        rows.append(
            (
                f"safety screen, {label}",
                f"p50 {o[0]:.3f} ms, p99 {o[1]:.3f} ms",
                f"p50 {t[0]:.4f} ms, p99 {t[1]:.4f} ms (keyword scan); target p50 <= 0.1",
            )
        )
    sentences = [c.text for c in cases if c.expected != "safety"]
    letter = ""
    while len(letter) < 1_000_000:
        letter += rng.choice(sentences).rstrip(".!?") + ". "
    letter += "I want to die."
    start = time.perf_counter()
    advice = advisor.advise(letter)
    answered = time.perf_counter() - start
    start = time.perf_counter()
    advisor.matcher.match(letter)
    matched = time.perf_counter() - start
    assert advice.safety, "the danger at the end of the letter was missed"
    rows.append(
        (
            "1 MB letter, screened and answered",
            f"{answered:.2f} s",
            f"{matched:.2f} s (matching alone); target < 0.5 s",
        )
    )
    return rows


def queries(situations: int, count: int, seed: int = 1) -> list[str]:
    rng = random.Random(seed)
    found = []
    for _ in range(count):
        t = theme(rng.randrange(situations))
        event = rng.choice(EVENTS).format(t=t)
        found.append(f"so {rng.choice(PEOPLE)} {event} and now {rng.choice(QUESTIONS)}")
    return found


def scale(sizes: list[int], count: int, env: dict[str, str]) -> list[tuple[str, str, str]]:
    rows = []
    work = Path(tempfile.mkdtemp(prefix="advisor-bench-"))
    try:
        for total in sizes:
            situations = max(total // 25, 1)
            book = generate(work / f"book-{total}", situations, 25)
            start = time.perf_counter()
            os.environ["ADVISOR_NO_CACHE"] = "1"
            cold = Advisor(book)
            cold_s = time.perf_counter() - start
            os.environ.pop("ADVISOR_NO_CACHE")
            Advisor(book)  # writes the cache
            start = time.perf_counter()
            advisor = Advisor(book)
            warm_s = time.perf_counter() - start
            messages = queries(situations, count)
            ours, theirs = timed(advisor.advise, messages), timed(baseline(advisor), messages)
            probe = f"from advisor import Advisor; Advisor({str(book)!r}).advise('he never called')"
            peak_mib([sys.executable, "-c", probe], env)  # the first run may fill the cache
            memory = peak_mib([sys.executable, "-c", probe], env)
            rows.append(
                (
                    f"{total:,} examples",
                    f"load {cold_s:.2f} s cold, {warm_s:.2f} s cached; p50 {ours[0]:.2f} ms, "
                    f"p99 {ours[1]:.2f} ms; {memory:.0f} MiB",
                    f"p50 {theirs[0]:.2f} ms, p99 {theirs[1]:.2f} ms (extractOne)",
                )
            )
            del cold, advisor
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return rows


def tooling(env: dict[str, str]) -> list[tuple[str, str, str]]:
    check = wall([ADVISE, "rules", "check"], env)
    test = wall([ADVISE, "rules", "test", "--eval", str(HERE.parent / "tests" / "eval.yaml")], env)
    dev = HERE.parent / "tests" / "safety" / "dev.yaml"
    screen = wall([ADVISE, "rules", "test", "--eval", str(dev)], env)
    return [
        ("advise rules check", f"{check:.2f} s", "target < 1 s"),
        ("advise rules test --eval", f"{test:.2f} s", "target < 10 s"),
        ("advise rules test, safety set", f"{screen:.2f} s", "target < 10 s"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller and fewer runs")
    args = parser.parse_args()
    env = dict(os.environ)
    env.pop("ADVISOR_NO_CACHE", None)
    sizes = [1_000, 10_000] if args.quick else [1_000, 10_000, 50_000, 100_000]
    rows = startup(5 if args.quick else 21, env)
    rows += per_message(1 if args.quick else 5)
    rows += safety(1 if args.quick else 5)
    rows += scale(sizes, 100 if args.quick else 300, env)
    rows += tooling(env)
    width = max(len(r[0]) for r in rows)
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores")
    print(f"{'measure':{width}}  {'advisor':60}  baseline in the same run")
    for name, ours, theirs in rows:
        print(f"{name:{width}}  {ours:60}  {theirs}")


if __name__ == "__main__":
    main()
