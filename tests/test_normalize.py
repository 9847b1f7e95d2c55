from unionfacts.extractor import default_extractor
from unionfacts.pipeline.normalize import fold, raw_view
from unionfacts.rules.packs import get_patterns

NORM = default_extractor().normalize


def test_fold_keeps_length_and_converts_script_and_width():
    raw = "８０００萬人次，９０．７％　縣"
    out = fold(raw)
    assert len(out) == len(raw)
    assert out.startswith("8000万人次") and "90.7%" in out and "县" in out


def test_glosses_junk_and_zero_width_are_removed_with_a_true_map():
    raw = "服務(wù)職工\u200b群眾8000萬(wàn)人次包養網以上"
    n = NORM(raw)
    assert n.text == "服务职工群众8000万人次以上"
    i = n.text.index("8000")
    j = n.text.index("次") + 1
    a, b = n.to_raw(i, j)
    assert raw[a:b] == "8000萬(wàn)人次"
    assert raw_view(n, 0, 6) == "服務職工群眾"


def test_genuine_parentheses_survive():
    n = NORM("183個(gè)縣(市、區(qū))")
    assert n.text == "183个县(市、区)"


def test_spun_word_maps_to_its_whole_raw_block():
    raw = "年夜國工匠"
    n = NORM(raw)
    assert n.text == "大国工匠"
    assert n.to_raw(0, 1) == (0, 2)
    assert raw_view(n, 0, 4) == "大國工匠"


def test_empty_text():
    assert NORM("").text == ""


def test_same_length_spun_word_reads_in_its_plain_form_and_the_raw_script():
    n = NORM("全省已樹立下層組織14.14萬個")
    i = n.text.index("基层组织")
    assert raw_view(n, i, i + 4) == "基層組織"  # Traditional text: the plain form in Traditional
    n = NORM("全省已树立下层组织14.14万个")
    i = n.text.index("基层组织")
    assert raw_view(n, i, i + 4) == "基层组织"
    assert n.to_raw(i, i + 4) == (5, 9)


def test_spun_word_is_matched_across_a_pinyin_gloss():
    raw = "下層(céng)組織(zhī)14萬個"
    n = NORM(raw)
    assert n.text == "基层组织14万个"
    a, b = n.to_raw(0, 4)
    assert raw[a:b] == "下層(céng)組織"


SPUN = "在年夜会上表扬优良职工，扶植步队，展开运动20场"
PLAIN = "表扬优良职工，展开运动20场"


def test_context_words_fold_only_in_a_text_with_spinner_marks():
    n = NORM(SPUN)
    assert n.spun and "优秀职工" in n.text and "开展活动20场" in n.text and "表彰" in n.text
    n = NORM(PLAIN)  # no spinner marks: 优良, 运动 are real words and stay
    assert not n.spun and n.text == PLAIN
    n = NORM("在年夜会上表扬优良职工")  # one mark is not enough evidence
    assert not n.spun and "优良职工" in n.text


def test_spun_context_subjects():
    from unionfacts import extract

    [f] = [f for f in extract(SPUN) if f.kind == "count"]
    assert (f.text, f.subject) == ("20场", "活动")


def test_traditional_forms_are_what_opencc_s2t_gives():
    import opencc

    pset = get_patterns()
    table = pset.lexicon("spun_traditional")
    s2t = opencc.OpenCC("s2t")
    plain = set(pset.lexicon("spun").values()) | set(pset.lexicon("spun_context").values())
    assert set(table) <= plain
    assert {w: s2t.convert(w) for w in table} == dict(table)
    # every plain form that s2t changes (keeping its length) is in the table
    assert {w for w in plain if s2t.convert(w) != w and len(s2t.convert(w)) == len(w)} == set(table)
