"""The translation stage: catalogs in, one `Edition` per language out.

extract.py     the Babel extractor for content YAML (`babel.extractors` entry point `pressrun`)
pofile.py      PO files read and written as gettext expects, over Babel 2.x
catalogs.py    the translators' workflow: extract, update, compile, status; catalogs per language
checks.py      translations checked as untrusted input (characters, placeholders, date patterns)
edition.py     an edition: translated content and labels, order, footnote numbers, gaps
typography.py  each language's typographic rules and quotation marks
bidi.py        the runs of a right-to-left edition's text that are set left to right
glossary.py    a language's glossary (TBX): its terms, where the catalogs use them, coverage
"""

from .catalogs import label_key
from .edition import Edition, load_editions, localize, writing_direction

__all__ = ["Edition", "label_key", "load_editions", "localize", "writing_direction"]
