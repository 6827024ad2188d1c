"""The terminal form of either diff: tables that fit 80 columns, every cell a Text (names are never markup)."""
from __future__ import annotations

from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ...rules.formatting import MISSING
from ...report.unittable import SEVERITY_STYLE
from .common import HEADER_LABELS, PERIOD_LABELS, PERIOD_LISTS, SIDE_LABELS, UNBANDED, _direction, _tiers_changed


def render_diff(diff: dict[str, Any], console: Console) -> None:
    """Print a diff (either kind) as readable tables that fit 80 columns."""
    _Renderer(diff, console).run()


class _Renderer:
    """Draws either kind of diff; every cell is a Text so brackets in names are never read as markup."""

    def __init__(self, diff: dict[str, Any], console: Console) -> None:
        self.d, self.c = diff, console
        self.kind = diff["kind"]
        self.old, self.new = SIDE_LABELS[self.kind]

    def run(self) -> None:
        self._header()
        for note in self.d["notes"]:
            self.c.print(Text(f"注意：{note}", style="yellow"))
        if self.d["notes"]:
            self.c.print(Text(""))
        if self.kind == "rules":
            self._facts()
        self._figures("全文汇总", self.d["figures"])
        many = len(self.d["parts"]) > 1
        for part in self.d["parts"]:
            if many:
                self.c.print(Text(f"━━ {part['label']} ━━" + ("" if part["changed"] else "（无变化）"), style="bold cyan"))
            self._rules_part(part) if self.kind == "rules" else self._periods_part(part)
        for key, what in (("parts_only_before", f"只在{self.old}中的部分"), ("parts_only_after", f"只在{self.new}中的部分")):
            if self.d[key]:
                self.c.print(Text(f"{what}：" + "、".join(p["label"] or p["id"] for p in self.d[key])))
        if not self.d["changed"]:
            self.c.print(Text("两份判定结果没有差别。", style="green"))

    # ------------------------------------------------------------ header and common tables

    def _header(self) -> None:
        """Which rulesets and which data: a line per side where they differ, one line where they agree."""
        b, a = self.d["before"], self.d["after"]
        title = "规则比较：同一份数据，两套规则" if self.kind == "rules" else "按期比较：同一规则集，两期数据"
        self.c.print(Text(title, style="bold"))
        lines = (("规则集", "ruleset", _ruleset_line), ("考核期", "period", _plain), ("数据", "input", _input_line))
        for what, key, show in lines:
            if b[key] == a[key]:
                self.c.print(Text(f"  {what}：{show(a[key])}", style="dim"))
            else:
                old, new = HEADER_LABELS[self.kind][key]
                self.c.print(Text(f"  {old}：{show(b[key])}", style="dim"))
                self.c.print(Text(f"  {new}：{show(a[key])}", style="dim"))
        self.c.print(Text(""))

    def _facts(self) -> None:
        if not self.d["facts"]:
            return
        table = self._table("改动的事实值", ("事实", self.old, self.new))
        for f in self.d["facts"]:
            table.add_row(Text(f["label"] or f["id"]), Text(_plain(f["before"])), Text(_plain(f["after"])))
        self._show(table)

    def _figures(self, title: str, figures: list[dict[str, Any]]) -> None:
        changed = [f for f in figures if f["changed"]]
        if not changed:
            return
        table = self._table(title, ("项目", self.old, self.new))
        for f in changed:
            table.add_row(Text(f["label"]), Text(_display(f["before"])), Text(_display(f["after"])))
            for g, v in f.get("groups", {}).items():
                if v["before"] != v["after"]:
                    table.add_row(Text(f"  {self.groups.get(g, g)}"), Text(_display(v["before"])), Text(_display(v["after"])))
        self._show(table)

    def _counts(self, part: dict[str, Any]) -> None:
        """Band counts of every tier that moved; then flags, vetoes and notifications whose count moved."""
        for tier in part["tiers"]:
            if not _tiers_changed([tier]):
                continue
            table = self._table(tier["label"], ("档次", self.old, self.new, "增减"))
            for band in tier["bands"]:
                table.add_row(_band_cell(band), *_count_cells(band, band["severity"]))
            if tier["unbanded"]["before"] or tier["unbanded"]["after"]:
                table.add_row(Text(UNBANDED), *_count_cells(tier["unbanded"], 1))
            self._show(table)
        rows = [(r["label"], r, r.get("severity", 2)) for r in part["flags"] if r["before"] != r["after"]]
        rows += [(r["label"], r, 3) for r in part["vetoes"] if r["before"] != r["after"]]
        rows += [(f"{r['action']}：{r['label']}", r, 2) for r in part["notifications"] if r["before"] != r["after"]]
        rows += [(f"{r['action']}：{r['label']}", r, 3) for r in part["escalations"] if r["before"] != r["after"]]
        if rows:
            table = self._table("名单人数", ("项目", self.old, self.new, "增减"))
            for label, row, severity in rows:
                table.add_row(Text(label, style=_severity_style(severity)), *_count_cells(row, severity))
            self._show(table)

    def _show(self, table: Table) -> None:
        self.c.print(table)
        self.c.print(Text(""))

    def _table(self, title: str, headers: tuple[str, ...], wrap_last: bool = False) -> Table:
        table = Table(title=title, title_justify="left", title_style="bold", box=box.SIMPLE_HEAD, show_edge=False,
                      pad_edge=False, collapse_padding=True)
        for i, head in enumerate(headers):
            table.add_column(head, justify="left" if i == 0 or wrap_last else "right",
                             no_wrap=not (wrap_last and i > 0), ratio=1 if wrap_last and i > 0 else None)
        return table

    @property
    def groups(self) -> dict[str, str]:
        return {g: label for p in self.d["parts"] for g, label in p["groups"].items()}

    def _unit_name(self, part: dict[str, Any], unit: dict[str, Any]) -> Text:
        group = part["groups"].get(unit["group"]) if unit.get("group") else None
        return Text(unit["name"] + (f"\n（{group}）" if group else ""))

    # ------------------------------------------------------------ rules

    def _rules_part(self, part: dict[str, Any]) -> None:
        self._counts(part)
        self._figures("汇总", part["figures"])
        top = part["top"]
        if top and (top["gained"] or top["lost"]):
            self.c.print(Text(top["label"], style="bold green"))
            for key, what in (("gained", "新进入"), ("lost", "退出")):
                if top[key]:
                    self.c.print(Text(f"  {what}：" + "、".join(top[key])))
            self.c.print(Text(""))
        if part["units"]:
            table = self._table(f"有变化的{part['unit_label']}（{len(part['units'])}个）", (part["unit_label"], "变化"), wrap_last=True)
            for unit in part["units"]:
                table.add_row(self._unit_name(part, unit), _rules_changes(unit, self.old, self.new))
            self._show(table)

    # ------------------------------------------------------------ periods

    def _periods_part(self, part: dict[str, Any]) -> None:
        counts = part["counts"]
        items = [f"{PERIOD_LABELS[k]} {counts[k]} 个" for k in PERIOD_LISTS]
        for i in range(0, len(items), 4):  # four to a line, so no count is split from its label at 80 columns
            self.c.print(Text("；".join(items[i:i + 4])))
        self.c.print(Text(""))
        self._counts(part)
        self._figures("汇总", part["figures"])
        by_name = {u["name"]: u for u in part["units"]}
        for key in PERIOD_LISTS:
            if not part[key]:
                continue
            table = self._table(f"{PERIOD_LABELS[key]}（{len(part[key])}个）", (part["unit_label"], self.old, self.new), wrap_last=True)
            for name in part[key]:
                unit = by_name[name]
                table.add_row(self._unit_name(part, unit), *_period_cells(unit))
            self._show(table)


