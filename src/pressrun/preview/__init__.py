"""The preview stage: files saved in content/, layouts/, locales/ or pyproject.toml in,
one edition's pages in a browser out, updated a second or so after each save.

    loop.py     the workers, the server, and an update after each change (watchfiles)
    session.py  the edition made again, parsing only changed files and laying out only
                changed chunks (the builds' layout cache); problems instead of pages
    pages.py    pages as PNG images and positioned text (pypdfium2); the first page that changed
    server.py   the local web server: the preview page, pages, PDF, updates as
                server-sent events, and nothing else
    assets/     the preview page's HTML, script and style

It sits beside `build`: it shares the stages (and the layout cache), never build's modules.
"""

from .loop import serve

__all__ = ["serve"]
