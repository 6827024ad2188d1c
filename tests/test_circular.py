"""The circular's text model, its template language and its sandbox, and `tongbao circular` on bad input."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import tongbao
from tongbao.errors import RulesetError
from tongbao.report.circular import build_circular, load_circular, period_of
from tongbao.report.markdown import to_markdown
from tongbao.report.templating import chinese_date, chinese_number, etc, percent, wan

ROOT = Path(__file__).resolve().parent.parent
TONGGU = ROOT / "rulesets" / "tonggu-ganzhengtong.yaml"
TONGGU_DATA = ROOT / "examples" / "tonggu-ganzhengtong"


def _tonggu_with(tmp_path: Path, circular_yaml: str) -> Path:
    """The Tonggu ruleset with its circular: section replaced."""
    text = TONGGU.read_text(encoding="utf-8")
    head = text[: text.index("\ncircular:")]
    path = tmp_path / "tonggu.yaml"
    path.write_text(head + "\ncircular:\n" + circular_yaml, encoding="utf-8")
    return path


def _render(ruleset: Path, period: dict | None = None) -> str:
    verdict = tongbao.evaluate(tongbao.load_ruleset(ruleset), TONGGU_DATA).to_dict()
    return build_circular(load_circular(ruleset), verdict, period).text()


# ------------------------------------------------------------ the conventions, as filters


def test_chinese_conventions() -> None:
    assert [chinese_number(n) for n in (1, 4, 10, 11, 20, 23, 99)] == ["一", "四", "十", "十一", "二十", "二十三", "九十九"]
    assert chinese_date("2022-05-13") == "2022年5月13日"
    assert chinese_date("2023/8/2", year=False) == "8月2日"
    members = {"count": 23, "units": ["区财政局", "区金融工作局", "区医保局"]}
    assert etc(members, 2, "个部门") == "区财政局、区金融工作局等23个部门"
    assert percent(0.9919) == "99.19%" and percent(0.965, 1) == "96.5%" and percent(1.0, 1, trim=True) == "100%"
    assert percent(0.125, 1) == "12.5%" and percent(0.00125, 2) == "0.13%"  # half up, as clerks round
    assert wan(6064657) == "606.47万" and wan(195000, 2) == "19.50万"


def test_numbering_headings_and_items(tmp_path: Path) -> None:
    path = _tonggu_with(tmp_path, """
  sections:
    - heading: 甲
      paragraphs: [{heading: 子一。, text: 正文一}, {heading: 子二。, text: 正文二}]
    - heading: 乙
      items: "1."
      paragraphs: [{heading: 条一。, text: 正文}, 单独一段]
