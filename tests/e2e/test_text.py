"""Position conversion: characters (engine) <-> UTF-16 / UTF-8 / UTF-32 code units (LSP)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from leaf_lsp.lsp.documents import Change, Document
from leaf_lsp.lsp.text import UTF8, UTF16, UTF32, LineIndex, char_to_units, units_to_char

LINE = "ä = 錯誤 + 😋x"


def test_utf16_columns_of_wide_characters() -> None:
    # ä and 錯誤 are one UTF-16 unit each; 😋 is a surrogate pair (two units).
    x_char = LINE.index("x")
    assert char_to_units(LINE, x_char, UTF16) == x_char + 1
    assert units_to_char(LINE, x_char + 1, UTF16) == x_char
    assert char_to_units(LINE, LINE.index("錯"), UTF16) == 4
    assert char_to_units(LINE, LINE.index("錯"), UTF8) == 5  # ä is two UTF-8 bytes
    assert char_to_units(LINE, x_char, UTF32) == x_char


def test_unit_column_inside_surrogate_pair_rounds_to_character_end() -> None:
    emoji = LINE.index("😋")
    first_unit = char_to_units(LINE, emoji, UTF16)
    assert units_to_char(LINE, first_unit + 1, UTF16) == emoji + 1


def test_lsp_line_breaks_only() -> None:
    # Form feed and U+2028 are not line breaks in LSP (str.splitlines thinks they are).
    index = LineIndex("a\x0cb\u2028c\r\nd\re\n")
    assert [index.line(i) for i in range(index.line_count)] == ["a\x0cb\u2028c", "d", "e", ""]


def test_out_of_range_positions_clamp() -> None:
    index = LineIndex("ab\ncd")
    assert index.offset(99, 5, UTF16) == 5
    assert index.offset(0, 99, UTF16) == 2
    assert index.offset(-1, 0, UTF16) == 0
    assert index.to_units(50, 3, UTF16) == (1, 2)
    assert index.to_chars(7, 0, UTF16) == (2, 2)


def test_incremental_changes_with_wide_characters() -> None:
    doc = Document(uri="file:///x.py", path="/x.py", text=LINE + "\n", version=1)
    x_units = char_to_units(LINE, LINE.index("x"), UTF16)
    doc.apply([Change("yy", (0, x_units, 0, x_units + 1))], 2, UTF16)
    assert doc.text == "ä = 錯誤 + 😋yy\n"
    doc.apply([Change("#", (1, 0, 1, 0)), Change("Z", (0, 0, 0, 1))], 3, UTF16)
    assert doc.text == "Z = 錯誤 + 😋yy\n#"
    assert doc.version == 3


_text = st.text(alphabet=st.sampled_from(list("ab \n\r\tä錯😋\x0c")), max_size=40)


@given(_text, st.integers(0, 50), st.integers(0, 50), st.sampled_from([UTF8, UTF16, UTF32]))
def test_round_trip_every_character_position(text: str, line: int, col: int, encoding: str) -> None:
    index = LineIndex(text)
    line = line % index.line_count
    col = col % (len(index.line(line)) + 1)
    units = index.to_units(line + 1, col, encoding)
    assert index.to_chars(*units, encoding) == (line + 1, col)
