"""The Supervision screen's layout, in one place for the screen and its four panes (the
selectors name the screen, so a pane's rules apply only inside it)."""

STYLES = """
    SupervisionScreen #supervision-status {
        width: 100%;
        height: auto;
        max-height: 4;
        padding: 0 1;
        background: $boost;
        display: none;
    }
    SupervisionScreen #supervision-tabs {
        /* the rest of the screen: the status line above is never pushed under the header */
        height: 1fr;
    }
    SupervisionScreen #actions-hint {
        width: 100%;
    }
    SupervisionScreen #share-pane, SupervisionScreen #team-pane,
    SupervisionScreen #actions-pane {
        padding: 0 2;
    }
    SupervisionScreen #me-form, SupervisionScreen #no-contacts, SupervisionScreen #share-builder,
    SupervisionScreen #share-fields {
        height: auto;
    }
    SupervisionScreen .row {
        height: auto;
    }
    SupervisionScreen .row Input {
        width: 1fr;
    }
    SupervisionScreen #share-to {
        width: 1fr;
    }
    SupervisionScreen .field-text {
        padding: 0 0 0 6;
        color: $text-muted;
    }
    SupervisionScreen #share-note {
        height: 4;
    }
    SupervisionScreen #share-warning {
        margin-top: 1;
        text-style: bold;
    }
    SupervisionScreen #share-preview {
        border: round $primary;
        padding: 0 1;
    }
    SupervisionScreen #records-left {
        width: 1fr;
        padding: 0 1;
    }
    SupervisionScreen #record-detail-box {
        width: 1fr;
        border-left: solid $panel;
        padding: 0 1;
    }
    SupervisionScreen #records-count {
        width: 100%;
    }
    SupervisionScreen #team, SupervisionScreen #actions {
        height: auto;
        max-height: 20;
    }
    SupervisionScreen #team-archived {
        width: 36;
    }
    SupervisionScreen #team-detail, SupervisionScreen #actions-count,
    SupervisionScreen #share-period {
        width: 100%;
    }
"""
