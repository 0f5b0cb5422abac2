"""A commented employer profile template (``screener employers new ID``): every field, a one-line comment and a
fictional example each. The template is a valid profile that passes ``screener employers check``."""

from __future__ import annotations

import re

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")

_TEMPLATE = """\
# Employer profile for {id!s}. Every name, domain and number below is a FICTIONAL example: replace each with
# your former employer's own, or delete the lines you have nothing for (only legal_names is required).
# Terms of 4+ characters; names match whole words, case and spacing ignored. Check with: screener employers check
schema: screener-employer/1
# Profile id: lower-case letters, digits and hyphens; the file must be named <id>.yaml.
id: {id}
# Name shown in reports and accepted as a declared employer (optional: defaults to the first legal name).
display_name: Brackenridge Ventures
# One line for the reviewer: what the firm is.
description: Fictional investment boutique (template example).
# Registered legal names, as on contracts and letterheads (required, at least one).
legal_names:
  - Brackenridge Ventures LLP
# Short names the firm goes by.
names:
  - Brackenridge Ventures
# Nicknames and informal spellings.
aliases:
  - Brackenridge
# Abbreviations, written in CAPITALS: matched case-sensitively, so "BRV" does not match the word "brv".
abbreviations:
  - BRV
# Stock tickers, in CAPITALS like abbreviations.
tickers:
  - BRVX
# E-mail domains (lower case, with a dot): addresses and mentions of the domain are found.
email_domains:
  - brackenridge.example.com
# Intranet hosts; "*." covers every host under a domain and the domain itself.
hosts:
  - "*.corp.brackenridge.example.com"
# Internal project codenames (their capitals count: without them a context word is needed nearby).
codenames:
  - Project Hollowmere
# Internal systems, tools and products (plurals are found too).
systems:
  - TallyForge
# Clients of the firm.
clients:
  - Ostrander Millworks
# Counterparties: banks, brokers, other sides of deals.
counterparties:
  - Quenby Clearing House
# Reference-number formats (matters, deals, tickets): a name and a bounded regular expression.
reference_formats:
  - name: deal-id
    regex: '\\bBRV-DL-[0-9]{{6}}\\b'
# Employee-id formats, as reference_formats.
employee_id_formats:
  - name: staff-number
    regex: '\\bBRV-E-[0-9]{{5}}\\b'
# Context words that make an ambiguous hit more likely when near it (ordinary words are fine here).
context:
  - deal desk
# Weak signals: harmless alone, telling together across one expert's submissions.
# Office locations and streets.
locations:
  - Tollgate Wharf
# Years of notable events, quoted.
years:
  - "2018"
# Kinds of deal the firm is known for.
deal_types:
  - mezzanine recapitalisation
"""


def template(profile_id: str) -> str:
    """The commented YAML template for ``profile_id``; ValueError when the id is not a valid profile id."""
    if not ID_PATTERN.match(profile_id):
        raise ValueError(f"profile id {profile_id!r}: use lower-case letters, digits and hyphens")
    return _TEMPLATE.format(id=profile_id)
