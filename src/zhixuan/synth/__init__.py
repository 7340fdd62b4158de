"""Synthetic scenario generation from a seed: the seed-000 county and seed-003 Qingquan.

Generation is pure: every draw comes from a local ``random.Random`` seeded from the given integer,
so the same seed gives the same documents, byte for byte once written.
"""

from zhixuan.synth.county import generate_county
from zhixuan.synth.qingquan import generate_qingquan
from zhixuan.synth.writer import write_scenarios

__all__ = ["generate_county", "generate_qingquan", "write_scenarios"]
