"""Each seed's circular regenerated from its table through its ruleset's circular: section alone.

For every seed: each figure and named list its text prints appears in the generated text as the
seed prints it (``SAME``); where the seed's text disagrees with its own table, the generated text
prints the table's value and the seed's wording is absent (``DIFFERS``: seed, generated, why).
Figures the seed prints that no table of the seed holds are listed in ``NOT_IN_TABLES``: the
circular cannot compute them, and the rulesets' comments say so.
"""
from __future__ import annotations

from pathlib import Path

import pytest

import tongbao
from tongbao.report.circular import build_circular, load_circular
from tongbao.report.markdown import to_markdown

ROOT = Path(__file__).resolve().parent.parent

SAME = {
    "tonggu-ganzhengtong": [
        "政务督查\n政务督查第7期\n关于全县赣政通使用情况的督查通报\n各乡（镇）、县政府各部门、县直各单位", "5月10日", "5月1日至5月10日", "2022年5月13日", "铜鼓县人民政府办公室",
        "卫健委、城管局、宣传部、烟草公司、带溪卫生院、县委党校、统战部、九江银行、政协办、人大办、住建局、总工会、永宁卫生院、棋坪卫生院；",
        "林业局、工业园区、排埠卫生院、法院、人民银行铜鼓支行、科协、消防救援大队、电信公司、中国银行、中石化铜鼓分公司、高桥卫生院；",
        "活跃率低于50%的单位有：新华书店、人保财险、天燃气公司、移动公司、工商银行、供电公司；",
        "“赣政通”各单位使用情况统计表", "发：各乡（镇）、县政府各部门、县直各单位。",
    ],
    "yanjiang-xinxi-2020q3": [
        "资雁府办发〔2020〕67号", "2020年10月12日", "资阳市雁江区人民政府办公室",
        "各镇人民政府、街道办事处，城东新区管委会，区政府各部门",
        "共考核单位57个", "41个部门单位完成季度报送任务", "16个部门单位未完成季度报送任务",
        "中和镇、东峰镇、宝台镇等12个镇街超额完成报送任务", "等24个部门", "等11个部门",
        "丰裕镇、小院镇、堪嘉镇等5个镇街未完成报送任务", "其中区国土分局报送为“0”",
        "共上报信息1386条", "被区级采用信息81条", "被市级采用信息14条", "被省级采用信息2条",
        "区财政局、区金融工作局等23个部门", "东峰镇", "等13个镇街", "等16个部门", "丰裕镇等5个镇街",
        "等8个部门", "三贤祠街道办事处、小院镇等4个街镇", "等4个镇街得分为“0”",
        "（一）规范报送渠道。", "（二）抓住报送重点。", "（三）提高报送质量。",
        "2020年三季度区级部门政务信息报送统计表", "2020年三季度镇、街道政务信息采用统计表",
    ],
    "jiujiang-wangzhan-2022q2": [
        "2022年第二季度全市政府网站与政务新媒体抽查整改情况通报", "各县（市、区）人民政府，市政府各部门",
        "（一）政府网站检查情况。共抽查政府网站57家，抽查比例100%，整改后合格率96.5%。",
        "（二）政务新媒体抽查情况。共抽查政务新媒体221个，抽查比例100%，整改后合格率100%。",
        "共收到网民留言数368条，回复网民留言数362条，回复率98.4%。", "魅力江洲", "生态西源秀美水乡", "彭泽县环境保护局",
        "16个存在问题的政务新媒体按整改时限完成整改", "全市221个政务新媒体", "1022", "524", "51.3%",
        "市自然资源局", "市文广新旅局", "市住建局", "共青城市",
    ],
    "ganzhou-jiance-2023-08": [
        "赣州市政务公开月报\n第8期\n8月政府网站与政务新媒体监测检查情况", "2023年9月8日", "赣州市政务公开领导小组办公室",
        "检查政府网站58个，其中，4个政府网站存在单项否决问题，检查合格率为93.1%",
        "检查政务新媒体316个，其中，6个政务新媒体缺少有效互动渠道，检查合格率为98.1%",
        "“寻乌县人民政府网”", "【基本情况】", "【存在问题】", "【工作要求】",
    ],
    "ganzhou-gongkai-2022-07": [
        "赣州市政务公开月报\n第6期\n", "2022年8月30日", "截至2022年7月31日", "各县（市、区）589.13万条",
        "市直部门政府信息公开情况", "各县（市、区）政府信息公开情况", "173364", "1452", "5891293", "46372",
    ],
}

