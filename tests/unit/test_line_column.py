"""Line and column of an offset: the binary search over precomputed line starts gives what the scan gives."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from screener.model import line_column, line_starts


@pytest.mark.parametrize(("text", "offset", "expected"), [
    pytest.param("abc", 0, (1, 1), id="start"),
    pytest.param("abc", 3, (1, 4), id="end-of-text"),
    pytest.param("ab\ncd", 3, (2, 1), id="after-newline"),
    pytest.param("ab\ncd", 2, (1, 3), id="on-newline"),
    pytest.param("\n\n\nx", 3, (4, 1), id="empty-lines"),
])
def test_known_positions(text: str, offset: int, expected: tuple[int, int]) -> None:
    assert line_column(text, offset) == expected
    assert line_column(text, offset, line_starts(text)) == expected


@given(st.text(alphabet="ab\n\r é", max_size=60), st.data())
def test_search_equals_scan(text: str, data: st.DataObject) -> None:
    offset = data.draw(st.integers(0, len(text)))
    assert line_column(text, offset, line_starts(text)) == line_column(text, offset)


def test_outside_the_text_is_an_error() -> None:
    with pytest.raises(ValueError):
        line_column("abc", 4, line_starts("abc"))
