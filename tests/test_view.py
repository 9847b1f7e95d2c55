"""``unionfacts.view`` without a browser: the page's structure read back with the stdlib's HTML
parser. One element per fact with its raw offsets and its exact text, nesting that holds when
facts, lists and the publication evidence overlap, and text that stays text."""

from __future__ import annotations

import time
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from unionfacts import cli, extract_document
from unionfacts.models import (
    Count,
    Date,
    Document,
    Enumeration,
    EnumerationItem,
    Evidence,
)
from unionfacts.view import render_fragment, render_html, write_report

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
VOID = {"meta", "col", "wbr", "br", "input", "img", "link"}


class Node:
    def __init__(self, tag: str, attrs: dict[str, str | None], parent: Node | None) -> None:
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Node | str] = []

    @property
    def classes(self) -> list[str]:
        return (self.attrs.get("class") or "").split()

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def walk(self):
        yield self
        for c in self.children:
            if isinstance(c, Node):
                yield from c.walk()


class Tree(HTMLParser):
    """A strict reader: every element must be closed, in order (the page is built, not typed)."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {}, None)
        self.cur = self.root
        self.feed(page)
        self.close()
        assert self.cur is self.root, f"unclosed <{self.cur.tag}>"

    def handle_starttag(self, tag, attrs):
        node = Node(tag, dict(attrs), self.cur)
        self.cur.children.append(node)
        if tag not in VOID:
            self.cur = node

    def handle_endtag(self, tag):
        assert self.cur.tag == tag, f"</{tag}> closes <{self.cur.tag}>"
        self.cur = self.cur.parent

    def handle_data(self, data):
        self.cur.children.append(data)


def facts_of(page: str) -> list[Node]:
    return [n for n in Tree(page).root.walk() if "f" in n.classes]


def text_pane(page: str, i: int = 0) -> Node:
    return [n for n in Tree(page).root.walk() if "text" in n.classes][i]


def count(start: int, end: int, text: str) -> Count:
    return Count(start=start, end=end, text=text[start:end], value=Decimal(1), unit="个",
                 rule="count.test")


def date(start: int, end: int, text: str) -> Date:
    return Date(start=start, end=end, text=text[start:end], value="2024", rule="date.test")




def test_seeds_one_element_per_fact_with_its_offsets_and_text(seeds):
    page = render_html(seeds)
    found = facts_of(page)
    facts = [f for doc, _ in seeds for f in doc.facts]
    assert len(found) == len(facts) > 100
    for node, f in zip(found, facts):
        assert node.attrs["data-kind"] == f.kind
        assert (int(node.attrs["data-start"]), int(node.attrs["data-end"])) == (f.start, f.end)
        assert node.attrs["tabindex"] == "0"
        assert node.text() == f.text
        assert f.rule in node.attrs["data-tip"] and f.qualifier in node.attrs["data-tip"]
    for i, (_, text) in enumerate(seeds):  # the text pane holds the raw text, all of it
        assert text_pane(page, i).text() == text


def test_seed_page_marks_the_list_and_the_publication_evidence(seeds):
    doc, text = seeds[3]  # 十条举措 and its ten items
    assert doc.enumerations and doc.published_evidence
    tree = Tree(render_html([(doc, text)])).root
    markers = [n for n in tree.walk() if "marker" in n.classes and "cont" not in n.classes]
    assert [n.attrs["data-ordinal"] for n in markers] == [str(i) for i in range(1, 11)]
    assert [n.text() for n in markers] == [it.marker for it in doc.enumerations[0].items]
    enum = next(n for n in tree.walk() if "enum" in n.classes)
    assert "announced 10" in enum.attrs["data-label"]
    pub = next(n for n in tree.walk() if n.attrs.get("id") == "d0-pub")
    assert pub.text() == doc.published_evidence.text
    assert any(n.attrs.get("data-announces") == doc.enumerations[0].id for n in tree.walk())


def test_several_documents_get_an_index_with_counts(seeds):
    tree = Tree(render_html(seeds)).root
    index = next(n for n in tree.walk() if n.tag == "nav")
    links = [n.attrs["href"] for n in index.walk() if n.tag == "a"]
    assert links == [f"#d{i}" for i in range(len(seeds))]
    total = sum(len(d.facts) for d, _ in seeds)
    assert str(total) in index.text()
    single = Tree(render_html(seeds[:1])).root
    assert not any(n.tag == "nav" for n in single.walk())


HOSTILE = ("标题</title><script>alert(1)</script>\n投入资金4.9亿元</textarea><img src=x onerror=alert(2)>"
           "\u202e倒置\u202c & &amp; \"引号\" '单' \r\n第二行<!-- 注释 -->]]>")


def test_hostile_text_stays_text():
    doc = extract_document(HOSTILE, doc_id="<b>id</b>")
    assert doc.facts  # 4.9亿元 among the markup
    doc = doc.model_copy(update={"title": "<script>alert(3)</script>"})
    page = render_html([(doc, HOSTILE)], title="</title><script>alert(4)</script>")
    assert page.count("<script>") == 1  # the page's own
    assert "<img" not in page and "<b>" not in page and "<!-- " not in page
    tree = Tree(page).root
    assert sum(n.tag == "script" for n in tree.walk()) == 1
    assert not any(n.tag in ("img", "textarea", "b") for n in tree.walk())
    assert text_pane(page).text() == HOSTILE  # \r and the RTL marks included
    for node, f in zip(facts_of(page), doc.facts):
        assert node.text() == f.text


def test_lone_surrogate_becomes_one_replacement_character():
    text = "前\ud800后3个"
    doc = Document(doc="s", facts=[count(3, 5, text)])
    page = render_html([(doc, text)])
    page.encode("utf-8")  # writable
    assert text_pane(page).text() == "前\ufffd后3个"
    assert facts_of(page)[0].text() == "3个"


def test_nested_and_identical_facts_each_one_element():
    text = "截至2024年底共有3个单位"
    outer = count(0, 9, text)  # 截至2024年底共 (not a real fact; the shape matters)
    inner = date(2, 7, text)  # 2024年 inside it
    same = date(2, 7, text).model_copy(update={"rule": "date.same"})
    tail = count(9, 11, text)
    doc = Document(doc="n", facts=[outer, inner, same, tail])
    nodes = facts_of(render_html([(doc, text)]))
    assert len(nodes) == 4
    assert [n.text() for n in nodes] == [outer.text, inner.text, same.text, tail.text]
    by_rule = {n.attrs["data-tip"].rsplit("rule: ", 1)[1]: n for n in nodes}
    assert by_rule["date.test"].parent is nodes[0] or by_rule["date.test"].parent.parent is nodes[0]
    assert all("data-shown-start" not in n.attrs for n in nodes)


def test_crossing_facts_stay_one_element_each_and_say_what_is_shown():
    text = "甲乙丙丁戊己"
    a, b = count(0, 4, text), date(2, 6, text)  # 甲乙丙丁 and 丙丁戊己 cross
    nodes = facts_of(render_html([(Document(doc="x", facts=[a, b]), text)]))
    assert len(nodes) == 2
    assert nodes[0].text() == "甲乙丙丁"
    assert (nodes[1].attrs["data-start"], nodes[1].attrs["data-end"]) == ("2", "6")
    assert nodes[1].attrs["data-shown-start"] == "4" and nodes[1].text() == "戊己"


def test_decorations_split_around_facts_they_cross():
    text = "前言\n一是加强投入3个亿的资金\n二是完善制度\n后记2024年"
    i1, i2 = text.index("一是"), text.index("二是")
    items = [EnumerationItem(ordinal=1, marker="一是", marker_start=i1, marker_end=i1 + 2,
                             title="加强投入3个", title_start=i1 + 2, title_end=i1 + 8),
             EnumerationItem(ordinal=2, marker="二是", marker_start=i2, marker_end=i2 + 2,
                             title="完善制度", title_start=i2 + 2, title_end=i2 + 6)]
    crossing = count(i1 + 6, i1 + 9, text)  # 3个亿 starts in item 1's title, ends after it
    y = text.index("2024")
    ev = Evidence(start=y - 2, end=y + 3, text=text[y - 2:y + 3], rule="published.test")
    d = date(y, y + 5, text)  # the evidence (后记202) crosses the date (2024年)
    doc = Document(doc="e", facts=[crossing, d], published="2024", published_evidence=ev,
                   enumerations=[Enumeration(id="enum-1", style="shi", items=items)])
    page = render_html([(doc, text)])
    assert text_pane(page).text() == text
    nodes = facts_of(page)
    assert [n.text() for n in nodes] == ["3个亿", "2024年"]
    tree = Tree(page).root
    titles = [n for n in tree.walk() if "item-title" in n.classes]
    assert "".join(n.text() for n in titles) == "加强投入3个完善制度"
    marks = [n for n in tree.walk() if n.tag == "mark"]
    assert "".join(n.text() for n in marks) == "后记202" and len(marks) == 2
    assert sum(1 for n in marks if n.attrs.get("id")) == 1  # the first piece is the anchor


spans = st.lists(st.tuples(st.integers(0, 30), st.integers(0, 8), st.booleans()), max_size=12)


@given(st.text(alphabet="ab<&\r\n\u202e一二", max_size=30), spans)
def test_any_overlap_is_well_formed_and_keeps_the_text(text, raw):
    facts = []
    for start, length, is_date in raw:
        start = min(start, len(text))
        end = min(start + length, len(text))
        facts.append((date if is_date else count)(start, end, text))
    facts.sort(key=lambda f: (f.start, f.end))
    ev = None
    if len(text) > 3:
        ev = Evidence(start=1, end=len(text) - 1, text=text[1:-1], rule="published.test")
    doc = Document(doc="h", facts=facts, published_evidence=ev, published="2024" if ev else None)
    page = render_html([(doc, text)])  # Tree asserts every element is closed in order
    assert text_pane(page).text() == text
    nodes = facts_of(page)  # in document order: of two with the same start, the longer first
    offsets = [(int(n.attrs["data-start"]), int(n.attrs["data-end"]), n.attrs["data-kind"])
               for n in nodes]
    assert sorted(offsets) == sorted((f.start, f.end, f.kind) for f in facts)
    for node, (start, end, _) in zip(nodes, offsets):
        shown = int(node.attrs.get("data-shown-start", start))
        assert start <= shown <= end and node.text() == text[shown:end]


def test_wrong_text_is_refused():
    doc = extract_document("营收3.5亿元", doc_id="a")
    with pytest.raises(ValueError, match="not in the text"):
        render_html([(doc, "营收3.6亿元")])
    with pytest.raises(TypeError):
        render_html(["营收3.5亿元"])  # type: ignore[list-item]


def test_without_text_the_table_only():
    doc = extract_document("营收3.5亿元，同比增长12.3%。", doc_id="a")
    page = render_html([doc])
    assert facts_of(page) == []
    rows = [n for n in Tree(page).root.walk() if n.tag == "tr" and "data-kind" in n.attrs]
    assert [r.attrs["data-kind"] for r in rows] == ["money", "percent"]
    assert "data-target" not in rows[0].attrs


def test_document_to_html_and_repr_html():
    text = "营收3.5亿元，同比增长12.3%。"
    doc = extract_document(text, doc_id="a")
    assert len(facts_of(doc.to_html(text))) == 2
    assert facts_of(doc.to_html()) == []  # no text kept: the table
    kept = doc.model_copy(update={"text": text})
    assert len(facts_of(kept.to_html())) == 2
    assert "text" not in kept.model_dump(mode="json") and text not in repr(kept)
    frag = kept._repr_html_()
    assert not frag.startswith("<!DOCTYPE") and "<script" not in frag
    ids = [n.attrs["id"] for n in facts_of(frag)]
    assert len(ids) == 2 and not set(ids) & {n.attrs["id"] for n in facts_of(kept._repr_html_())}
    assert render_fragment([kept]).count('class="f ') == 2


def test_show_command_and_write_report(tmp_path, capsys):
    out = tmp_path / "report.html"
    code = cli.main(["show", str(ROOT / "seeds"), str(tmp_path / "missing.txt"), "-o", str(out)])
    assert code == 1 and "missing.txt" in capsys.readouterr().err
    page = out.read_text(encoding="utf-8")
    assert len(facts_of(page)) == sum(len(extract_document(p.read_text(encoding="utf-8")).facts)
                                      for p in SEEDS)
    assert cli.main(["show", str(SEEDS[0]), "--published", "nonsense"]) == 2
    again = tmp_path / "again.html"
    write_report([(extract_document(p.read_text(encoding="utf-8"), doc_id=p.stem),
                   p.read_text(encoding="utf-8")) for p in SEEDS], again)
    assert again.read_text(encoding="utf-8") == page


def test_the_view_knows_every_kind_in_order():
    from unionfacts import view
    from unionfacts.models import KINDS

    assert view._KINDS == KINDS


def test_a_megabyte_renders_quickly(megabyte_document):
    big, text = megabyte_document
    off = len(text)
    t0 = time.perf_counter()
    page = render_html([(big, text)])
    elapsed = time.perf_counter() - t0
    assert elapsed < 15, f"{elapsed:.1f} s for {off} characters"  # ~1.5 s on a busy 2-core box
    assert page.count('class="chunk"') > 100  # blocks the browser may skip while off screen


def test_when_and_where_show_on_hover_and_in_the_table(seeds):
    doc, text = next((d, t) for d, t in seeds if any(getattr(f, "where", None) for f in d.facts))
    page = render_html([(doc, text)])
    placed = next(f for f in doc.facts if getattr(f, "where", None))
    assert f"where: {placed.where.name}" in page
    assert '<th scope="col" data-col="where"' in page
    assert "Place(" not in page and "When(" not in page and "name='" not in page
