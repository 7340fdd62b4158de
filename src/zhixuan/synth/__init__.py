"""Synthetic scenario generation from a seed."""
