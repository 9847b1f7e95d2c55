"""Builds this folder's development gold from the sentences below (composed for unionfacts'
tests, no third-party text): each fact is named by its surface and occurrence, so the offsets
are computed, never typed.  Run ``python tests/data/dev/make_gold.py`` after editing."""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).parent

DOCS: dict[str, str] = {
    "dev_tw_01": (
        "（中央社記者林文華台北26日電）勞動部今天宣布，每月基本工資調升為新台幣2萬8590元，"
        "時薪調為190元，預估約有212萬名勞工受惠。勞動部統計，全年受理勞資爭議案件2萬3千件，"
        "調解成立率達55.6%。行政院另將編列15億元，補助中小企業調薪，每家最高補助50萬元。\n"),
    "dev_hk_01": (
        "（香港商報訊）香港特區政府勞工處表示，法定最低工資將由每小時40港元上調至42.1港元，"
        "約有2.8萬名僱員受惠。勞工處全年共舉辦招聘會36場，提供職位1.2萬個。"
        "另外，政府向每名合資格人士發放5000元津貼，總開支約為18億元。\n"),
    "dev_mo_01": (
        "（澳門日報訊）澳門特區政府繼續推行現金分享計劃，每名永久性居民獲發10000澳門元，"
        "非永久性居民獲發6000元。勞工事務局表示，全年協助1,520名本地居民就業，"
        "並向僱主發放就業補貼合共3,200萬葡幣。失業津貼調升至每日210元。\n"),
    "dev_sport_01": (
        "本屆運動會共有來自27國、1200餘名運動員參賽。中國代表團共奪8金5銀3銅，位居獎牌榜首位。"
        "組委會向表現突出的單位頒發了12面錦旗。賽事期間發生一起交通事故，造成3死7傷。\n"),
    "dev_stats_01": (
        "全市地区生产总值增长6.2%，分别高于全省、全国0.8、1.0个百分点。其中，第一产业增加值增长3.1%，"
        "第三产业增加值增长7.4%，规模以上工业增加值增长8.5%。第一产业占比为5.2%。"
        "城镇、农村居民人均可支配收入分别为4.8万元、2.1万元，比上年分别增长5.1%、7.3%。"
        "三次产业协调发展，党的二十大精神深入人心。\n"),
    "dev_union_01": (
        "区总工会划拨专项资金30万元，用于建设5G智慧驿站12个。市总工会为两大展区配备志愿者80名，"
        "五大工会联合发起倡议，三大战役纪念馆免费开放。困难职工每户分别获得慰问金2.1、3.5万元。"
        "据介绍，该企业一线员工月薪一万二，年底奖金八万五，技术岗位月薪在8000到12000元之间。"
        "培训补贴为每人300到500元。\n"),
    "dev_pdf_01": (
        "全年共受理劳动争议案件 25 件，调解成功 19 件，为职工挽回经济损失 86.3 万元。\n"
        "开展法律咨询服务 4820 人次，举办培训班 12 期，参训人员 960 人。\n"
        "全市共有职工书屋 135 家，其中省级示范点 28 家。详见附表 2\n"
        "项目名称及实施单位\n"),
    "dev_measure_01": (
        "市十五届人大常委会审议了能源发展报告。全市新增光伏装机50MW，建成10kV线路86 km，"
        "治理水土流失面积5 km²，建成充电站14座，每车载重2.5t。\n"),
    "dev_subject_01": (
        "全市城镇新增就业15.6万人，比上年增加1.2万人。全市实际使用外资8.6亿美元，同比增长12.4%。"
        "全体居民人均消费支出比上年实际增长6.5%。市总工会投入帮扶资金2300万元，走访慰问困难职工1.5万户。\n"),
    # second batch, written after the first round of fixes and scored blind before the second
    "dev_tw_02": (
        "（中央社記者陳怡君高雄5日電）高雄市勞工局表示，今年度職訓課程共開辦48班，結訓學員1,236人，"
        "就業率達82.5%。市府另提供每人每月新台幣8000元的訓練生活津貼，總經費約3,500萬元。\n"),
    "dev_hk_02": (
        "（明報專訊）香港職工會聯盟調查發現，受訪的1,050名基層僱員中，逾六成月入低於1.5萬元，"
        "平均時薪為HK$62.5。工聯會建議政府向低收入家庭每戶發放3000至5000元生活津貼。\n"),
    "dev_mo_02": (
        "（澳門日報訊）勞工事務局上月共處理勞資糾紛個案215宗，涉及僱員1,380人，追回欠薪約420萬澳門元。"
        "另有43名外地僱員獲發補償，金額合共86萬元。\n"),
    "dev_sport_02": (
        "代表团在本届亚运会上共获得12金8银5铜，另有4国、9市代表团参加了交流活动。"
        "赛后为志愿者颁发了30面锦旗。途中一起事故共致1死3伤。\n"),
    "dev_stats_02": (
        "全年全市规模以上工业企业实现营业收入1,286.4亿元，比上年增长9.3%；实现利润总额86.2亿元，下降2.1%。"
        "城镇调查失业率为4.9%，比上年回落0.3个百分点。第二、三产业增加值分别增长5.6%、7.8%。\n"),
    "dev_pdf_02": (
        "二、主要成效\n（一）全年新建职工之家 46 个，改造提升 18 个。\n"
        "（二）组织劳动技能竞赛 32 场次，参赛职工 1.5 万人次。\n"
        "（三）发放困难职工帮扶资金 512.6 万元，惠及 2368 户。\n表 1 各区县完成情况\n"),
    "dev_measure_02": (
        "项目总装机容量120MW，年发电量约1.8亿kWh，配套建设110kV升压站1座，占地面积32.5 ha，"
        "输电线路全长15.6km。\n"),
    "dev_subject_02": (
        "市人社局联合市总工会举办专场招聘会，提供岗位3200个，达成就业意向860人。"
        "全市企业职工月平均工资达6850元，同比名义增长6.1%，扣除价格因素实际增长4.2%。"
        "区总工会拨付慰问资金45万元，走访困难职工家庭300户。\n"),
    "dev_union_02": (
        "据了解，快递员月薪普遍在六千到八千元，熟练工时薪三十五元，旺季奖金两万五。"
        "每名新入职员工可领取安家补贴1.5万元。\n"),
}

