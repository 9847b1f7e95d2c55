"""The region a document reports from: Taiwan, Hong Kong, Macau, or the mainland (``None``).

A bare ``元``/``萬元`` in a text about Taiwan is New Taiwan dollars, in Hong Kong Hong Kong
dollars, in Macau patacas; the mainland is the default. The region is read from cues of the
``region_*`` lexicons over the normalised (Simplified) text:

* a dateline that names a regional place or agency decides, wherever it stands
  (（中央社记者…台北26日电）, below a long navigation block too);
* ``region_strong``: a news agency, paper or currency that names the region on its own
  (中央社, 香港商报, 澳门日报, 葡币); one in the opening lines decides;
* ``region_place``: places and offices of the region (台北, 九龙, 劳工事务局);
* ``region_mainland``: words only mainland texts use (人民币, 国务院, 省委).

A region needs a strong cue in the head, or enough weight in the body to outweigh the mainland
cues: a mainland report that names 香港 once stays mainland. ``localize_currency`` then gives
the region's currency to the money drafts whose currency word was a bare yuan.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any


from unionfacts.pipeline.builders import Draft
from unionfacts.rules.fastre import fast, word_alternation
from unionfacts.rules.packs import PatternSet, require_lexicons

require_lexicons(__name__, ("region_strong", "region_place", "region_mainland", "region_currency",
                            "region_bare_yuan"))

#: Characters of the opening lines where a dateline (（中央社记者…台北26日电）) sits.
_HEAD = 120
#: Weights: a strong cue in the head decides; elsewhere strong cues count more than places.
_STRONG = 3
_NEED = 4


@dataclass(frozen=True, slots=True)
class RegionRules:
    """The region cues, compiled once (``compile_region_rules``)."""

    cues: Any
    """Every cue word, longest first (a match's text names its lexicon below)."""
    dateline: Any
    """A dateline that names a regional place or agency: （中央社记者…台北26日电）, （澳门日报讯）,
    〔记者…／台北报导〕."""
    strong: dict[str, str]
    place: dict[str, str]
    mainland: frozenset[str]
    currency: dict[str, str]
    """Region → the ISO 4217 code of its dollar (TW → TWD)."""
    bare_yuan: frozenset[str]
    """Currency words that mean the local dollar in a regional text (元, 万元's 元, 块)."""


def compile_region_rules(pset: PatternSet) -> RegionRules:
    words = [*pset.lexicon("region_strong"), *pset.lexicon("region_place"),
             *pset.lexicon("region_mainland")]
    alternation = word_alternation(words)
    regional = word_alternation([*pset.lexicon("region_strong"), *pset.lexicon("region_place")])
    return RegionRules(
        cues=fast(r"(?:" + alternation + r")"),
        dateline=fast(r"[（(〔【\[][^（()）〔〕【】\[\]\n]{0,40}?(?P<w>" + regional
                      + r")[^（()）〔〕【】\[\]\n]{0,16}?(?:电|讯|报导|报道)[）)〕】\]]"),
        strong=dict(pset.lexicon("region_strong")),
        place=dict(pset.lexicon("region_place")),
        mainland=frozenset(pset.lexicon("region_mainland")),
        currency=dict(pset.lexicon("region_currency")),
        bare_yuan=frozenset(pset.lexicon("region_bare_yuan")),
    )


def document_region(text: str, rules: RegionRules) -> str | None:
    """``"TW"``, ``"HK"``, ``"MO"`` or ``None`` (the mainland, the default) for a normalised text."""
    line = rules.dateline.search(text)
    if line is not None:  # a dispatch from the region, wherever the page puts it
        w = line.group("w")
        return rules.strong.get(w) or rules.place[w]
    score: Counter[str] = Counter()
    mainland = 0
    for m in rules.cues.finditer(text):
        w = m.group()
        if w in rules.strong:
            if m.start() < _HEAD:
                return rules.strong[w]
            score[rules.strong[w]] += _STRONG
        elif w in rules.place:
            score[rules.place[w]] += 1
        else:
            mainland += 1
    if not score:
        return None
    (best, weight), *rest = score.most_common()
    if weight >= _NEED and weight > 2 * mainland and (not rest or weight > 2 * rest[0][1]):
        return best
    return None


def localize_currency(drafts: list[Draft], region: str | None, rules: RegionRules) -> None:
    """A bare yuan (元, 万元, 块; a 资金6000万 with no currency word) in a regional text is
    the region's dollar; 人民币 and every named currency keep theirs."""
    code = rules.currency.get(region or "")
    if not code:
        return
    for d in drafts:
        word = d.notes.get("currency_word")
        if d.kind == "money" and d.unit == "CNY" and (word == "" or word in rules.bare_yuan):
            d.unit = code
