"""record: what a screen leaves behind: the append-only, hash-chained audit log (``audit``) and the reports
(``report``: JSON Lines, HTML, SARIF, CSV, GitHub annotations, terminal)."""
