"""A deterministic benchmark corpus: the five seeds repeated, plus synthetic news text.

The synthetic documents imitate what the seeds show: a header (title, a date line in one of
the usual layouts, a source, an author), then paragraphs of union-report prose with figures
at about the density of the annotated seeds (``tests/data/seeds.jsonl``: 3.5–20 facts per
1,000 characters, ~10 overall). A share of the documents is noisy the way the seeds are:

* Traditional script (OpenCC ``s2t``);
* pinyin glosses after Traditional characters, ``萬(wàn)``, harvested from the seeds;
* injected spam tokens (``包養網``, ``甜心寶貝包養網``) and spun synonyms (``年夜`` for ``大``);
* full-width digits and signs (``１２．５％``), ideographic spaces.

Everything is drawn from one ``random.Random(seed)``, so a corpus is a pure function of
``(size, seed)``; a smaller corpus is a prefix of a larger one with the same seed, which is
what makes the 1 MB / 10 MB / 100 MB scale check compare like with like.

Sizes are UTF-8 bytes (1 MB = 1,000,000 bytes); most characters are CJK, 3 bytes each.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import regex

ROOT = Path(__file__).resolve().parent.parent
SEEDS_DIR = ROOT / "seeds"
DEFAULT_SEED = 20240222

#: Share of documents (by count) that are verbatim seeds; the rest are synthetic.
SEED_EVERY = 6

_GLOSS = regex.compile(r"(\p{Han})\(([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüêńňǹḿ]{1,7})\)")
_CLAUSE_SPLIT = regex.compile(r"[，。；！？,;!?\n：:“”]+")
_HAS_FIGURE = regex.compile(r"[0-9０-９零〇一二两兩三四五六七八九十百千万萬亿億%％]")

# Pinyin for the characters figures are made of, in case the seeds do not gloss them.
_EXTRA_GLOSS = {"萬": "wàn", "億": "yì", "個": "gè", "項": "xiàng", "條": "tiáo", "圓": "yuán",
                "歲": "suì", "屆": "jiè", "種": "zhǒng", "餘": "yú", "幾": "jǐ", "兩": "liǎng",
                "間": "jiān", "場": "chǎng"}

_JUNK = ["包養", "包養網", "甜心寶貝包養網", "包養網VIP", "包養網評價", "包養行情", "包養條件",
         "找包養", "包養價格", "台灣包養", "甜心花園", "長期包養", "包養網車馬費"]

_ORGS = ["省总工会", "市总工会", "县总工会", "区总工会", "全国总工会", "产业工会", "基层工会",
         "街道工会", "乡镇工会", "园区工会联合会", "教科文卫工会", "工会女职工委员会"]
_PLACES = ["四川", "云南", "甘肃", "广元", "兰州", "成都", "昆明", "攀枝花", "绵阳", "德阳",
           "宜宾", "南充", "天水", "酒泉", "大理", "曲靖", "玉溪", "乐山", "遂宁", "达州"]
_SUBJECTS = ["职工", "会员", "农民工", "技能人才", "困难职工", "劳动模范", "大国工匠",
             "新就业形态劳动者", "快递员", "网约车司机", "环卫工人", "一线职工", "女职工",
             "志愿者", "外卖骑手", "货车司机", "建筑工人"]
_THINGS = ["职工之家", "户外劳动者服务站点", "爱心驿站", "职工书屋", "技能培训班", "劳模创新工作室",
           "法律援助站", "心理咨询室", "暖心驿站", "帮扶中心", "工匠学院", "职工食堂"]
_FUNDS = ["帮扶资金", "慰问金", "补助资金", "专项资金", "送温暖资金", "助学金", "奖补资金",
          "工会经费", "救助资金", "培训补贴"]
_VERBS_MONEY = ["投入", "筹措", "发放", "安排", "落实", "下拨", "争取", "累计投入", "共计发放"]
_VERBS_COUNT = ["建成", "新建", "帮扶", "慰问", "培训", "覆盖", "服务", "吸纳", "组建", "培育"]
_FILLER = [
    "坚持以职工为中心的工作导向", "持续深化产业工人队伍建设改革", "扎实推进县级工会加强年专项工作",
    "不断扩大基层工会组织覆盖面", "切实维护职工合法权益", "着力打造工会服务品牌",
    "进一步增强工会组织的政治性先进性群众性", "推动工会工作向基层延伸", "围绕中心服务大局",
    "大力弘扬劳模精神劳动精神工匠精神", "深入开展劳动和技能竞赛", "健全完善职工服务体系",
    "全力做好困难职工帮扶工作", "积极推进新就业形态劳动者入会", "加强工会干部队伍建设",
    "深入基层一线调研走访", "把党的声音传递到广大职工群众中", "营造劳动光荣的良好氛围",
    "推动构建和谐劳动关系", "为高质量发展贡献工会力量", "以实际行动践行初心使命",
    "广泛凝聚职工群众力量", "着力解决职工急难愁盼问题", "推动各项惠工政策落地见效",
    "会议总结了过去的工作", "会议部署了下一阶段重点任务", "与会代表进行了认真讨论",
    "活动受到职工群众的广泛好评", "相关负责人介绍说", "据了解", "记者从会上获悉",
    "下一步", "与此同时", "近年来", "此外", "在此基础上", "截至目前",
]
_TITLE_HEADS = ["聚焦", "做实", "织密", "下沉", "拓宽", "夯实", "延伸", "创新", "精准", "深化"]
_TITLE_TAILS = ["服务职工", "建强基层", "助力发展", "凝心聚力", "提质增效", "惠及职工", "赋能产业"]
_NAMES = ["李娜", "康劲", "王强", "张敏", "刘洋", "陈静", "杨帆", "赵磊", "黄丽", "周杰", "吴芳"]
_SOURCES = ["工人日报", "人民网", "四川工人日报", "云南工会网", "甘肃日报", "新华网", "中工网"]


@dataclass(frozen=True, slots=True)
class Doc:
    doc_id: str
    text: str


def seed_texts() -> list[tuple[str, str]]:
    """(name, text) of the seed articles, sorted by file name."""
    return [(p.stem, p.read_text(encoding="utf-8")) for p in sorted(SEEDS_DIR.glob("*.txt"))]


class _Converters:
    def __init__(self) -> None:
        import opencc  # a unionfacts dependency already

        self.s2t = opencc.OpenCC("s2t")
        self.t2s = opencc.OpenCC("t2s")


def _harvest(seeds: list[tuple[str, str]], conv: _Converters) -> tuple[dict[str, str], list[str]]:
    """Pinyin glosses and figure-free clauses (Simplified) taken from the seeds."""
    gloss: dict[str, str] = {}
    clauses: list[str] = []
    seen: set[str] = set()
    for _name, text in seeds:
        for m in _GLOSS.finditer(text):
            gloss.setdefault(m.group(1), m.group(2))
        plain = conv.t2s.convert(_GLOSS.sub(r"\1", text))
        for junk in _JUNK:
            plain = plain.replace(conv.t2s.convert(junk), "")
        for c in _CLAUSE_SPLIT.split(plain):
            c = c.strip()
            if 6 <= len(c) <= 40 and not _HAS_FIGURE.search(c) and "http" not in c and c not in seen:
                seen.add(c)
                clauses.append(c)
    for ch, py in _EXTRA_GLOSS.items():
        gloss.setdefault(ch, py)
    return gloss, clauses


class _Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.conv = _Converters()
        self.seeds = seed_texts()
        self.gloss, seed_clauses = _harvest(self.seeds, self.conv)
        self.filler = _FILLER + seed_clauses

    # -- figures ------------------------------------------------------------------------
    def _cn_int(self, n: int) -> str:
        digits = "零一二三四五六七八九"
        if n < 10:
            return digits[n]
        if n < 20:
            return "十" + (digits[n % 10] if n % 10 else "")
        if n < 100:
            return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")
        if n < 1000:
            rest = n % 100
            tail = "" if rest == 0 else ("零" + digits[rest] if rest < 10 else self._cn_int(rest)
                                         if rest >= 20 else "一" + self._cn_int(rest))
            return ("两" if n // 100 == 2 and self.rng.random() < 0.5 else digits[n // 100]) + "百" + tail
        return digits[n // 1000] + "千" + (self._cn_int(n % 1000) if n % 1000 >= 100 else "")

    def _arabic(self, lo: int, hi: int, decimals: float = 0.3) -> str:
        r = self.rng
        n = r.randint(lo, hi)
        if r.random() < decimals:
            return f"{n}.{r.randint(1, 99)}".rstrip("0")
        if n >= 1000 and r.random() < 0.15:
            return f"{n:,}"
        return str(n)

    def _num(self) -> str:
        r = self.rng
        x = r.random()
        if x < 0.7:
            return self._arabic(1, 9999)
        if x < 0.9:
            return self._cn_int(r.randint(1, 999))
        return self._arabic(1, 99) + r.choice(["余", "多"])

    def money(self) -> str:
        r = self.rng
        x = r.random()
        if x < 0.1:
            a = r.randint(1, 9)
            return f"{a}-{a + r.randint(1, 5)}万元"
        if x < 0.15:
            return f"¥{r.randint(100, 99999):,}"
        if x < 0.2:
            a = r.randint(1, 500)
            return f"{a}万至{a * 2}万元"
        return self._num() + r.choice(["万元", "万元", "元", "亿元", "余万元", "美元"])

    def count(self) -> str:
        r = self.rng
        unit = r.choice(["个", "名", "人次", "家", "项", "场", "户", "位", "条", "批", "所", "支", "期"])
        x = r.random()
        if x < 0.25:
            return self._cn_int(r.randint(2, 30)) + unit
        if x < 0.4:
            return self._arabic(1, 99, 0.5) + "万" + unit
        if x < 0.5:
            return str(r.randint(10, 9000)) + "余" + unit
        return str(r.randint(2, 9999)) + unit

    def percent(self) -> str:
        r = self.rng
        x = r.random()
        if x < 0.7:
            return self._arabic(1, 99, 0.7) + "%"
        if x < 0.85:
            return self._arabic(1, 9, 0.8) + "个百分点"
        return "百分之" + self._cn_int(r.randint(1, 99))

    def date(self) -> str:
        r = self.rng
        y, m, d = r.randint(2015, 2025), r.randint(1, 12), r.randint(1, 28)
        return r.choice([
            f"{y}年{m}月{d}日", f"{m}月{d}日", f"{y}年{m}月", f"{y}年", "今年", "去年", "今年上半年",
            f"{y}年第{self._cn_int(r.randint(1, 4))}季度", f"{m}月上旬", f"{y}年底", f"{m}月{d}日至{min(d + 3, 28)}日",
            f"{y}-{m:02d}-{d:02d}", f"截至{y}年{m}月底",
        ])

    def duration(self) -> str:
        r = self.rng
        return r.choice([f"{r.randint(2, 10)}年", f"{r.randint(2, 72)}小时", "半年", f"{self._cn_int(r.randint(2, 11))}个月",
                         f"{r.randint(2, 90)}天", f"{r.randint(2, 8)}周", f"{r.randint(5, 59)}分钟"])

    def measure(self) -> str:
        r = self.rng
        return r.choice([f"{r.choice([10, 35, 110, 220, 500])}千伏", f"{self._arabic(1, 500)}公里",
                         f"{r.randint(50, 9000)}平方米", f"{self._arabic(1, 99)}万千瓦", f"{r.randint(2, 900)}吨",
                         f"{r.randint(2, 300)}亩"])

    # -- prose --------------------------------------------------------------------------
    def figure_clause(self) -> str:
        r = self.rng
        kind = r.choices(["count", "date", "money", "percent", "duration", "measure"],
                         weights=[35, 25, 15, 12, 8, 5])[0]
        org = r.choice(_PLACES) + r.choice(_ORGS)
        q_before = r.choice(["", "", "", "", "不低于", "超过", "约", "近", "累计", "共"])
        q_after = r.choice(["", "", "", "", "", "以上", "左右", "余"])
        if kind == "money":
            return r.choice([
                f"{org}{r.choice(_VERBS_MONEY)}{r.choice(_FUNDS)}{q_before}{self.money()}{q_after}",
                f"{r.choice(_VERBS_MONEY)}{q_before}{self.money()}{q_after}用于{r.choice(_THINGS)}建设",
                f"每人每月补助{self.money()}",
            ])
        if kind == "count":
            return r.choice([
                f"{org}{r.choice(_VERBS_COUNT)}{q_before}{self.count()}{r.choice(_SUBJECTS + _THINGS)}",
                f"{r.choice(_SUBJECTS)}{q_before}{self.count()}{q_after}",
                f"{org}出台{self._cn_int(r.randint(3, 20))}条举措",
            ])
        if kind == "percent":
            return r.choice([
                f"{r.choice(_SUBJECTS)}入会率达到{self.percent()}",
                f"同比增长{self.percent()}",
                f"满意度{q_before}{self.percent()}{q_after}",
            ])
        if kind == "date":
            return r.choice([f"{self.date()}，{org}召开全委会议", f"{self.date()}{r.choice(_FILLER)}",
                             f"活动将于{self.date()}启动"])
        if kind == "duration":
            return r.choice([f"连续{self.duration()}开展{r.choice(_THINGS)}服务", f"培训为期{self.duration()}",
                             f"提供{self.duration()}热线服务"])
        return f"建成{r.choice(['输电线路', '绿道', '厂房', '光伏电站', '标准化场地'])}{self.measure()}"

    def sentence(self, figure_rate: float) -> str:
        r = self.rng
        parts = []
        for _ in range(r.randint(1, 4)):
            parts.append(self.figure_clause() if r.random() < figure_rate else r.choice(self.filler))
        return "，".join(parts) + r.choice(["。", "。", "。", "；", "！"])

    def header(self) -> str:
        r = self.rng
        y, m, d = r.randint(2019, 2025), r.randint(1, 12), r.randint(1, 28)
        hh, mi = r.randint(7, 22), r.randint(0, 59)
        title = (f"{r.choice(_PLACES)}{r.choice(_ORGS)}{r.choice(_TITLE_HEADS)}“{r.choice(_SUBJECTS)}”"
                 f"服务 {r.choice(_TITLE_TAILS)}")
        date_line = r.choice([
            f"{y}年{m:02d}月{d:02d}日{hh:02d}:{mi:02d}  来源：{r.choice(_SOURCES)}",
            f"发布时间：{y}-{m:02d}-{d:02d}  点击量：{r.randint(10, 9999)}   来源：{r.choice(_SOURCES)}",
            f"{y}.{m:02d}.{d:02d} {hh:02d}:{mi:02d}",
            f"本报讯（记者 {r.choice(_NAMES)}）",
        ])
        return f"{r.choice(_SOURCES)}>>工会新闻\n\n{title}\n\n{r.choice(_NAMES)}\n\n{date_line}\n\n"

    def synthetic(self, target_chars: int) -> str:
        r = self.rng
        figure_rate = r.uniform(0.12, 0.3)
        out = [self.header()]
        n = len(out[0])
        while n < target_chars:
            para = "".join(self.sentence(figure_rate) for _ in range(r.randint(2, 6)))
            out.append(para + "\n\n")
            n += len(para) + 2
        return "".join(out)

    # -- noise --------------------------------------------------------------------------
    def traditional(self, text: str, gloss_rate: float) -> str:
        trad = self.conv.s2t.convert(text)
        if gloss_rate <= 0:
            return trad
        r = self.rng
        gloss = self.gloss
        out = []
        for ch in trad:
            out.append(ch)
            py = gloss.get(ch)
            if py is not None and r.random() < gloss_rate:
                out.append(f"({py})")
        return "".join(out)

    def spam(self, text: str, rate: float) -> str:
        r = self.rng
        out = []
        for i, piece in enumerate(text.split("，")):
            if i:
                out.append("，")
            if r.random() < rate:
                k = r.randint(0, len(piece))
                piece = piece[:k] + r.choice(_JUNK) + piece[k:]
            out.append(piece.replace("大", "年夜") if r.random() < rate else piece)
        return "".join(out)

    def fullwidth(self, text: str) -> str:
        table = {ord(c): chr(ord(c) + 0xFEE0) for c in "0123456789%."}
        table[ord(" ")] = "\u3000"
        return text.translate(table)

    def document(self, i: int) -> Doc:
        r = self.rng
        if i % SEED_EVERY == SEED_EVERY - 1:
            k = (i // SEED_EVERY) % len(self.seeds)
            name, text = self.seeds[k]
            return Doc(f"seed-{name}-{i}", text)
        text = self.synthetic(int(r.lognormvariate(7.6, 0.6)) + 300)  # median ~2,000 chars
        style = r.random()
        tags = []
        if style < 0.30:
            text = self.traditional(text, gloss_rate=r.choice([0.0, 0.3, 0.6]))
            tags.append("trad")
        if r.random() < 0.15:
            text = self.spam(text, rate=0.1)
            tags.append("spam")
        if r.random() < 0.08:
            text = self.fullwidth(text)
            tags.append("fw")
        return Doc(f"syn-{i:06d}" + ("-" + "-".join(tags) if tags else ""), text)


def iter_corpus(seed: int = DEFAULT_SEED) -> Iterator[Doc]:
    """An endless, deterministic stream of documents."""
    gen = _Generator(seed)
    i = 0
    while True:
        yield gen.document(i)
        i += 1


def build_corpus(size_mb: float, seed: int = DEFAULT_SEED) -> list[Doc]:
    """Documents from the start of the stream until their UTF-8 size reaches ``size_mb`` MB."""
    target = int(size_mb * 1_000_000)
    docs: list[Doc] = []
    total = 0
    for doc in iter_corpus(seed):
        docs.append(doc)
        total += len(doc.text.encode("utf-8"))
        if total >= target:
            break
    return docs


def stats(docs: list[Doc]) -> dict:
    chars = sum(len(d.text) for d in docs)
    nbytes = sum(len(d.text.encode("utf-8")) for d in docs)
    seeds = sum(1 for d in docs if d.doc_id.startswith("seed-"))
    trad = sum(1 for d in docs if "-trad" in d.doc_id)
    spam = sum(1 for d in docs if "-spam" in d.doc_id)
    glosses = sum(len(_GLOSS.findall(d.text)) for d in docs)
    return {"docs": len(docs), "chars": chars, "bytes": nbytes, "mb": round(nbytes / 1e6, 2),
            "seed_docs": seeds, "traditional_docs": trad, "spam_docs": spam,
            "pinyin_glosses": glosses, "mean_doc_chars": round(chars / max(1, len(docs)))}


def write_jsonl(docs: list[Doc], path: Path) -> int:
    """The corpus as ``{"id", "text"}`` lines (the CLI's .jsonl input); returns bytes written."""
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        for d in docs:
            fh.write(json.dumps({"id": d.doc_id, "text": d.text}, ensure_ascii=False))
            fh.write("\n")
    return path.stat().st_size


def write_jsonl_stream(size_mb: float, path: Path, seed: int = DEFAULT_SEED) -> int:
    """Like :func:`write_jsonl` for the first ``size_mb`` MB of text, without holding it all."""
    target = int(size_mb * 1_000_000)
    total = 0
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        for d in iter_corpus(seed):
            fh.write(json.dumps({"id": d.doc_id, "text": d.text}, ensure_ascii=False))
            fh.write("\n")
            total += len(d.text.encode("utf-8"))
            if total >= target:
                break
    return path.stat().st_size


if __name__ == "__main__":  # python bench/corpus.py 10 out.jsonl
    import sys

    size = float(sys.argv[1]) if len(sys.argv) > 1 else 10.0
    docs = build_corpus(size)
    print(json.dumps(stats(docs), ensure_ascii=False))
    if len(sys.argv) > 2:
        write_jsonl(docs, Path(sys.argv[2]))
