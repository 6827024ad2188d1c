"""Step 2: the unit tables and records a ruleset reads, as typed columns.

csvfile (encodings, strict CSV) → tables (typed columns with blank and not-applicable masks) →
inputs (a file, a folder or in-memory rows, matched to the ruleset's tables); dates (date and
working-day functions over columns); history (earlier periods' verdicts).
"""
