"""``tongbao diff``: what changed between two verdicts.

Works on verdict dicts (``Verdict.to_dict()`` or a saved JSON verdict), never on
Verdict objects, so last month's saved verdict can be compared with today's.
Two questions, two functions:

* ``diff_rules``: the same data under two rulesets (a what-if). Which units move
  band, gain or lose a flag, a veto or a notification, change a value or a rank;
  and how every count and figure moves.
* ``diff_periods``: one ruleset over two periods' data. Who improved, who got
  worse, who is named for the first time, named again, or no longer named.

Both return one dict (``kind`` "rules" or "periods") that feeds the JSON output
and ``render_diff`` alike. Parts are matched by id, units by name; unit order is
the later (after) verdict's table order, units it no longer has come last.

One module per concern: rules.py (the what-if), periods.py (two periods), common.py (what both
share: the verdict check, pairing parts and units, counts and figures), render.py (the terminal).
"""
from __future__ import annotations

from .common import DIFF_FORMAT, PERIOD_LABELS, PERIOD_LISTS, VERDICT_FORMAT
from .periods import diff_periods
from .render import render_diff
from .rules import diff_rules

__all__ = ["diff_rules", "diff_periods", "render_diff", "DIFF_FORMAT", "VERDICT_FORMAT", "PERIOD_LISTS", "PERIOD_LABELS"]
