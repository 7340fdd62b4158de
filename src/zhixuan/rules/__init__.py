"""The rules core: pure, typed decisions for every rule of ``shared/spec/rules.md``.

Nothing here touches Django, a database, files, the clock or global randomness (an import
contract in CI enforces it). Every decision is a :class:`~zhixuan.rules.decision.Decision`
carrying the rule ID that made it and the numbers it used.
"""