""")
    text = _render(path)
    assert "一、甲\n（一）子一。正文一\n（二）子二。正文二\n二、乙\n1. 条一。正文\n单独一段" in text


def test_period_facts_fill_number_date_issuer(tmp_path: Path) -> None:
    period = {"number": "铜政办字〔2022〕12号", "date": "2022-05-13", "issuer": "铜鼓县人民政府办公室",
              "recipients": "各乡（镇）人民政府，县直各单位"}
    text = _render(TONGGU, period)
    for part in ("铜政办字〔2022〕12号", "2022年5月13日", "各乡（镇）人民政府，县直各单位", "铜鼓县人民政府办公室"):
        assert part in text


def test_period_file_beside_the_data_fills_the_header(cli, tmp_path: Path) -> None:
    out = tmp_path / "通报.md"
    assert cli.run("circular", TONGGU, TONGGU_DATA, "-o", out).returncode == 0
    text = out.read_text(encoding="utf-8")
    for part in ("政务督查", "政务督查第7期", "各乡（镇）、县政府各部门、县直各单位：", "2022年5月13日", "5月1日至5月10日"):
        assert part in text
    assert period_of({"period": {"id": "2022-06"}}, "2022-07") == {"id": "2022-06"}  # the verdict's own period wins
    assert period_of({}, "2022-07") == {"id": "2022-07"}

def test_period_file_elsewhere_is_read_with_period_file_and_never_overwritten(cli, tmp_path: Path) -> None:
    """``circular --period-file`` reads the period from another folder, as evaluate and explain do; and,
    being an input, it cannot be the output."""
    data = tmp_path / "units.csv"
    shutil.copy(TONGGU_DATA / "units.csv", data)  # alone in its folder: no period.yaml beside it
    period = tmp_path / "periods" / "2022-05.yaml"
    period.parent.mkdir()
    shutil.copy(TONGGU_DATA / "period.yaml", period)
    out = tmp_path / "通报.md"
    assert cli.run("circular", TONGGU, data, "-o", out).returncode == 0
    assert "政务督查第7期" not in out.read_text(encoding="utf-8")
    assert cli.run("circular", TONGGU, data, "--period-file", period, "-o", out).returncode == 0
    assert "政务督查第7期" in out.read_text(encoding="utf-8") and "2022年5月13日" in out.read_text(encoding="utf-8")
    odd = period.with_suffix(".md")  # the file's name is free; only an output ending .md or .docx gets this far
    shutil.copy(period, odd)
    cli.fail("circular", TONGGU, data, "--period-file", odd, "-o", odd, inputs=(odd, data), contains=("不能是输入文件",))


def test_annex_is_one_row_per_unit_in_table_order() -> None:
    verdict = tongbao.evaluate(tongbao.load_ruleset(TONGGU), TONGGU_DATA).to_dict()
    doc = build_circular(load_circular(TONGGU), verdict, {})
    (annex,) = doc.annexes
    assert annex.header == ["序号", "单位", "累计注册人数", "累计激活率", "活跃率", "活跃工作群数"]
    assert [r[1] for r in annex.rows] == [u["name"] for u in verdict["parts"][0]["units"]]
    assert annex.rows[16] == ["17", "农业银行", "3", "75.00%", "100.00%", "0"]
    assert doc.attachments == ["附件：“赣政通”各单位使用情况统计表"]


def test_markdown_escapes_names_and_keeps_figures() -> None:
    verdict = tongbao.evaluate(tongbao.load_ruleset(TONGGU), TONGGU_DATA).to_dict()
    verdict["parts"][0]["units"][0]["name"] = "县委办|*x*"
    md = to_markdown(build_circular(load_circular(TONGGU), verdict, {}))
    assert "| 1 | 县委办\\|\\*x\\* |" in md
    assert "# 关于全县赣政通使用情况的督查通报" in md and "累计活跃率86.46%" in md


# ------------------------------------------------------------ the sandbox


@pytest.mark.parametrize("template", [
    "{{ ruleset.__class__ }}",                      # attribute walk to Python objects
    "{{ ruleset.items() }}",                        # dict methods are attributes too
    "{{ ''.join(['a']) }}",                         # string methods
    "{{ cycler }}",                                 # Jinja's default globals are gone
    "{{ figures.no_such_figure }}",                 # a typo is an error, not an empty string
    "{% include 'rulesets/tonggu-ganzhengtong.yaml' %}",  # no file access
    "{% import 'os' as os %}",
])
def test_templates_reach_only_verdict_items(tmp_path: Path, template: str) -> None:
    path = _tonggu_with(tmp_path, f'  opening: "{template}"\n')
    with pytest.raises(RulesetError) as info:
        _render(path)
    message = str(info.value)
    assert "circular.opening" in message and f"{path}:" in message and "通报模板无法生成" in message


def test_output_is_bounded(tmp_path: Path) -> None:
    path = _tonggu_with(tmp_path, """  opening: "{% for i in range(100000) %}{% for j in range(100000) %}很长的一句话{% endfor %}{% endfor %}"\n""")
    with pytest.raises(RulesetError, match="超过 2000000 个字符"):
        _render(path)


def test_syntax_errors_are_found_at_load_with_their_line(tmp_path: Path) -> None:
    path = _tonggu_with(tmp_path, """  title: 标题
  sections:
    - heading: "{{ figures.registered_total "
""")
    with pytest.raises(RulesetError) as info:
        load_circular(path)
    problem = info.value.problems[0]
    assert problem.path == "circular.sections[0].heading" and problem.line is not None
    assert "模板写法有误" in problem.message


def test_unknown_key_in_circular_is_a_schema_error(tmp_path: Path) -> None:
    path = _tonggu_with(tmp_path, "  titel: 标题\n")
    with pytest.raises(RulesetError, match="titel"):
        tongbao.load_ruleset(path)


# ------------------------------------------------------------ the command on bad input


def test_ruleset_without_circular_section(cli, tmp_path: Path) -> None:
    text = TONGGU.read_text(encoding="utf-8")
    path = tmp_path / "r.yaml"
    path.write_text(text[: text.index("\ncircular:")], encoding="utf-8")
    out = tmp_path / "通报.md"
    cli.fail("circular", path, TONGGU_DATA, "-o", out, out=out, inputs=(path,), contains=("circular:", "docs/rulesets.md"))


def test_unknown_output_suffix(cli, tmp_path: Path) -> None:
    out = tmp_path / "通报.pdf"
    cli.fail("circular", TONGGU, TONGGU_DATA, "-o", out, out=out, contains=(".docx", ".md"))


def test_template_error_leaves_no_file(cli, tmp_path: Path) -> None:
    path = _tonggu_with(tmp_path, '  opening: "{{ figures.nope }}"\n')
    out = tmp_path / "通报.docx"
    cli.fail("circular", path, TONGGU_DATA, "-o", out, out=out, inputs=(path,), contains=("circular.opening", "nope"))


def test_circular_command_writes_markdown_and_docx(cli, tmp_path: Path) -> None:
    for name in ("通报.md", "通报.docx"):
        res = cli.run("circular", TONGGU, TONGGU_DATA, "-o", tmp_path / name)
        assert res.returncode == 0, res.stderr
    assert "累计活跃率86.46%" in (tmp_path / "通报.md").read_text(encoding="utf-8")
    assert (tmp_path / "通报.docx").read_bytes()[:2] == b"PK"
