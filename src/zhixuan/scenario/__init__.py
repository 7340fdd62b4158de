"""Scenario files: one election's inputs, loaded and validated, run through the rules core."""
