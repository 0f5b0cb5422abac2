"""run: inputs to submissions (``inputs``), resumable batch runs with a ledger and atomic parts (``batch``),
their worker processes (``worker``) and the Dask adapter (``distributed``)."""
