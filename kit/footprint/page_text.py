"""The text of a web page, read in the character set the page declares.

A site's "no such user" text is matched against the page as text, so a page read in the wrong
character set can hide that text and turn an unclaimed name into a false "found" (a windows-1251
page read as UTF-8, say). The order is the WHATWG Encoding standard's, as browsers read pages:

1. a byte order mark (UTF-8, UTF-16 LE or BE);
2. the `charset` of the Content-Type header;
3. a `<meta charset>` or `<meta http-equiv="Content-Type" content="...; charset=...">` (or an
   XML declaration's `encoding`) in the first MAX_PRESCAN bytes;
4. UTF-8 when the bytes are valid UTF-8;
5. else a guess from the first MAX_GUESS bytes (charset-normalizer), else windows-1252.

Labels are outside text: only the character sets the WHATWG standard lists are used (Python's
codec registry also knows rot13, base64 and others that are not page encodings), labels are short
and plain, and the work is bounded by the body's own cap (the transport's max_bytes).
"""

from __future__ import annotations

import codecs
import re
from typing import Final

MAX_PRESCAN: Final = 4096  # WHATWG prescans 1024 bytes; some pages declare a little later
MAX_GUESS: Final = 64 * 1024
MAX_LABEL: Final = 40
FALLBACK: Final = "cp1252"

# WHATWG's encodings, by the name Python's codec registry gives them.
_PAGE_CODECS: Final = frozenset({
    "utf-8", "utf-16-le", "utf-16-be", "cp866", "koi8-r", "koi8-u", "mac-roman", "mac-cyrillic",
    "cp874", "cp1250", "cp1251", "cp1252", "cp1253", "cp1254", "cp1255", "cp1256", "cp1257",
    "cp1258", "gb18030", "big5hkscs", "euc_jp", "iso2022_jp", "cp932", "cp949",
    *(f"iso8859-{n}" for n in (2, 3, 4, 5, 6, 7, 8, 10, 13, 14, 15, 16)),
})
# Labels the WHATWG standard reads differently from Python's codec of the same name: browsers
# read "latin1" and "ascii" pages as windows-1252, GB2312 and GBK as GB18030, Shift_JIS as
# Microsoft's variant, Big5 with the Hong Kong additions.
_WHATWG_NAMES: Final = {
    "iso8859-1": "cp1252", "ascii": "cp1252", "iso8859-9": "cp1254", "iso8859-11": "cp874",
    "tis-620": "cp874", "windows-874": "cp874", "gb2312": "gb18030", "gbk": "gb18030",
    "big5": "big5hkscs", "shift_jis": "cp932", "euc_kr": "cp949", "utf-16": "utf-16-le",
    "x-mac-cyrillic": "mac-cyrillic", "x-mac-roman": "mac-roman", "iso-8859-8-i": "iso8859-8",
    "x-sjis": "cp932", "x-gbk": "gb18030", "x-cp1251": "cp1251", "x-cp1252": "cp1252",
}
_BOMS: Final = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                (codecs.BOM_UTF16_BE, "utf-16-be"))
_LABEL: Final = r"""["']?\s*([A-Za-z0-9_.:-]{1,40})"""
_HEADER_CHARSET: Final = re.compile(r";\s*charset\s*=\s*" + _LABEL, re.IGNORECASE)
_META: Final = re.compile(rb"<meta\b[^>]{0,500}?\bcharset\s*=\s*"
                          + _LABEL.encode(), re.IGNORECASE)
_XML: Final = re.compile(rb"^\s*<\?xml\b[^>]{0,200}?\bencoding\s*=\s*"
                         + _LABEL.encode(), re.IGNORECASE)


def codec_for(label: str) -> str | None:
    """The Python codec for a WHATWG character-set label, or None when it names none."""
    label = label.strip().strip("\"'").strip().lower()
    if not label or len(label) > MAX_LABEL:
        return None
    name = _WHATWG_NAMES.get(label)
    if name is None:
        try:
            name = codecs.lookup(label).name
        except (LookupError, ValueError):
            return None
        name = _WHATWG_NAMES.get(name, name)
    return name if name in _PAGE_CODECS else None


def header_charset(content_type: str) -> str | None:
    """The codec named by a Content-Type header's charset (None when it names none we read)."""
    found = _HEADER_CHARSET.search(content_type[:500])
    return codec_for(found.group(1)) if found else None


def meta_charset(body: bytes) -> str | None:
    """The codec a page declares in its first MAX_PRESCAN bytes (meta tag or XML declaration)."""
    head = body[:MAX_PRESCAN]
    found = _META.search(head) or _XML.search(head)
    if found is None:
        return None
    codec = codec_for(found.group(1).decode("ascii"))
    # A page read byte by byte as ASCII cannot be UTF-16: WHATWG reads such a claim as UTF-8.
    return "utf-8" if codec in ("utf-16-le", "utf-16-be") else codec


def _utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A body cut at the size cap may end inside a character: that alone is no reason.
        return exc.reason == "unexpected end of data" and exc.start >= len(body) - 3
    return True


def _guess(body: bytes) -> str:
    from charset_normalizer import from_bytes

    best = from_bytes(body[:MAX_GUESS]).best()
    codec = codec_for(best.encoding) if best is not None else None
    return codec or FALLBACK


def charset_of(body: bytes, content_type: str = "") -> tuple[str, str]:
    """(codec, where it came from): "bom", "header", "meta", "utf-8" or "guess"."""
    for bom, codec in _BOMS:
        if body.startswith(bom):
            return codec, "bom"
    declared = header_charset(content_type)
    if declared:
        return declared, "header"
    declared = meta_charset(body)
    if declared:
        return declared, "meta"
    if _utf8(body):
        return "utf-8", "utf-8"
    return _guess(body), "guess"


def page_text(body: bytes, content_type: str = "") -> str:
    """The page as text, in its own character set (characters that do not decode are replaced)."""
    codec, source = charset_of(body, content_type)
    if source == "bom":
        body = body[len(next(bom for bom, name in _BOMS if name == codec)):]
    return body.decode(codec, errors="replace")
