"""pressrun: structured entries and gettext catalogs in, print-ready PDF and EPUB editions out."""

__version__ = "0.1.0"
