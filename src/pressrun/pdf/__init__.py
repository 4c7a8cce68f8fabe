"""The PDF stage: an edition's HTML in, its screen PDF and its print PDF out, both from
one layout.

    book.py       the book plan: what each layout holds, where a large book is cut into chunks
    paginate.py   one edition's layouts, scheduled until every page number is known
    workers.py    layout jobs in this process or on forked worker processes
    jobs.py       what a worker is given and gives back
    engine.py     WeasyPrint: HTML to laid-out pages and PDF bytes, engine warnings as problems
    assemble.py   pikepdf: chunks joined into one book, the screen PDF cut from it
    colour.py     the layouts' palette and a PDF's colours; screen colours rewritten as CMYK builds
    press.py      pikepdf: the print PDF from the layout's, with its sheet, marks and output intent
    preflight.py  the print PDF's rules, one function each, failures with their page
    fonts.py      the pinned font faces, and fontconfig confined to them

This package knows HTML, book slices, layout jobs and the layouts' PDF stylesheets; it
reads no content or catalog.
"""
