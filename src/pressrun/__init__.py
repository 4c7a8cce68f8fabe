"""pressrun: structured entries and gettext catalogs in, print-ready PDF and EPUB editions out.

The stages, in pipeline order: `config`, `content`, `i18n`, `render`, `pdf` and `epub`
(made by `outputs`, written by `build`), `proof` beside `build`, `cli` on top.
"""

from importlib.metadata import version

__version__ = version("pressrun")