DIFFERS = {
    "tonggu-ganzhengtong": [
        ("注册人数 4919 人", "注册人数5001人", "附件表格的注册人数合计为5001"),
        ("激活人数 4879 人", "激活人数4994人", "按各单位激活率推算，合计4994"),
        ("激活率 99.19%", "激活率99.86%", "4994/5001"),
        ("累计活跃用户数4251人", "累计活跃用户数4324人", "按各单位活跃率推算，合计4324"),
        ("累计活跃率86.21%", "累计活跃率86.46%", "4324/5001"),
        ("未实现“当天注册、即时激活”人数共 40 人", "累计激活率未达100%的单位有2个：农业银行、教体局",
         "表格中激活率未达100%的只有农业银行（75%）和教体局（95.83%），没有各单位未激活人数"),
        ("其中活跃率低于90%的单位有：县税务局", "其中活跃率低于90%的单位有：税务局", "表格写“税务局”"),
        ("活跃率低于80%的单位有：大墩卫生院", "活跃率低于80%的单位有：大垵卫生院", "表格写“大垵卫生院”，正文错字"),
        ("活跃率低于20%的单位有：县人民医院", "活跃率低于20%的单位有：人民医院", "表格写“人民医院”"),
    ],
    "yanjiang-xinxi-2020q3": [
        ("区财政局、区金融工作局、区市场监管局等部门", "区财政局、区市场监督管理局、区金融工作局等部门",
         "表格写“区市场监督管理局”；按采用得分排名的前三名"),
        ("东峰镇、迎桥镇、保和镇等街镇", "东峰镇、保和镇、迎接镇等街镇", "表格写“迎接镇”，正文错字；按排名列出"),
        ("区统计局、区市场监管局、区供销社等24个部门", "区统计局、区供销社、区市场监督管理局等24个部门", "按表格顺序列前三个"),
        ("区工管委、区东管委、区公共资源交易中心等11个部门", "区发改局、区信访局、区应急管理局等11个部门",
         "正文挑选的单位不按表格顺序；生成的文字列表格中的前三个"),
        ("区国土分局、区工管委、区东管委等8个部门", "城东新区管委会、区公安分局、区工管委等8个部门", "同上"),
        ("东峰镇、迎接镇等13个镇街", "东峰镇、保和镇等13个镇街", "按表格顺序列前两个"),
        ("区发改局、区自然资源规划局等16个部门", "雁江生态环境局、区水务局等16个部门", "按表格顺序列前两个"),
        ("区国土分局、区工管委、区残联等8个部门", "城东新区管委会、区公安分局、区工管委等8个部门", "按表格顺序列前三个"),
    ],
    "jiujiang-wangzhan-2022q2": [
        ("市财政局、市医保局网站不合格", "九江市医疗保障局、九江市财政局网站不合格", "附件1写全称，按表格顺序"),
        ("市自然资源局、市文广新旅局、市住建局、市市监局、共青城市等",
         "市住建局、共青城市、市市场监管局、市自然资源局、市文广新旅局等", "按信息采用数排名前五；附件3写“市市场监管局”"),
    ],
    "ganzhou-jiance-2023-08": [
        ("如“健康兴国”“法治赣州经开区”“三江微新闻”", "如“健康兴国(微信订阅号)”“法治赣州经开区(微信订阅号)”“三江微新闻(微信订阅号)”",
         "附件表格的名称带账号类型"),
    ],
    "ganzhou-gongkai-2022-07": [
        ("累计主动公开政府信息609.08万条", "累计主动公开政府信息606.47万条", "两张附件表格合计 173364 + 5891293 = 6064657"),
        ("市级19.95万条", "市级17.34万条", "市直部门表格合计173364"),
    ],
}

NOT_IN_TABLES = {
    "tonggu-ganzhengtong": ["县教体局 6 人、县公安局 4 人、排埠镇 19 人…（各单位未激活人数）"],
    "yanjiang-xinxi-2020q3": [],
    "jiujiang-wangzhan-2022q2": ["得分超过100分网站6个，得分90—100分网站5个，得分90分以下的网站2个", "得分靠前的三个网站",
                                 "注销的7个和新增的4个政务新媒体", "纠错平台留言23条，办结23条"],
    "ganzhou-jiance-2023-08": ["网站得分排名靠前的两个网站", "清理政务新媒体598个（注销559个，正在注销39个）",
                               "依申请公开信件62件等信件办理数", "“寻乌县人民政府网”有21个栏目未及时更新"],
    "ganzhou-gongkai-2022-07": ["58个政府网站和921个政务新媒体（微信公众号701个……）", "存在问题的各政务新媒体名称"],
}


def _circular(seed: str) -> tuple[str, str]:
    ruleset = ROOT / "rulesets" / f"{seed}.yaml"
    verdict = tongbao.evaluate(tongbao.load_ruleset(ruleset), ROOT / "examples" / seed).to_dict()
    doc = build_circular(load_circular(ruleset), verdict)  # the period.yaml beside the data
    return doc.text(), to_markdown(doc)


@pytest.mark.parametrize("seed", sorted(SAME))
def test_seed_circular_prints_the_seeds_figures_and_lists(seed: str) -> None:
    text, markdown = _circular(seed)
    missing = [s for s in SAME[seed] if s not in text]
    assert not missing, f"not in the generated {seed} circular: {missing}"
    for printed, ours, why in DIFFERS[seed]:
        assert ours in text, f"{ours!r} ({why}) not in the generated circular"
        assert printed not in text, f"{printed!r} should differ ({why})"
    assert "86.46%" in markdown or seed != "tonggu-ganzhengtong"


def test_every_seed_with_a_table_has_a_golden() -> None:
    evaluable = {p.stem for p in (ROOT / "rulesets").glob("*.yaml")
                 if not p.stem.endswith(".test") and p.stem not in ("national-2019-websites", "demo-county-websites-2024")}
    assert evaluable == set(SAME) == set(DIFFERS) == set(NOT_IN_TABLES)
