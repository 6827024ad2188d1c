"""Step 1 of the pipeline: a ruleset file becomes a typed, immutable ``Ruleset``.

yamlfile (safe YAML with positions) → layers (``extends``) → schema (JSON Schema) →
build (every expression parsed once, every reference checked) → model (the frozen types).
Expressions, message templates, number formats and the working-day calendar live here
because the ruleset declares them.
"""
