"""Write a synthetic rule book of any size, for measuring advisor at scale.

Each situation gets a theme (an adjective and a place, "quiet ski trip") and examples that
combine it with varied people, events and questions, so no two phrasings are copies. The
principles, lexicon, replies and small talk are the bundled ones.

    python benchmarks/generate.py OUT --situations 2000 --examples 25
"""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

from advisor.storage import bundled_rules

ADJECTIVES = [
    "quiet",
    "noisy",
    "rainy",
    "sunny",
    "late",
    "early",
    "long",
    "short",
    "awkward",
    "lovely",
    "strange",
    "sweet",
    "tense",
    "easy",
    "busy",
    "lazy",
    "crowded",
    "empty",
    "fancy",
    "cheap",
    "summer",
    "winter",
    "spring",
    "autumn",
    "weekend",
    "midweek",
    "surprise",
    "formal",
    "casual",
    "sudden",
    "slow",
    "first",
    "second",
    "third",
    "last",
    "rooftop",
    "seaside",
    "mountain",
    "city",
    "village",
    "riverside",
]
PLACES = [
    "ski-trip",
    "concert",
    "wedding",
    "barbecue",
    "hike",
    "gym-class",
    "book-club",
    "office-party",
    "bus-ride",
    "dinner-party",
    "coffee-date",
    "museum-visit",
    "road-trip",
    "beach-day",
    "pub-quiz",
    "dance-lesson",
    "cooking-class",
    "yoga-retreat",
    "football-match",
    "art-show",
    "karaoke-night",
    "garden-party",
    "train-journey",
    "holiday-camp",
    "charity-run",
    "film-night",
    "wine-tasting",
    "market-stall",
    "bakery-queue",
    "library-talk",
    "festival",
    "game-night",
    "boat-trip",
    "climbing-wall",
    "reunion",
    "picnic",
    "speed-dating-night",
    "hackathon",
    "choir-practice",
    "campsite",
    "open-mic",
]
PEOPLE = ["he", "she", "they", "the guy", "my date", "the man I met", "this woman", "my crush"]
EVENTS = [
    "never called after the {t}",
    "went quiet after the {t}",
    "keeps texting about the {t}",
    "asked me out at the {t}",
    "ignored me at the {t}",
    "wants to meet again after the {t}",
    "talked for hours at the {t}",
    "left early from the {t}",
    "got my number at the {t}",
    "says the {t} meant nothing",
    "brings up the {t} all the time",
    "disappeared after the {t}",
]
QUESTIONS = [
    "what does it mean",
    "should I text",
    "is that a bad sign",
    "what should I do",
    "do I wait",
    "is that normal",
    "why would someone do that",
    "am I overthinking it",
]


def theme(number: int) -> str:
    place = PLACES[number % len(PLACES)].replace("-", " ")
    adjective = ADJECTIVES[(number // len(PLACES)) % len(ADJECTIVES)]
    extra = (
        f" {number // (len(PLACES) * len(ADJECTIVES))}"
        if number >= len(PLACES) * len(ADJECTIVES)
        else ""
    )
    return f"{adjective} {place}{extra}"


def situation(number: int, examples: int, principles: list[str], rng: random.Random) -> str:
    t = theme(number)
    phrasings: set[str] = set()
    while len(phrasings) < examples:
        person = rng.choice(PEOPLE)
        event = rng.choice(EVENTS).format(t=t)
        if rng.random() < 0.5:
            phrasings.add(f"{person} {event}, {rng.choice(QUESTIONS)}?")
        else:
            phrasings.add(f"{person} {event}")
    chosen = rng.sample(principles, 3)
    lines = [
        f"id: synthetic-{number}",
        f"title: something that happened at the {t}",
        f"description: Messages about the {t}.",
        "acknowledge:",
        f"  - That {t} sounds like it left you with questions.",
        f"principles: [{', '.join(chosen)}]",
        "examples:",
        *(f'  - "{p}"' for p in sorted(phrasings)),
    ]
    return "\n".join(lines) + "\n"


def generate(out: Path, situations: int, examples: int, seed: int = 0) -> Path:
    """Write the rule book to `out` (replacing it) and return the folder."""
    rng = random.Random(seed)
    source = Path(str(bundled_rules()))
    if out.exists():
        shutil.rmtree(out)
    (out / "situations").mkdir(parents=True)
    for name in ("principles.yaml", "lexicon.yaml", "replies.yaml", "smalltalk.yaml"):
        shutil.copy(source / name, out / name)
    import yaml

    principles = [
        p["id"] for p in yaml.safe_load((source / "principles.yaml").read_text())["principles"]
    ]
    for number in range(situations):
        text = situation(number, examples, principles, rng)
        (out / "situations" / f"synthetic-{number}.yaml").write_text(text, encoding="utf-8")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="folder to write (replaced if it exists)")
    parser.add_argument("--situations", type=int, default=2000)
    parser.add_argument("--examples", type=int, default=25)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    generate(args.out, args.situations, args.examples, args.seed)
    print(f"wrote {args.situations} situations x {args.examples} examples to {args.out}")


if __name__ == "__main__":
    main()
