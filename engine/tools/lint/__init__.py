"""``tongbao lint``: problems in a loaded ruleset that a schema cannot see.

Loading already refuses what is wrong (unknown names, bands in an order where one
can never match). Lint reports what is legal but probably not meant: values that
fall in no band, names nobody reads, a circular's 90% written as 90. Each check
is a generator of findings; a finding has a stable code, a dotted name, a place
and a message with a fix, in Chinese for the administrators who write rulesets.

========  =================================  =======  ============================================
code      name                               level    what it finds
========  =================================  =======  ============================================
TB-L001   bands.gap                          warning  values no band catches: no ``otherwise`` and
                                                      the last line stops short of what the metric
                                                      can be (load refuses mixed directions, so a
                                                      gap sits at the far end)
TB-L002   bands.shadowed                     warning  a band whose every value an earlier band
                                                      takes: load refuses the plain case, left are
                                                      a fact's line and whole numbers
                                                      (``at_most: 0`` then ``below: 1``)
TB-L003   bands.unreachable                  warning  a band outside what the metric can be (a
                                                      field's min/max; a count is ≥ 0)
TB-L004   unused.fact                        warning  a fact nothing reads; facts inherited from a
                                                      base are its shared library: not reported
TB-L005   unused.field                       warning  a field nothing reads: its column is still
                                                      required and checked
TB-L006   unused.metric                      warning  a metric or per-unit figure nothing reads
TB-L007   notifications.never                warning  a notification whose bands are all dead and
                                                      whose flags are all constant-false
TB-L008   bands.not_notified                 info     a band of severity ≥ 2 no notification or
                                                      escalation names
TB-L009   facts.groups_unexplained           warning  a fact with per-group values but no source or
                                                      description saying why
TB-L010   percent.threshold_not_percent      warning  a line over 1 written without % on a rate
TB-L011   percent.bound_not_percent          warning  a percent field's min/max over 1 without %
TB-L012   bands.text_contradicts             warning  a band's label or short names a line that is
                                                      not its own (tools/bandtext.py)
TB-L013   groups.field_not_in_file       warning  a metric, flag, veto or ranking key reads a
                                                      field some groups' files lack (不适用 there)
                                                      and does not name ``group``
========  =================================  =======  ============================================

Not reported: a missing value (a blank read as missing, a rate over zero) lands
in no band even past ``otherwise``. That is the engine's meaning of "no value",
and the report lists such units as unbanded.

Places: a finding points at the exact key when the ruleset's files on disk are
still the ones loaded (their sha256 match); otherwise at the nearest compiled
item that keeps its ``where`` (a band's tier), or at the file alone.

The checks live one family to a module beside this one (bands, unused, notifications, facts,
percent, groups); findings.py holds the codes and the shared context, spans.py the band analysis,
render.py the terminal lines. A new check is a generator in its family's module, added to CHECKS.
"""
from __future__ import annotations

from itertools import chain
from typing import Callable, Iterator

from ...rules.model import Ruleset
from .bands import check_band_texts, check_gaps, check_unreachable_bands
from .facts import check_group_facts
from .groups import check_group_only_fields
from .findings import CODES, INFO, WARNING, Finding, _Context
from .notifications import check_dead_notifications, check_unnotified_bands
from .percent import check_percent_bounds, check_percent_thresholds
from .render import render_lint
from .spans import _Metric, _scan_once, _Span  # noqa: F401  (tests/test_lint.py drives the band scan directly)
from .unused import check_unused

__all__ = ["lint", "CHECKS", "CODES", "Finding", "render_lint", "WARNING", "INFO"]

def lint(ruleset: Ruleset) -> list[Finding]:
    """Every check's findings, the ruleset's own file first, then by line."""
    ctx = _Context(ruleset)
    found = chain.from_iterable(check(ctx) for check in CHECKS)
    return sorted(found, key=lambda f: (f.file != ruleset.file, f.file, f.line or 0, f.column or 0, f.code))


CHECKS: tuple[Callable[[_Context], Iterator[Finding]], ...] = (
    check_gaps, check_unreachable_bands, check_unused, check_dead_notifications, check_unnotified_bands,
    check_group_facts, check_percent_thresholds, check_percent_bounds, check_band_texts, check_group_only_fields,
)
