"""The PDF stage: an edition's HTML in, its print PDF and the screen PDF cut from it out.

    book.py       the book plan: what each layout holds, where a large book is cut into chunks
    paginate.py   one edition's layouts, scheduled until every page number is known
    workers.py    layout jobs in this process or on forked worker processes
    jobs.py       what a worker is given and gives back
    engine.py     WeasyPrint: HTML to laid-out pages and PDF bytes, engine warnings as problems
    assemble.py   pikepdf: chunks joined into one book, the screen PDF cut from the print one
    fonts.py      the pinned font faces, and fontconfig confined to them

This package knows HTML, book slices and layout jobs; it reads no content or catalog.
"""
