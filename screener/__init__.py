"""screener: finds what must never leave a former employer in expert-written training data."""
