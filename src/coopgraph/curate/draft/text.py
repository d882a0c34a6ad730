"""A press release as plain text: saved HTML pages are reduced to their visible text.

PyThaiNLP segments Thai words with its dictionary tokenizer (``newmm``): it ships
its word list, so nothing is fetched; we also tell it never to try
(``PYTHAINLP_OFFLINE``) and never to write its data directory.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar

from coopgraph.errors import CoopgraphError, display_path

os.environ.setdefault("PYTHAINLP_OFFLINE", "1")  # set before pythainlp is imported: no downloads, ever
os.environ.setdefault("PYTHAINLP_READ_ONLY", "1")

MAX_BYTES = 2_000_000  # a press release is a few kB; a bigger file is not one
THAI = re.compile(r"[\u0E00-\u0E7F]")
THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
URL = re.compile(r"https?://[^\s<>\"')]+")


@dataclass(frozen=True)
class Release:
    """The text we read facts from (offsets index it) and the language it is mostly in."""

    path: str
    text: str
    lang: str

    def line_of(self, offset: int) -> int:
        return self.text.count("\n", 0, offset) + 1


class _Visible(HTMLParser):
    """Collects text outside script/style, with a newline at each block element."""

    BLOCKS: ClassVar[set[str]] = {
        "p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "title",
    }  # fmt: skip
    HIDDEN: ClassVar[set[str]] = {"script", "style", "noscript", "template", "svg"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.HIDDEN:
            self.hidden += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")
        if tag == "a":  # keep a link's address when it is the page's source line
            href = dict(attrs).get("href") or ""
            if href.startswith("http"):
                self.parts.append(f" {href} ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def html_text(html: str) -> str:
    parser = _Visible()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)


def normalise(text: str) -> str:
    """NFC, Thai digits as ASCII, one space between words, no empty lines."""
    text = unicodedata.normalize("NFC", text).translate(THAI_DIGITS).replace("\u200b", "").replace("\xa0", " ")
    lines = (re.sub(r"[ \t]+", " ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def read_release(path: Path, lang: str | None = None) -> Release:
    """Read a release (text or saved HTML) as UTF-8; one clear error for anything else."""
    shown = display_path(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise CoopgraphError(f"{shown}: cannot read ({error.strerror})") from None
    if len(raw) > MAX_BYTES:
        raise CoopgraphError(f"{shown}: {len(raw)} bytes is too big for a press release (limit {MAX_BYTES})")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise CoopgraphError(f"{shown}:1: not UTF-8 text ({error.reason})") from None
    if path.suffix.lower() in {".html", ".htm"} or re.match(r"\s*(<!doctype html|<html)", text, re.I):
        text = html_text(text)
    text = normalise(text)
    if not text:
        raise CoopgraphError(f"{shown}:1: no text in this file")
    return Release(shown, text, lang or guess_lang(text))


def guess_lang(text: str) -> str:
    thai = len(THAI.findall(text))
    latin = len(re.findall(r"[A-Za-z]", text))
    return "th" if thai >= latin / 3 else "en"


@lru_cache(maxsize=4096)
def thai_words(text: str) -> tuple[str, ...]:
    """Thai text as dictionary words (newmm), spaces dropped."""
    from pythainlp.tokenize import word_tokenize

    return tuple(w for w in word_tokenize(text, engine="newmm", keep_whitespace=False) if w.strip())
