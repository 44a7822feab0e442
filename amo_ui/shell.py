"""What every page shares: configuration, sign-in, the menu, the filters and the empty state."""

from __future__ import annotations

import json
import time
import urllib.request

import pandas as pd
import streamlit as st

from amo_data import auth, sso
from amo_data.errors import AmoError, StoreUnavailable
from amo_data.text import clean, joined

from .data import Choices, forget_data_version, has_sample_data, show_write_error, store, table_groups, today, writing
from . import units
from .filters import Filters
from .views import md_escape


APP_TITLE = "AMO-kompetencer"


UPLOAD_PAGE = "pages/1_Upload.py"
USERS_PAGE = "pages/8_Brugere.py"


# The menu (Streamlit's own is switched off in .streamlit/config.toml so the home page can be
# called "Overblik" and every link can carry the filters).
NAVIGATION = (
    ("app.py", "Overblik", ":material/dashboard:"), ("pages/6_Mødeguide.py", "Mødeguide", ":material/groups:"),
    ("pages/9_Forberedelse.py", "Forberedelse", ":material/edit_note:"), ("pages/10_Møde.py", "Møde", ":material/timer:"),
    (UPLOAD_PAGE, "Upload", ":material/upload_file:"),
    ("pages/2_Styrker_og_behov.py", "Styrker og behov", ":material/balance:"),
    ("pages/3_Handleplan.py", "Handleplan", ":material/checklist:"),
    ("pages/4_Sammenlign_afdelinger.py", "Sammenlign afdelinger", ":material/compare_arrows:"),
    ("pages/5_Uddannelse.py", "Uddannelse", ":material/school:"),
    ("pages/7_Revisionslog.py", "Revisionslog", ":material/history:"),
    (USERS_PAGE, "Brugere", ":material/manage_accounts:"),
)


FILTER_PARAMS = ("aar", "enhed", "afd")


def setup(title: str, icon: str = "🦺") -> auth.User:
    """Page configuration, sign-in and the sidebar heading every page shares.

    Returns the signed-in user; without one the page stops at the sign-in form, so no page
    shows data to someone who is not signed in.
    """
    st.set_page_config(page_title=f"{title} · {APP_TITLE}", page_icon=icon, layout="wide")
    user = _sign_in()
    forget_data_version()  # read again, once, by the first load of this run
    _navigation(user)
    if user.is_local:
        st.sidebar.caption("Lokal enkeltbrugertilstand: der er ikke sat brugere op, så alle med adgang til "
                           "denne computer kan se og ændre alt.")
    else:
        st.sidebar.caption(f"Logget ind som {md_escape(user.label)}")
        if user.oidc and user.username != user.name:
            st.sidebar.caption(md_escape(user.username))
        if st.sidebar.button("Log ud", key="sign_out"):
            _sign_out(user)
    if message := st.session_state.pop("_toast", None):
        st.toast(md_escape(message), icon=":material/check_circle:")
    show_write_error()
    return user


def filter_params() -> dict[str, list[str]]:
    """The year, unit and departments of the address, for a link that keeps them."""
    return {k: st.query_params.get_all(k) for k in FILTER_PARAMS if k in st.query_params}


def _navigation(user: auth.User) -> None:
    """The sidebar menu; each link keeps the year, unit and departments chosen (they are in the URL)."""
    params = filter_params()
    for path, label, icon in NAVIGATION:
        if path.endswith("Revisionslog.py") and not user.can_see_audit():
            continue
        if path == USERS_PAGE and not user.can_manage_users():
            continue
        st.sidebar.page_link(path, label=label, icon=icon, query_params=params or None)
    st.sidebar.divider()


def configured_users() -> dict[str, auth.UserRecord] | None:
    """The local user list of secrets.toml (``[users]``), or None when there is none."""
    try:
        if not auth.users_configured(st.secrets):
            return None
        return auth.load_users(st.secrets)
    except AmoError as exc:
        st.error(f"Brugeropsætningen i .streamlit/secrets.toml er ugyldig: {exc.message}")
        st.stop()


def single_sign_on() -> tuple[list[tuple[str | None, str]], sso.RoleSource] | None:
    """The single sign-on providers of ``[auth]`` and where roles come from (``[auth.roles]``),
    or None when single sign-on is not configured."""
    try:
        providers = sso.oidc_providers(st.secrets)
        return (providers, sso.load_role_source(st.secrets)) if providers else None
    except AmoError as exc:
        st.error(f"Login-opsætningen ([auth]) i .streamlit/secrets.toml er ugyldig: {exc.message}")
        st.stop()


