"""How every record form is laid out: one scrolling column of labelled fields, some of them side
by side in a `row`, and a status line above the Save and Back buttons.

The incident, removal request, exposure, supervision agreement and session forms share it, so
their fields line up alike and a change to the layout is made once. (The journal editor, a
FormScreen with one tall text box, is not laid out this way.)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from textual.widget import Widget
from textual.widgets import Checkbox, Input, Select, TextArea

from kit.tui.app import FormScreen, ResultT


def lines(text: str) -> list[str]:
    """A text box's lines that hold something, trimmed: one web address, name or number each."""
    return [line.strip() for line in text.splitlines() if line.strip()]


class RecordForm(FormScreen[ResultT]):
    """A FormScreen whose compose() yields a VerticalScroll of fields: each `Horizontal(classes=
    "row")` holds a Vertical per field, sharing the width; text boxes are four lines tall unless
    the form says otherwise; the Label with class "form-status" says what is wrong or done."""

    DEFAULT_CSS = """
    RecordForm > VerticalScroll {
        padding: 0 2;
    }
    RecordForm .row {
        height: auto;
    }
    RecordForm .row Vertical {
        height: auto;
        width: 1fr;
        margin-right: 2;
    }
    RecordForm TextArea {
        height: 4;
    }
    RecordForm .form-status {
        width: 100%;
    }
    """

    def fill(self, values: Mapping[str, Any]) -> None:
        """Put *values* into the fields of the same ids (a record's, or a restored draft's):
        text into a text box or an input, true or false into a checkbox, and a choice into a
        list unless it is empty (the list keeps what it shows)."""
        for key, value in values.items():
            for widget in self.query(f"#{key}"):
                if isinstance(widget, TextArea):
                    widget.text = str(value)
                elif isinstance(widget, Input):
                    widget.value = str(value)
                elif isinstance(widget, Checkbox):
                    widget.value = bool(value)
                elif isinstance(widget, Select) and value:
                    widget.value = value

    def field(self, key: str) -> Widget:
        """The field with the id *key*: a refusal names it, and the focus goes to it."""
        return self.query_one(f"#{key}")
