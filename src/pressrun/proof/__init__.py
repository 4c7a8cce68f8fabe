"""The proof stage: editions in, what a proofreader should look at out.

    editions.py           every edition (or one profile) laid out as a proof, with its findings
    datachecks.py         doubtful data in the content
    translationchecks.py  translations against the glossary and the content
    layoutchecks.py       layout problems in the laid-out boxes
    compare.py            what changed since a previous proof; the source revision
    report.py             the report: JSON, HTML and the console summary

Proofs sit beside builds: they lay out through the same engine, and import nothing of
`build`.
"""

from .editions import make_proof, proof_profile
from .report import summary

__all__ = ["make_proof", "proof_profile", "summary"]