# (doc, surface, occurrence, kind, value, unit, qualifier, subject[, high])
FACTS: list[tuple[str, ...]] = [
    ("dev_tw_01", "新台幣2萬8590元", "0", "money", "28590", "TWD", "exact", "基本工資"),
    ("dev_tw_01", "190元", "0", "money", "190", "TWD", "exact", "時薪"),
    ("dev_tw_01", "212萬名", "0", "count", "2120000", "名", "approx", "勞工"),
    ("dev_tw_01", "2萬3千件", "0", "count", "23000", "件", "exact", "勞資爭議案件"),
    ("dev_tw_01", "55.6%", "0", "percent", "55.6", "%", "exact", "調解成立率"),
    ("dev_tw_01", "15億元", "0", "money", "1500000000", "TWD", "exact", ""),
    ("dev_tw_01", "50萬元", "0", "money", "500000", "TWD", "at_most", "補助"),
    ("dev_hk_01", "40港元", "0", "money", "40", "HKD", "exact", "法定最低工資"),
    ("dev_hk_01", "42.1港元", "0", "money", "42.1", "HKD", "exact", "法定最低工資"),
    ("dev_hk_01", "2.8萬名", "0", "count", "28000", "名", "approx", "僱員"),
    ("dev_hk_01", "36場", "0", "count", "36", "场", "exact", "招聘會"),
    ("dev_hk_01", "1.2萬個", "0", "count", "12000", "个", "exact", "職位"),
    ("dev_hk_01", "5000元", "0", "money", "5000", "HKD", "exact", "津貼"),
    ("dev_hk_01", "18億元", "0", "money", "1800000000", "HKD", "approx", "總開支"),
    ("dev_mo_01", "10000澳門元", "0", "money", "10000", "MOP", "exact", ""),
    ("dev_mo_01", "6000元", "0", "money", "6000", "MOP", "exact", ""),
    ("dev_mo_01", "1,520名", "0", "count", "1520", "名", "exact", "本地居民"),
    ("dev_mo_01", "3,200萬葡幣", "0", "money", "32000000", "MOP", "exact", "就業補貼"),
    ("dev_mo_01", "210元", "0", "money", "210", "MOP", "exact", "失業津貼"),
    ("dev_sport_01", "27國", "0", "count", "27", "国", "exact", ""),
    ("dev_sport_01", "1200餘名", "0", "count", "1200", "名", "at_least", "運動員"),
    ("dev_sport_01", "8金", "0", "count", "8", "金", "exact", ""),
    ("dev_sport_01", "5銀", "0", "count", "5", "银", "exact", ""),
    ("dev_sport_01", "3銅", "0", "count", "3", "铜", "exact", ""),
    ("dev_sport_01", "12面", "0", "count", "12", "面", "exact", "錦旗"),
    ("dev_sport_01", "3死", "0", "count", "3", "死", "exact", ""),
    ("dev_sport_01", "7傷", "0", "count", "7", "伤", "exact", ""),
    ("dev_stats_01", "6.2%", "0", "percent", "6.2", "%", "exact", "地区生产总值增长"),
    ("dev_stats_01", "0.8", "0", "percent", "0.8", "pp", "exact", ""),
    ("dev_stats_01", "1.0个百分点", "0", "percent", "1", "pp", "exact", ""),
    ("dev_stats_01", "3.1%", "0", "percent", "3.1", "%", "exact", "第一产业增加值增长"),
    ("dev_stats_01", "7.4%", "0", "percent", "7.4", "%", "exact", "第三产业增加值增长"),
    ("dev_stats_01", "8.5%", "0", "percent", "8.5", "%", "exact", "规模以上工业增加值增长"),
    ("dev_stats_01", "5.2%", "0", "percent", "5.2", "%", "exact", "第一产业占比"),
    ("dev_stats_01", "4.8万元", "0", "money", "48000", "CNY", "exact", "城镇居民人均可支配收入"),
    ("dev_stats_01", "2.1万元", "0", "money", "21000", "CNY", "exact", "农村居民人均可支配收入"),
    ("dev_stats_01", "5.1%", "0", "percent", "5.1", "%", "exact", "城镇居民人均可支配收入"),
    ("dev_stats_01", "7.3%", "0", "percent", "7.3", "%", "exact", "农村居民人均可支配收入"),
    ("dev_union_01", "30万元", "0", "money", "300000", "CNY", "exact", "专项资金"),
    ("dev_union_01", "12个", "0", "count", "12", "个", "exact", "5G智慧驿站"),
    ("dev_union_01", "两大", "0", "count", "2", "大", "exact", "展区"),
    ("dev_union_01", "80名", "0", "count", "80", "名", "exact", "志愿者"),
    ("dev_union_01", "五大", "0", "count", "5", "大", "exact", "工会"),
    ("dev_union_01", "2.1", "0", "money", "21000", "CNY", "exact", "慰问金"),
    ("dev_union_01", "3.5万元", "0", "money", "35000", "CNY", "exact", "慰问金"),
    ("dev_union_01", "一万二", "0", "money", "12000", "CNY", "exact", "月薪"),
    ("dev_union_01", "八万五", "0", "money", "85000", "CNY", "exact", "奖金"),
    ("dev_union_01", "8000到12000元", "0", "money", "8000", "CNY", "range", "月薪", "12000"),
    ("dev_union_01", "300到500元", "0", "money", "300", "CNY", "range", "培训补贴", "500"),
    ("dev_pdf_01", "25 件", "0", "count", "25", "件", "exact", "劳动争议案件"),
    ("dev_pdf_01", "19 件", "0", "count", "19", "件", "exact", ""),
    ("dev_pdf_01", "86.3 万元", "0", "money", "863000", "CNY", "exact", "经济损失"),
    ("dev_pdf_01", "4820 人次", "0", "count", "4820", "人次", "exact", "法律咨询服务"),
    ("dev_pdf_01", "12 期", "0", "count", "12", "期", "exact", "培训班"),
    ("dev_pdf_01", "960 人", "0", "count", "960", "人", "exact", "参训人员"),
    ("dev_pdf_01", "135 家", "0", "count", "135", "家", "exact", "职工书屋"),
    ("dev_pdf_01", "28 家", "0", "count", "28", "家", "exact", "省级示范点"),
    ("dev_measure_01", "50MW", "0", "measure", "50", "MW", "exact", "光伏装机"),
    ("dev_measure_01", "10kV", "0", "measure", "10", "kV", "exact", ""),
    ("dev_measure_01", "86 km", "0", "measure", "86", "km", "exact", "线路"),
    ("dev_measure_01", "5 km²", "0", "measure", "5", "km2", "exact", "水土流失面积"),
    ("dev_measure_01", "14座", "0", "count", "14", "座", "exact", "充电站"),
    ("dev_measure_01", "2.5t", "0", "measure", "2.5", "t", "exact", "载重"),
    ("dev_subject_01", "15.6万人", "0", "count", "156000", "人", "exact", "城镇新增就业"),
    ("dev_subject_01", "1.2万人", "0", "count", "12000", "人", "exact", "城镇新增就业"),
    ("dev_subject_01", "8.6亿美元", "0", "money", "860000000", "USD", "exact", "外资"),
    ("dev_subject_01", "12.4%", "0", "percent", "12.4", "%", "exact", "外资"),
    ("dev_subject_01", "6.5%", "0", "percent", "6.5", "%", "exact", "全体居民人均消费支出"),
    ("dev_subject_01", "2300万元", "0", "money", "23000000", "CNY", "exact", "帮扶资金"),
    ("dev_subject_01", "1.5万户", "0", "count", "15000", "户", "exact", "困难职工"),
    # second batch
    ("dev_tw_02", "48班", "0", "count", "48", "班", "exact", "職訓課程"),
    ("dev_tw_02", "1,236人", "0", "count", "1236", "人", "exact", "結訓學員"),
    ("dev_tw_02", "82.5%", "0", "percent", "82.5", "%", "exact", "就業率"),
    ("dev_tw_02", "新台幣8000元", "0", "money", "8000", "TWD", "exact", "訓練生活津貼"),
    ("dev_tw_02", "3,500萬元", "0", "money", "35000000", "TWD", "approx", "總經費"),
    ("dev_hk_02", "1,050名", "0", "count", "1050", "名", "exact", "基層僱員"),
    ("dev_hk_02", "六成", "0", "percent", "60", "%", "at_least", ""),
    ("dev_hk_02", "1.5萬元", "0", "money", "15000", "HKD", "at_most", "月入"),
    ("dev_hk_02", "HK$62.5", "0", "money", "62.5", "HKD", "exact", "平均時薪"),
    ("dev_hk_02", "3000至5000元", "0", "money", "3000", "HKD", "range", "生活津貼", "5000"),
    ("dev_mo_02", "215宗", "0", "count", "215", "宗", "exact", "勞資糾紛個案"),
    ("dev_mo_02", "1,380人", "0", "count", "1380", "人", "exact", "僱員"),
    ("dev_mo_02", "420萬澳門元", "0", "money", "4200000", "MOP", "approx", "欠薪"),
    ("dev_mo_02", "43名", "0", "count", "43", "名", "exact", "外地僱員"),
    ("dev_mo_02", "86萬元", "0", "money", "860000", "MOP", "exact", "金額"),
    ("dev_sport_02", "12金", "0", "count", "12", "金", "exact", ""),
    ("dev_sport_02", "8银", "0", "count", "8", "银", "exact", ""),
    ("dev_sport_02", "5铜", "0", "count", "5", "铜", "exact", ""),
    ("dev_sport_02", "4国", "0", "count", "4", "国", "exact", ""),
    ("dev_sport_02", "9市", "0", "count", "9", "市", "exact", ""),
    ("dev_sport_02", "30面", "0", "count", "30", "面", "exact", "锦旗"),
    ("dev_sport_02", "1死", "0", "count", "1", "死", "exact", ""),
    ("dev_sport_02", "3伤", "0", "count", "3", "伤", "exact", ""),
    ("dev_stats_02", "1,286.4亿元", "0", "money", "128640000000", "CNY", "exact", "营业收入"),
    ("dev_stats_02", "9.3%", "0", "percent", "9.3", "%", "exact", "营业收入"),
    ("dev_stats_02", "86.2亿元", "0", "money", "8620000000", "CNY", "exact", "利润总额"),
    ("dev_stats_02", "2.1%", "0", "percent", "2.1", "%", "exact", "利润总额"),
    ("dev_stats_02", "4.9%", "0", "percent", "4.9", "%", "exact", "城镇调查失业率"),
    ("dev_stats_02", "0.3个百分点", "0", "percent", "0.3", "pp", "exact", "城镇调查失业率"),
    ("dev_stats_02", "5.6%", "0", "percent", "5.6", "%", "exact", "第二产业增加值增长"),
    ("dev_stats_02", "7.8%", "0", "percent", "7.8", "%", "exact", "第三产业增加值增长"),
    ("dev_pdf_02", "46 个", "0", "count", "46", "个", "exact", "职工之家"),
    ("dev_pdf_02", "18 个", "0", "count", "18", "个", "exact", ""),
    ("dev_pdf_02", "32 场次", "0", "count", "32", "场次", "exact", "劳动技能竞赛"),
    ("dev_pdf_02", "1.5 万人次", "0", "count", "15000", "人次", "exact", "参赛职工"),
    ("dev_pdf_02", "512.6 万元", "0", "money", "5126000", "CNY", "exact", "困难职工帮扶资金"),
    ("dev_pdf_02", "2368 户", "0", "count", "2368", "户", "exact", ""),
    ("dev_measure_02", "120MW", "0", "measure", "120", "MW", "exact", "总装机容量"),
    ("dev_measure_02", "1.8亿kWh", "0", "measure", "180000000", "kWh", "approx", "年发电量"),
    ("dev_measure_02", "110kV", "0", "measure", "110", "kV", "exact", ""),
    ("dev_measure_02", "1座", "0", "count", "1", "座", "exact", "升压站"),
    ("dev_measure_02", "32.5 ha", "0", "measure", "32.5", "ha", "exact", "占地面积"),
    ("dev_measure_02", "15.6km", "0", "measure", "15.6", "km", "exact", "输电线路"),
    ("dev_subject_02", "3200个", "0", "count", "3200", "个", "exact", "岗位"),
    ("dev_subject_02", "860人", "0", "count", "860", "人", "exact", "就业意向"),
    ("dev_subject_02", "6850元", "0", "money", "6850", "CNY", "exact", "企业职工月平均工资"),
    ("dev_subject_02", "6.1%", "0", "percent", "6.1", "%", "exact", "企业职工月平均工资"),
    ("dev_subject_02", "4.2%", "0", "percent", "4.2", "%", "exact", "企业职工月平均工资"),
    ("dev_subject_02", "45万元", "0", "money", "450000", "CNY", "exact", "慰问资金"),
    ("dev_subject_02", "300户", "0", "count", "300", "户", "exact", "困难职工家庭"),
    ("dev_union_02", "六千到八千元", "0", "money", "6000", "CNY", "range", "月薪", "8000"),
    ("dev_union_02", "三十五元", "0", "money", "35", "CNY", "exact", "时薪"),
    ("dev_union_02", "两万五", "0", "money", "25000", "CNY", "exact", "奖金"),
    ("dev_union_02", "1.5万元", "0", "money", "15000", "CNY", "exact", "安家补贴"),
]


def main() -> None:
    lines = []
    for doc, text in DOCS.items():
        (HERE / f"{doc}.txt").write_text(text, encoding="utf-8")
    for doc, surface, occ, kind, value, unit, qual, subject, *high in FACTS:
        raw = DOCS[doc]
        start = -1
        for _ in range(int(occ) + 1):
            start = raw.index(surface, start + 1)
        fact = {"doc": doc, "start": start, "end": start + len(surface), "text": surface,
                "kind": kind, "value": value, "unit": unit, "qualifier": qual, "subject": subject}
        if high:
            fact["high"] = high[0]
        lines.append(fact)
    lines.sort(key=lambda f: (f["doc"], f["start"]))
    with open(HERE / "gold.jsonl", "w", encoding="utf-8") as out:
        for f in lines:
            out.write(json.dumps(f, ensure_ascii=False) + "\n")
    print(f"{len(lines)} facts in {len(DOCS)} documents")


if __name__ == "__main__":
    main()
