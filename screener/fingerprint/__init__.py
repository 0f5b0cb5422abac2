"""Fingerprints of protected documents: keyed shingles, winnowing, SQLite stores and packs, alignment."""
