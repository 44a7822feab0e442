"""The small shared UI layer of the pages (``import amo_ui as ui``).

- :mod:`.shell` — what every page shares: configuration, sign-in, menu, filters, empty state;
- :mod:`.filters` — the sidebar's choice of year and departments (:class:`Filters`);
- :mod:`.units` — the organisation tree: the sidebar's unit, breadcrumb, drilling down, paging
  and the figures per child of the chosen unit;
- :mod:`.data` — the store, and each page's figures as a small typed value, cached by the data
  version; the one home of a failed read (the page stops) and of a failed write (:func:`writing`);
- :mod:`.views` — Danish formats, read-only tables, charts, download data;
- :mod:`.manage` — widgets that change data: status editor, upload, history and undo, erasure;
- :mod:`.people` — the AMO's members and their training entitlement (page Uddannelse);
- :mod:`.meeting` — preparation and the meeting in four steps, saved as an import;
- :mod:`.documents` — the record (PDF) and the calendar (file and subscription link).

Nothing here computes a figure: that is ``amo_data.metrics``.
"""

from .data import (
    COUNT_COLUMNS, Choices, Comparison, MemberTiles, Overview, Plan, Strengths, Training, Trend, actions, audit_table,
    choices, compared, comparison, has_rows, known_departments, lazy_export, member_tiles, overview, plan, points,
    store, strengths, today, training, trend,
)
from .filters import Filters
from .manage import (
    action_editor, check_uploads, erase, history_with_undo, plan_intro, save_button, save_status_edits,
    show_check_result, show_long_table, show_problems, show_saved_message, upload_cap_mb, upload_files, upload_scope,
)
from .documents import calendar_section, record_download
from .meeting import (
    apply_edits, author_of, choose_department_year, clock, draft_of, meeting_setup, meeting_step, plan_step,
    preparation_form, save_section, work_step,
)
from .people import People, people, people_section
from .shell import (
    UPLOAD_PAGE, current_scope, current_user, empty_state, filter_params, nothing_chosen, sample_banner, setup,
    sidebar_filters,
)
from .units import (
    PAGE_SIZE, Scope, child_comparison, child_heatmap, children_overview, children_word, departments_with_points,
    drill_down, paged,
)
from .views import (
    ACTION_SHORT_COLUMNS, AUDIT_ACTIONS, XLSX_MIME, Chart, audit_details, chart, danish_number,
    danish_quarter, danish_time, figure_spec, lazy_excel, matrix_csv, matrix_csv_name, md_escape, plural, show_view,
)

__all__ = [
    "ACTION_SHORT_COLUMNS", "AUDIT_ACTIONS", "COUNT_COLUMNS", "PAGE_SIZE", "UPLOAD_PAGE", "XLSX_MIME", "Chart",
    "MemberTiles", "Scope", "child_comparison", "child_heatmap", "children_overview", "children_word",
    "current_scope", "departments_with_points", "drill_down", "filter_params", "member_tiles", "paged",
    "Choices", "Comparison", "Filters", "Overview", "Plan", "Strengths", "Training", "Trend", "action_editor",
    "actions", "audit_details", "audit_table", "chart", "check_uploads", "choices", "compared", "comparison",
    "current_user", "danish_number", "danish_quarter", "danish_time", "empty_state", "erase", "figure_spec",
    "has_rows", "history_with_undo", "known_departments", "lazy_excel", "lazy_export", "matrix_csv",
    "matrix_csv_name", "md_escape", "nothing_chosen", "overview", "plan", "plan_intro", "plural", "points",
    "sample_banner", "save_button", "save_status_edits", "setup", "show_check_result", "show_long_table",
    "show_problems", "show_saved_message", "show_view", "sidebar_filters", "store", "strengths",
    "today", "training", "trend", "upload_cap_mb", "upload_files", "upload_scope",
    "apply_edits", "author_of", "calendar_section", "choose_department_year", "clock", "draft_of", "meeting_setup",
    "meeting_step", "plan_step", "preparation_form", "record_download", "save_section", "work_step",
]
__all__ += ["People", "people", "people_section"]

# Everything imported so far (Streamlit, pandas, Plotly, SQLAlchemy, these modules: a few hundred
# thousand objects) lives as long as the server. Moving it out of the garbage collector's reach
# makes each full collection scan only what page runs created: otherwise one lands in a page run
# every few runs and scans all of it (bench/run.py measures the pages).
import gc as _gc  # noqa: E402

_gc.freeze()
