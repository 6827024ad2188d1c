"""Step 4: what people read — the terminal report and the files written for them.

Every output starts from ``Verdict.to_dict()``, so no two outputs can disagree.
"""
