"""Package data: the default rule packs, policies, employer profiles and demo corpora.

A built wheel carries copies of the project's top-level ``rules/`` and ``corpora/`` here (``rules/`` and
``corpora/`` inside this package, copied by the build step in ``setup.py``); they are found with
``importlib.resources`` by :func:`screener.config.bundled_dir`. A source checkout or an editable install has
no copies here and reads the top-level directories, which stay the only source.
"""
