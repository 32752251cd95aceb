"""Loading cases and contact history from CSV files (streaming, batched, all-or-nothing)."""

from __future__ import annotations

from dialer.importing.cases import CaseImportSummary, import_cases
from dialer.importing.fields import RowIssue
from dialer.importing.history import HistoryImportSummary, import_history
from dialer.importing.runner import ImportOptions, ImportReporter, SilentReporter

__all__ = [
    "CaseImportSummary",
    "HistoryImportSummary",
    "ImportOptions",
    "ImportReporter",
    "RowIssue",
    "SilentReporter",
    "import_cases",
    "import_history",
]
