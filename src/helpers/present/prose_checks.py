"""What the prose says in words about the data, checked when the book is built.

Numbers reach the prose glued, computed from the data. Some of what the prose says is words:
"holds up", "which the map rules out", "the held area shrank from its peak". Where the data can
choose those words, a chapter glues them (``helpers.present.text.fmt_size_against``); where a
sentence is written, the chapter states here what it needs of the data, next to the values it
rests on, so that a data change that makes it false stops the build with the sentence, instead
of publishing it beside numbers that contradict it.
"""

from __future__ import annotations


class ProseContradicted(ValueError):
    """A statement the prose makes in words, not glued, that the data no longer support."""


def prose_holds(holds: bool, sentence: str, needs: str) -> None:
    """Stop the build if a statement the prose makes in words is no longer true of the data.

    Some of what the prose says is words, not numbers: "holds up", "not in Mediazona's public
    series", "which the map rules out". A chapter states here what each such sentence needs of
    the data, so that a change to the data that makes it false stops the build with the sentence
    and the reason, for someone to rewrite it, instead of publishing it beside numbers that
    contradict it.
    """
    if not holds:
        raise ProseContradicted(f"the prose says {sentence!r}, which needs {needs}; rewrite it for the data")
