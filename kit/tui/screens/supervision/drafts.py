"""The names the Supervision forms keep unsaved text under (kit.records.drafts), apart from
the forms, so the screen can look for a draft without importing a form it may never open."""

DRAFT_AREA = "supervision-session"
AGREEMENT_DRAFT_AREA = "supervision-agreement"
