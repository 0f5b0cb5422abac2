"""Word lists for pii_refine: general vocabulary of institutions, citations, abbreviations and states."""

from __future__ import annotations

# Words that, alone or together, name a kind of institution, body or procedure, not a particular one.
GENERIC_WORDS = frozenset(
    """
    court courts tribunal tribunals chamber chambers section sections division bench panel registry registrar
    government governments state states ministry ministries minister department office agency authority
    authorities administration commission commissioner committee council assembly parliament senate
    congress cabinet prosecutor prosecutors prosecution police army navy board bureau service services
    president vice deputy chief head judge judges justice general public federal national regional
    district municipal county city local provincial supreme constitutional administrative civil criminal
    appeal appeals appellate high higher lower first second third fourth fifth sixth seventh eighth
    grand plenary joint high human rights european international interior foreign affairs defence defense
    finance education health labour labor social security internal home economy economic trade law
    convention protocol treaty charter union community applicant applicants respondent defendant plaintiff
    claimant witness counsel lawyer agent secretary commonwealth cassation military martial assize magistrates
    commercial juvenile commanding officer officers
    """.split()  # noqa: SIM905
)
# Heads of legal citations and document parts that the model reads as persons.
CITATION_HEADS = frozenset(
    """
    article articles art law laws act acts rule rules section sections chapter chapters appendix annex
    paragraph paragraphs protocol convention code regulation regulations directive decree ordinance schedule
    clause clauses part title item
    """.split()  # noqa: SIM905
)

# Everyday abbreviations that are not organisations.
COMMON_ABBREVIATIONS = frozenset(
    """
    SSN IBAN ATM ASAP PIN CEO CFO COO CTO HR IT FAQ PDF ID DOB FYI ETA NB PS TBD OK AM PM TV DVD CD PC URL
    VAT GDP CV MBA PHD USB GPS SMS IP VPN API NDA ZIP PO FACTS THE LAW
    """.split()  # noqa: SIM905
)


# Field labels of forms, notes, tickets and configuration excerpts, lower case: a line starting "Config:" or
# "Agenda:" labels a field; the model reads some of them, alone before the colon, as a person.
FIELD_LABELS = frozenset(
    """
    config configs configuration cfg conf settings setup env environment environments prod production dev staging
    uat qa sandbox repo repos repository deps dependencies refs ref reference references misc notes note summary
    overview intro introduction background context scope agenda minutes attendees owner owners status priority
    severity impact caveat caveats warning warnings verdict draft decision decisions action actions outcome
    result results findings recommendation recommendations conclusion conclusions subject email e-mail mail
    playbook runbook kubeconfig dockerfile makefile readme changelog todo todos fixme tbd goal goals objective
    objectives purpose rationale assumptions constraints requirements risks issues issue ticket bug symptom cause
    fix workaround resolution remedy steps details description comments feedback input output usage example
    examples params parameters args arguments options flags version title author reviewer approver sponsor
    team lead manager contact client customer vendor project milestone sprint epic deadline timeline budget cost
    total source sources links tags labels category location date time attachment attachments enclosure memo
    """.split()  # noqa: SIM905
)

