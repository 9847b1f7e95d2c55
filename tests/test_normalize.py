from unionfacts.api import _normalizer
from unionfacts.normalize import fold, raw_view
from unionfacts.patterns import get_patterns

NORM = _normalizer(get_patterns())


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