def _rules_changes(unit: dict[str, Any], old: str, new: str) -> Text:
    """One unit's changes, one per line: bands, flags, vetoes, notifications, rank, values."""
    if unit["presence"] != "both":
        return Text(f"只在{old if unit['presence'] == 'only_before' else new}中出现")
    lines = [f"{m['label']}：{m['from_short']} → {m['to_short']}（{_values(m)}）" for m in unit["bands"]]
    for key, what in (("flags", "标记"), ("vetoes", "否决")):
        lines += [f"新增{what}：{x['label']}" for x in unit[key]["gained"]]
        lines += [f"去掉{what}：{x['label']}" for x in unit[key]["lost"]]
    for n in (unit["notifications"], unit["escalations"]):
        lines += [f"新增{x['action']}：{x['label']}" for x in n["gained"]]
        lines += [f"不再{x['action']}：{x['label']}" for x in n["lost"]]
        lines += [f"{x['action']}的措辞改变：{x['after']}" for x in n["reworded"]]
    if unit["rank"]:
        lines.append(f"排名：{_plain(unit['rank']['before'])} → {_plain(unit['rank']['after'])}")
    lines += [f"{v['label']}：{v['before_display']} → {v['after_display']}" for v in unit["values"]]
    return Text("\n".join(lines))


