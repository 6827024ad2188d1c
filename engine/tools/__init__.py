"""The administrator's tools around the pipeline: explain, lint, diff, rule tests, show."""
