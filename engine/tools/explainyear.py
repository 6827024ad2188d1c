"""What ``tongbao explain`` says about year-to-date values: the earlier periods behind an annual cap
(``year_cap``) and behind each ``year_to_date(x)`` a metric reads (data/yeartodate.py keeps them)."""
from __future__ import annotations

import ast
from typing import Any

from ..rules.formatting import Format, format_value


def year_to_date_trace(r: Any, m: Any, i: int) -> dict[str, Any]:
    """The earlier periods behind a metric's annual cap, and behind each year_to_date(x) it reads."""
    out: dict[str, Any] = {}
    if r.to_date is None:
        return out
    if m.year_cap is not None:
        out["year_cap"] = r.to_date.unit_entry(m.name, i)
    names = [n.args[0].id for n in ast.walk(m.expr.node) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
             and n.func.id == "year_to_date" and n.args and isinstance(n.args[0], ast.Name)]
    if names:
        out["year_to_date"] = [{"id": n, "label": _label(r, n), "earlier": [{"period": p, "value": v} for p, v in
                                r.to_date.before(n)[1][i]], "now": r.display(n, i)} for n in dict.fromkeys(names)]
    return out


def year_to_date_words(m: dict[str, Any], fmt: Format) -> str:
    """；本年以往各期已计 38（2022-01 4、2022-02 4 …），本期算得 4，按全年上限 40 只计 2."""
    words = ""
    cap = m.get("year_cap")
    if cap is not None:
        def show(x: Any) -> str:
            return "—" if x is None else format_value(float(x), fmt)
        listed = "、".join(f"{e['period']} {show(e['value'])}" for e in cap["earlier"])
        earlier = f"本年以往各期已计 {show(cap['earlier_total'])}" + (f"（{listed}）" if listed else "")
        verdict = "全部计入" if cap["value"] == cap["computed"] else f"按全年上限 {show(cap['cap'])} 只计 {show(cap['value'])}"
        words += f"；{earlier}，本期算得 {show(cap['computed'])}，{verdict}"
    for x in m.get("year_to_date", []):
        listed = "、".join(f"{e['period']} {e['value']:g}" for e in x["earlier"]) or "无"
        words += f"；year_to_date({x['id']})：本年以往各期 {listed}，本期 {x['now']}"
    return words


def _label(r: Any, name: str) -> str:
    items = (*r.part.units.fields, *r.part.metrics, *r.part.aggregates())
    return next((str(x.label) for x in items if x.name == name), name)
