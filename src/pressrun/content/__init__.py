"""The content stage: `content/*.yaml` in, a validated `Book` out.

load.py       reads the YAML files (ruamel.yaml) and checks what spans files
convert.py    turns YAML nodes into the model, every problem at `path:line:col`
schema.py     how fields are declared: documentation, translator comments, value checks
model.py      the frozen data: publication, parts, profiles, blocks, contacts
texts.py      the translatable texts, found through the declarations
inline.py     the inline Markdown subset, to HTML or plain text
reference.py  the content format reference, from the declarations
queries.py    the editor's source queries (`# Query:` comments), at the values they are about
"""

from .load import load, profile_file_count
from .model import Book

__all__ = ["Book", "load", "profile_file_count"]
