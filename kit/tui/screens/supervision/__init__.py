"""Supervision, the F10 area: a package of one screen (screen.py) that composes a pane per tab
(share_pane, records_pane, team_pane, actions_pane), with its dialogs (dialogs.py) and forms
(session_form.py, agreement_form.py) apart.

Only the screen is imported with the package; the dialogs and forms are imported where they
are opened (and by name from here, for the tests that open them alone)."""

from __future__ import annotations

from typing import Any

from kit.tui.screens.supervision.screen import SupervisionScreen

__all__ = ["SupervisionScreen"]

_LATER = {"TextDialog": "dialogs", "ReadDialog": "dialogs", "AddContactDialog": "dialogs",
          "CommentDialog": "dialogs", "ExportDialog": "dialogs", "HandoverDialog": "dialogs",
          "SessionForm": "session_form", "AgreementForm": "agreement_form"}


def __getattr__(name: str) -> Any:
    module = _LATER.get(name)
    if module is None:
        raise AttributeError(name)
    from importlib import import_module

    return getattr(import_module(f"{__name__}.{module}"), name)
