"""How every record form is laid out: one scrolling column of labelled fields, some of them side
by side in a `row`, and a status line above the Save and Back buttons.

The incident, removal request, exposure, supervision agreement and session forms share it, so
their fields line up alike and a change to the layout is made once. (The journal editor, a
FormScreen with one tall text box, is not laid out this way.)
"""

from __future__ import annotations

from kit.tui.app import FormScreen, ResultT


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
