import tongbao
rules = tongbao.load_ruleset("rulesets/tonggu-ganzhengtong.yaml")   # every expression parsed and checked here
verdict = tongbao.evaluate(rules, "examples/tonggu-ganzhengtong/units.csv")  # or a list of dicts
data = verdict.to_dict()                                             # the same dict the CLI prints
part = data["parts"][0]                                              # one part per annex table
print(part["summary"]["tiers"][0]["bands"][0]["units"])               # ['人民医院']