# Words of country names (sovereign states and common short forms), lower case: with an institution noun
# they name a state body ("the United Kingdom Government", "Government of Cyprus"), not a person's context.
COUNTRY_WORDS = frozenset(
    """
    afghanistan albania algeria andorra angola argentina armenia australia austria azerbaijan bahamas bahrain
    bangladesh barbados belarus belgium belize benin bhutan bolivia bosnia herzegovina botswana brazil brunei
    bulgaria burkina faso burundi cambodia cameroon canada cape verde chad chile china colombia comoros congo
    costa rica croatia cuba cyprus czech czechia denmark djibouti dominica dominican ecuador egypt salvador
    equatorial guinea eritrea estonia eswatini ethiopia fiji finland france gabon gambia georgia germany
    ghana greece grenada guatemala guyana haiti honduras hungary iceland india indonesia iran iraq ireland
    israel italy jamaica japan jordan kazakhstan kenya kiribati korea kosovo kuwait kyrgyzstan laos latvia
    lebanon lesotho liberia libya liechtenstein lithuania luxembourg madagascar malawi malaysia maldives mali
    malta marshall mauritania mauritius mexico micronesia moldova monaco mongolia montenegro morocco
    mozambique myanmar namibia nauru nepal netherlands zealand nicaragua niger nigeria macedonia norway oman
    pakistan palau palestine panama papua paraguay peru philippines poland portugal qatar romania russia
    russian federation rwanda samoa marino saudi arabia senegal serbia seychelles sierra leone singapore
    slovakia slovak slovenia solomon somalia south africa sudan spain sri lanka suriname sweden switzerland
    syria taiwan tajikistan tanzania thailand timor togo tonga trinidad tobago tunisia turkey turkiye
    turkmenistan tuvalu uganda ukraine united arab emirates kingdom states america uruguay uzbekistan
    vanuatu vatican venezuela vietnam yemen zambia zimbabwe great britain northern england scotland wales
    republic federal democratic socialist people's kingdom principality grand duchy uk usa us
    """.split()  # noqa: SIM905
)

# States parties to court proceedings and the adjectives of their nationals (lower case). Long official forms
# map to the same adjective as their short forms.
STATE_ADJECTIVES = {
    "turkey": "turkish", "republic of turkey": "turkish", "turkiye": "turkish",
    "united kingdom": "british", "united kingdom of great britain and northern ireland": "british",
    "great britain": "british", "sweden": "swedish", "kingdom of sweden": "swedish", "poland": "polish",
    "republic of poland": "polish", "austria": "austrian", "republic of austria": "austrian",
    "norway": "norwegian", "kingdom of norway": "norwegian", "germany": "german",
    "federal republic of germany": "german", "france": "french", "french republic": "french",
    "cyprus": "cypriot", "republic of cyprus": "cypriot", "russia": "russian", "russian federation": "russian",
    "italy": "italian", "italian republic": "italian", "greece": "greek", "hellenic republic": "greek",
    "bulgaria": "bulgarian", "republic of bulgaria": "bulgarian", "romania": "romanian", "ukraine": "ukrainian",
    "croatia": "croatian", "republic of croatia": "croatian", "slovakia": "slovak", "slovak republic": "slovak",
    "hungary": "hungarian", "spain": "spanish", "kingdom of spain": "spanish", "portugal": "portuguese",
    "portuguese republic": "portuguese", "netherlands": "dutch", "kingdom of the netherlands": "dutch",
    "belgium": "belgian", "kingdom of belgium": "belgian", "switzerland": "swiss", "swiss confederation": "swiss",
    "finland": "finnish", "republic of finland": "finnish", "denmark": "danish", "kingdom of denmark": "danish",
    "ireland": "irish", "malta": "maltese", "republic of malta": "maltese", "latvia": "latvian",
    "republic of latvia": "latvian", "lithuania": "lithuanian", "republic of lithuania": "lithuanian",
    "estonia": "estonian", "republic of estonia": "estonian", "slovenia": "slovenian",
    "republic of slovenia": "slovenian", "serbia": "serbian", "republic of serbia": "serbian",
    "georgia": "georgian", "armenia": "armenian", "republic of armenia": "armenian",
    "azerbaijan": "azerbaijani", "republic of azerbaijan": "azerbaijani", "moldova": "moldovan",
    "republic of moldova": "moldovan", "czech republic": "czech", "czechia": "czech", "iceland": "icelandic",
    "luxembourg": "luxembourgish", "albania": "albanian", "montenegro": "montenegrin",
    "bosnia and herzegovina": "bosnian", "north macedonia": "macedonian", "liechtenstein": "liechtenstein",
    "monaco": "monegasque", "san marino": "sammarinese", "andorra": "andorran",
    "united states": "american", "united states of america": "american",
}