def _sign_in() -> auth.User:
    """The signed-in user, or the sign-in page (the run stops there).

    Single sign-on (``[auth]``) and the local user list (``[users]``) may both be configured:
    the sign-in page then offers both (the local list is the way in when the provider is down).
    Neither: local single-user mode."""
    users, sso = configured_users(), single_sign_on()
    if users is None and sso is None:
        return auth.LOCAL_USER
    if sso is not None and st.user.get("is_logged_in", False):
        return _sso_user(*sso)
    if (user := st.session_state.get("_user")) is not None and not user.oidc:
        return user
    st.session_state.pop("_user", None)
    st.title(APP_TITLE)
    st.subheader("Log ind")
    if sso is not None:
        _sso_buttons(sso[0], local_too=users is not None)
    if users is not None:
        if sso is not None:
            st.caption("Eller log ind med en lokal bruger:")
        _password_form(users)
    st.stop()


def _sso_user(providers: list[tuple[str | None, str]], source: sso.RoleSource) -> auth.User:
    """The person ``st.user`` names, with the role ``[auth.roles]`` gives; without a role, or
    when the sign-in is older than ``session_hours``, the run stops with a Danish message."""
    claims = st.user.to_dict()
    if sso.session_expired(claims, source, time.time()):
        st.session_state.pop("_user", None)
        st.title(APP_TITLE)
        st.info(f"Du har været logget ind i mere end {_hours(source.session_hours)}. "
                "Log ind igen for at fortsætte.")
        _sso_buttons(providers, local_too=False)
        st.stop()

    def stored_role(email: str):
        try:
            return store().role_of(email)
        except StoreUnavailable as exc:
            st.error(md_escape(exc.message), icon=":material/cloud_off:")
            st.stop()

    user = sso.oidc_user(claims, source, stored_role)
    if user is None:
        st.session_state.pop("_user", None)
        st.title(APP_TITLE)
        who = clean(str(claims.get(source.email_claim) or claims.get("sub") or "")) or "ukendt"
        st.warning(md_escape(sso.no_role_message(who, source)), icon=":material/lock:")
        if st.button("Log ud", key="sign_out"):
            st.logout()
        st.stop()
    st.session_state["_user"] = user
    return user


def _hours(hours: float) -> str:
    whole = int(hours) if float(hours).is_integer() else hours
    return f"{whole} time" if whole == 1 else f"{whole} timer"


def _provider_answers(metadata_url: str) -> bool:
    """Does the identity provider answer (its OpenID configuration, within a few seconds)?"""
    try:
        with urllib.request.urlopen(metadata_url, timeout=4) as response:
            return response.status == 200 and "authorization_endpoint" in json.loads(response.read(1_000_000))
    except Exception:  # noqa: BLE001 - refused, timed out, not JSON: it does not answer
        return False


def _sso_buttons(providers: list[tuple[str | None, str]], *, local_too: bool) -> None:
    """One button per provider that answers; when none answers, a Danish message instead
    (checked anew on every run, so also at the click)."""
    up = [(name, url) for name, url in providers if _provider_answers(url)]
    if not up:
        st.error("Du kan ikke logge ind lige nu: virksomhedens login-tjeneste svarer ikke. Prøv igen om lidt. "
                 "Fortsætter det, så kontakt jeres IT-afdeling."
                 + (" Har du en lokal bruger, kan du logge ind med den herunder." if local_too else ""),
                 icon=":material/cloud_off:")
        st.button("Prøv igen", key="sso_retry")
        return
    for name, _url in up:
        label = "Log ind med din arbejdskonto" if len(providers) == 1 or not name else f"Log ind med {name}"
        if st.button(label, type="primary", key=f"sso_{name or 'default'}", icon=":material/login:"):
            st.login(name)


def _password_form(users: dict[str, auth.UserRecord]) -> None:
    with st.form("sign_in"):
        username = st.text_input("Brugernavn", key="sign_in_user")
        password = st.text_input("Adgangskode", type="password", key="sign_in_password")
        submitted = st.form_submit_button("Log ind", type="primary")
    if submitted:
        address = st.context.ip_address  # None on this computer (and not a str in AppTest)
        attempt = auth.sign_in(users, _throttle(), username, password, address if isinstance(address, str) else None)
        for action, name, details in attempt.events:  # failed sign-ins and pauses, in the audit log
            with writing():
                store().record(action, name, details)
        if attempt.user is not None:
            st.session_state["_user"] = attempt.user
            st.rerun()
        st.error(attempt.message)


def _sign_out(user: auth.User) -> None:
    st.session_state.pop("_user", None)
    if user.oidc:
        st.logout()  # clears Streamlit's identity cookie, then the browser goes to the provider's sign-out
        st.stop()
    st.rerun()


@st.cache_resource(show_spinner=False)
def _throttle() -> auth.SignInThrottle:
    """The failed sign-ins of this server process (per user name and client address)."""
    return auth.SignInThrottle()


def current_user() -> auth.User:
    return st.session_state.get("_user") or auth.LOCAL_USER


def _remember(key: str, param: str) -> None:
    value = st.session_state[key]
    st.session_state[f"_keep_{key}"] = value
    if isinstance(value, list):
        st.query_params[param] = value
    elif value is None or value == ALL_YEARS:
        st.query_params.pop(param, None)
    else:
        st.query_params[param] = str(value)


ALL_YEARS = "Alle år"


