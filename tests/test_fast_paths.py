"""Hand-written fast paths against the regexes they stand for: the same answers, always.

Each speed-up of the hot loop that replaces a regex by a lookup keeps the regex as its
reference; these tests compare both on every position of the seeds and on generated text
made of the words the regex is built from (where the two could part: words inside words,
spaces, compounds that hold a stop word).
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from unionfacts.extractor import default_extractor
from unionfacts.pipeline.subjects import trailing_start

ROOT = Path(__file__).resolve().parents[1]
SEEDS = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
RULES = default_extractor()._c.subjects
WORDS = sorted(RULES.trim.free | RULES.trim.stop | RULES.trim.compounds)


def _reference(left: str, pos: int) -> int | None:
    m = RULES.back_trim.search(left, pos)
    return None if m is None else m.start()


def test_trailing_words_found_from_the_right_as_the_regex_finds_them_in_the_seeds() -> None:
    norm = default_extractor().normalize
    checked = 0
    for raw in SEEDS:
        text = norm(raw).text
        for i in range(len(text)):
            left = text[max(0, i - 24):i]
            for pos in (0, 2):
                assert trailing_start(RULES.trim, left, pos) == _reference(left, pos), (left, pos)
                checked += 1
    assert checked > 20_000


@given(st.lists(st.sampled_from([*WORDS, " ", "\u3000", "\t", "\n", "资金", "职工", "人", "的", "5"]),
                max_size=10),
       st.integers(min_value=0, max_value=6))
def test_trailing_words_on_generated_phrases(parts: list[str], pos: int) -> None:
    left = "".join(parts)
    assert trailing_start(RULES.trim, left, pos) == _reference(left, pos)
