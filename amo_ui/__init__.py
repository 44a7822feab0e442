"""The small shared UI layer of the pages (``import amo_ui as ui``).

- :mod:`.shell` — what every page shares: configuration, sign-in, menu, filters, empty state;
- :mod:`.data` — the store and the cached loads and figures, keyed by the data version;
- :mod:`.views` — Danish formats, read-only tables, charts, download data;
- :mod:`.manage` — widgets that change data: status editor, upload, history and undo, audit.

Nothing here computes a figure: that is ``amo_data.metrics``.
"""

from .data import (
    COUNT_COLUMNS, audit_log, batch_departments, departments_total, departments_without_discussion, figure_function,
    figures, has_rows, history, is_empty, known_departments, lazy_export, needs_trend, needs_trend_chart, outline,
    store, tables, today,
)
from .manage import (
    AUDIT_ACTIONS, action_editor, audit_details, audit_table, check_uploads, erase, history_with_undo, paged,
    plan_intro, save_button, save_status_edits, save_uploads, show_check_result, show_long_table, show_problems, show_saved_message,
    upload_files, upload_scope,
)
from .shell import (
    APP_TITLE, NAVIGATION, UPLOAD_PAGE, Filters, current_user, empty_state, nothing_chosen, sample_banner, setup,
    sidebar_filters,
)
from .views import (
    ACTION_COLUMNS, ACTION_SHORT_COLUMNS, POINT_COLUMNS, TRAINING_COLUMNS, XLSX_MIME, chart, danish_date,
    danish_number, danish_quarter, danish_time, display_frame, excel_bytes, figure_spec, lazy_excel, matrix_csv,
    matrix_csv_name, md_escape, page_rows, plural, show_table, show_view,
)

__all__ = [
    "ACTION_COLUMNS", "ACTION_SHORT_COLUMNS", "APP_TITLE", "AUDIT_ACTIONS", "COUNT_COLUMNS", "Filters", "NAVIGATION",
    "POINT_COLUMNS", "TRAINING_COLUMNS", "UPLOAD_PAGE", "XLSX_MIME", "action_editor", "audit_details", "audit_log",
    "audit_table", "batch_departments", "chart", "check_uploads", "current_user", "danish_date", "danish_number",
    "danish_quarter", "danish_time", "departments_total", "departments_without_discussion", "display_frame",
    "empty_state", "erase", "excel_bytes", "figure_function", "figure_spec", "figures", "has_rows", "history",
    "history_with_undo", "is_empty", "known_departments", "lazy_excel", "lazy_export", "matrix_csv", "matrix_csv_name",
    "md_escape", "needs_trend", "needs_trend_chart", "nothing_chosen", "outline", "page_rows", "paged", "plan_intro",
    "plural", "sample_banner", "save_button", "save_status_edits", "save_uploads", "setup", "show_check_result", "show_long_table",
    "show_problems", "show_saved_message", "show_table", "show_view", "sidebar_filters", "store", "tables", "today",
    "upload_files", "upload_scope",
]

# Everything imported so far (Streamlit, pandas, Plotly, SQLAlchemy, these modules: a few hundred
# thousand objects) lives as long as the server. Moving it out of the garbage collector's reach
# makes each full collection scan only what page runs created: otherwise one lands in a page run
# every few runs and costs 60-100 ms there (measured in the page benchmark).
import gc as _gc  # noqa: E402

_gc.freeze()