def sidebar_filters(choices: Choices) -> Filters:
    """Year (this year by default), unit of the organisation tree and departments in the
    sidebar; they survive page changes and live in the URL. A unit narrows the departments to
    its subtree's, and the page shows where it is (a breadcrumb)."""
    default_year = today().year
    years = list(choices.years)
    params = st.query_params

    year_opts: list = [ALL_YEARS, *years]
    kept_year = st.session_state.get("_keep_year")
    if "aar" in params and params["aar"].isdigit() and int(params["aar"]) in years:
        kept_year = int(params["aar"])
    if kept_year not in year_opts:
        kept_year = default_year if default_year in years else (years[0] if years else ALL_YEARS)
    st.session_state["year"] = kept_year
    year = st.sidebar.selectbox("År", year_opts, key="year", on_change=_remember, args=("year", "aar"),
                                format_func=str)

    scope = units.select_scope(units.organisation())
    departments = list(scope.departments) if not scope.everything else list(choices.departments)
    kept_deps = st.session_state.get("_keep_departments", [])
    if "afd" in params:
        kept_deps = params.get_all("afd")
    kept_deps = [d for d in kept_deps if d in departments]
    st.session_state["departments"] = kept_deps
    if scope.key is not None and not scope.org.is_unit(scope.key):  # one department: nothing to pick
        chosen = []
        st.session_state["_keep_departments"] = []
        params.pop("afd", None)
    else:
        chosen = st.sidebar.multiselect("Afdelinger", departments, key="departments", on_change=_remember,
                                        placeholder="Alle afdelinger" if scope.everything else
                                        f"Alle i {scope.name}", args=("departments", "afd"))
        _remember("departments", "afd")
    _remember("year", "aar")
    st.session_state["_scope"] = scope
    units.breadcrumb(scope)
    year = None if year == ALL_YEARS else int(year)
    if chosen:
        return Filters(year, tuple(chosen))
    if scope.everything:
        return Filters(year, (), None if scope.key is None else scope.name)
    if not scope.org.is_unit(scope.key):  # a department
        return Filters(year, scope.departments)
    return Filters(year, scope.departments, scope.name)


def current_scope() -> units.Scope:
    """The unit chosen in the sidebar in this run (:func:`sidebar_filters` first)."""
    return st.session_state["_scope"]


_NOTHING = {"arbejdsark": ("punkter på arbejdsarket", "punkter", "Arbejdsark"),
            "handleplan": ("handlinger i handleplanen", "handlinger", "Handleplan"),
            "uddannelse": ("kurser i uddannelsesregistret", "kurser", "Uddannelse")}


def nothing_chosen(filters: Filters, table: str, groups: pd.DataFrame | None = None) -> str:
    """Why a page shows nothing for the chosen year and departments, and what to choose instead:
    the years that do have rows of ``table`` for these departments, or where to load them.
    ``groups``: the table's (department, year) groups, by default :func:`table_groups`."""
    what, short, sheet = _NOTHING[table]
    if filters.unit and filters.departments:
        who = f" for {md_escape(filters.unit)}"
    elif len(filters.departments) == 1:
        who = f" for {md_escape(filters.departments[0])}"  # shown as Markdown
    else:
        who = " for de valgte afdelinger" if filters.departments else ""
    when = f" i {filters.year}" if filters.year else ""
    text = f"Der er ingen {what}{who}{when}."
    groups = table_groups(table) if groups is None else groups
    years = sorted({int(y) for y in filters.scope({table: groups})[table]["year"].dropna()}, reverse=True)
    if years and filters.year:
        which = "året" if len(years) == 1 else "et af årene"
        return text + f" Der er {short} fra {joined([str(y) for y in years])}: vælg {which} i sidepanelet."
    return text + f" Udfyld arket {sheet} i skabelonen, og indlæs det på siden Upload."


def empty_state(choices: Choices) -> None:
    """Stop the page with a clear next step when nothing is stored yet."""
    if not choices.empty:
        return
    st.info("Der er ingen data endnu. Hent skabelonen, udfyld den efter jeres årlige drøftelse, "
            "og indlæs den på siden Upload.")
    st.page_link(UPLOAD_PAGE, label="Gå til Upload", icon=":material/upload_file:")
    st.stop()


def sample_banner() -> None:
    """Mark sample data clearly and offer one button that removes it."""
    if not has_sample_data():
        return
    if not current_user().can_delete_data():
        st.info("Du ser **eksempeldata** for en opdigtet virksomhed. En administrator kan fjerne dem.")
        return
    box = st.container(border=True)
    box.warning("Du ser **eksempeldata** for en opdigtet virksomhed. Fjern dem, før I indlæser jeres egne ark.")
    if box.button("Fjern eksempeldata", key="remove_sample"):
        with writing():
            removed = store().remove_sample_data(user=current_user().username)
            st.cache_data.clear()
            st.session_state["_toast"] = ("Eksempeldata er fjernet. De kan ses i importhistorikken som fortrudt."
                                          if removed else "Der var ingen eksempeldata at fjerne.")
            st.rerun()
