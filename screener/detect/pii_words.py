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
    claimant witness counsel lawyer agent secretary commonwealth
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