def _period_cells(unit: dict[str, Any]) -> tuple[Text, Text]:
    absent = Text("（无此单位）", style="dim")
    before = absent if "appeared" in unit["lists"] else _period_side(unit, "before")
    after = absent if "disappeared" in unit["lists"] else _period_side(unit, "after")
    return before, after


def _period_side(unit: dict[str, Any], side: str) -> Text:
    many = len(unit["tiers"]) > 1
    short, value, severity = ("from_short", "value_before", "from_severity") if side == "before" else ("to_short", "value_after", "to_severity")
    out = Text()
    for t in unit["tiers"]:
        if out:
            out.append("\n")
        out.append((f"{t['label']} " if many else "") + f"{t[short]}（{t[value]}）", style=_severity_style(t[severity]))
        if t["from"] != t["to"] and side == "after":
            out.append({"improved": "，好转", "worsened": "，变差"}.get(_direction([t]) or "", ""))
    actions = unit["actions_before" if side == "before" else "actions_after"]
    if actions:
        if out:
            out.append("\n")
        out.append("、".join(actions), style="yellow")
    if not out:
        out.append("被点名" if unit["named_before" if side == "before" else "named_after"] else "未被点名")
    return out


def _ruleset_line(r: dict[str, Any]) -> str:
    return f"{r['id']} 版本 {r['version']}（sha256 {(r['sha256'] or '')[:12]}）"


def _input_line(i: dict[str, Any]) -> str:
    files = [f for f in i["files"] if f]
    # A folder of several tables would wrap the line: name the first and count the rest.
    names = "、".join(files) if len(files) <= 2 else f"{files[0]} 等 {len(files)} 个文件"
    return f"{names}（sha256 {(i['sha256'] or '')[:12]}）"


def _values(move: dict[str, Any]) -> str:
    same = move["value_before"] == move["value_after"]
    return move["value_after"] if same else f"{move['value_before']} → {move['value_after']}"


def _band_cell(band: dict[str, Any]) -> Text:
    text = Text(band["label"], style=_severity_style(band["severity"]))
    if band["rule_before"] != band["rule_after"]:
        text.append(f"\n  {_plain(band['rule_before'])} → {_plain(band['rule_after'])}", style="dim")
    return text


def _count_cells(row: dict[str, Any], severity: int | None) -> tuple[Text, Text, Text]:
    before, after = row["before"], row["after"]
    if before is None or after is None or before == after:
        delta = Text("" if before == after else "—")
    else:
        delta = Text(f"{after - before:+d}", style="bold" if severity else "")
    return Text(_plain(before)), Text(_plain(after)), delta


def _severity_style(severity: int | None) -> str:
    return SEVERITY_STYLE.get(severity or 0, "")


def _display(value: dict[str, Any] | None) -> str:
    return MISSING if value is None else (value["display"] or MISSING)


def _plain(value: Any) -> str:
    return MISSING if value is None else str(value)
