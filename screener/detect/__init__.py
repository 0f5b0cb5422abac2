"""Detectors: each reads the shared folded view and spaCy result and returns Findings on original offsets."""
