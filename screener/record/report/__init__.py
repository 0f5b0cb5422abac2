"""Output formats. Reporters never decide and never detect: they render ScreenResults."""
