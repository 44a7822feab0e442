"""Realistic sample files: a Danish company's yearly competence discussions over several years.

``write_sample`` writes, for each department, what its work environment organisation (AMO)
would keep after the yearly discussion: the work sheet (Arbejdsark), the action plan
(Handleplan) and the register of supplementary training (Uddannelse). The files show the
forms the dashboard accepts:

* most departments: one ``.xlsx`` in the template's format (the first one with the
  ``Vejledning`` sheet, as a user who filled in the template would send it);
* the second department: three CSV files as Danish Excel saves "CSV (semikolonsepareret)":
  Windows-1252, ``;`` between fields, decimal comma, CRLF line ends, a header row;
* the fifth department: an ``.xlsx`` whose Arbejdsark uses the boxes of the paper work sheet
  (several points in one cell, one line each, starting with ``•``) under a title row.

One department (the third, ``Administration``) has not held its yearly discussion: its
newest Arbejdsark is from two years before ``end_year``, so the dashboard lists it among the
departments without a yearly discussion. Everything is drawn from ``random.Random(seed)`` and
the files carry fixed internal timestamps, so the same arguments give byte-identical files.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from . import vocab
from .quarters import Quarter, parse_quarter, quarter_of
from .schema import ARBEJDSARK, BOX_COLUMNS, CANONICAL, COLUMNS, HANDLEPLAN, UDDANNELSE
from .workbook import (
    canonical_rows,
    _style_header,
    add_data_sheet,
    add_lists_sheet,
    build_workbook,
    save_workbook,
    set_cell,
)

DEFAULT_SEED = 2026  # the command line's default seed, so `sample sample_data` rebuilds the committed files
DEFAULT_END_YEAR = 2026

EGEN, INDEFRA, UDEFRA = vocab.EGEN, vocab.INDEFRA, vocab.UDEFRA
VIGTIG, LYKKES, STYRKE = vocab.VIGTIG_OPGAVE, vocab.LYKKES, vocab.BRUG_FOR_AT_STYRKE

PSYK = "Psykisk arbejdsmiljø"
ERGO = "Ergonomi"
KEMI = "Kemisk og biologisk arbejdsmiljø"
FYS = "Fysisk arbejdsmiljø"
ULYK = "Ulykker og sikkerhed"
FRAV = "Sygefravær"
SAM = "Samarbejde i AMO"
FORM = "Inddragelse og formidling"
APV = "APV og systematisk arbejdsmiljøarbejde"

DEPARTMENTS = (
    "Produktion", "Lager", "Administration", "Kantine", "Værksted", "Salg",
    "Kvalitet", "Indkøb", "Logistik", "Kundeservice", "Rengøring", "Vedligehold",
    "Udvikling", "IT", "Økonomi", "HR", "Pakkeri", "Forsendelse",
)
CSV_INDEX = 1  # Lager: CSV files
LAGGING_INDEX = 2  # Administration: no recent discussion
BOX_INDEX = 4  # Værksted: the paper box layout

# Areas each department talks about most (others still come up now and then).
PROFILE = {
    "Produktion": (ERGO, KEMI, FYS, ULYK),
    "Lager": (ERGO, ULYK, FYS, FRAV),
    "Administration": (PSYK, FYS, FRAV, SAM),
    "Kantine": (KEMI, ERGO, ULYK, FYS),
    "Værksted": (KEMI, ULYK, FYS, ERGO),
    "Salg": (PSYK, FRAV, FORM, SAM),
}

# --------------------------------------------------------------------------------------
# What the discussions found, per area and category

POINTS: dict[str, dict[str, tuple[str, ...]]] = {
    PSYK: {
        VIGTIG: (
            "Forebygge stress i travle perioder",
            "Sikre en god modtagelse af nye kolleger",
            "Tydelige forventninger til hvad der skal prioriteres, når der er travlt",
            "Holde øje med arbejdsmængden, når kolleger er syge",
            "Forebygge krænkende handlinger og mobning",
        ),
        LYKKES: (
            "Vi er gode til at tage den svære samtale tidligt",
            "Der er god opbakning fra kollegerne, når det brænder på",
            "Vi har en god tone på morgenmøderne",
            "Lederen er synlig og let at få fat i",
            "Vi fejrer, når vi når vores mål",
        ),
        STYRKE: (
            "Brug for at styrke håndteringen af krænkende adfærd fra kunder",
            "Dialog om uklare og modstridende krav",
            "Vi mangler redskaber til at spotte tegn på stress hos kolleger",
            "Bedre opfølgning efter voldsomme episoder",
            "Samtaler om arbejdsmængde og prioritering",
            "Viden om, hvordan vi forebygger mobning og chikane",
        ),
    },
    ERGO: {
        VIGTIG: (
            "Færre tunge løft i hverdagen",
            "Hæve-sænkeborde og udstyr skal bruges rigtigt",
            "Variation i ensidigt gentaget arbejde",
            "Gode arbejdsstillinger ved skærmarbejde",
        ),
        LYKKES: (
            "Alle kender løftegrejet og bruger det",
            "Jobrotation mellem pakkeopgaver fungerer godt",
            "Nye medarbejdere får instruktion i løfteteknik første dag",
            "Vi har fået justerbare arbejdsborde ved alle pladser",
        ),
        STYRKE: (
            "Løfteteknik ved palleopfyldning",
            "Vurdering af belastninger ved nye arbejdsgange",
            "Instruktion i brug af tekniske hjælpemidler",
            "Indretning af arbejdspladser ved skærmarbejde",
            "Ergonomi ved arbejde med armene over skulderhøjde",
        ),
    },
    KEMI: {
        VIGTIG: (
            "Opdatere kemikalieoversigten",
            "Sikre at alle kender sikkerhedsdatabladene",
            "Udskifte de farligste produkter med mindre farlige",
            "Korrekt brug af handsker og åndedrætsværn",
        ),
        LYKKES: (
            "Sikkerhedsdatabladene ligger let tilgængeligt ved arbejdsstedet",
            "Vi har færre produkter på hylderne end for et år siden",
            "Alle bruger handsker ved opvask og rengøring",
            "Punktudsugningen bliver brugt og holdt ved lige",
        ),
        STYRKE: (
            "Risikovurdering af nye rengøringsmidler",
            "Kemisk risikovurdering af produkterne i værkstedet",
            "Arbejdspladsbrugsanvisninger til de nye produkter",
            "Viden om hudbelastning ved vådt arbejde",
            "Håndtering af spild og affald med farlige stoffer",
        ),
    },
    FYS: {
        VIGTIG: (
            "Et bedre indeklima i sommermånederne",
            "Mindre støj i produktionshallen",
            "Ordentlig belysning ved arbejdsstederne",
            "Træk fra portene i vinterhalvåret",
        ),
        LYKKES: (
            "Høreværn bliver brugt, hvor der er krav om det",
            "Den nye ventilation har givet et bedre indeklima",
            "Vi har fået bedre lys i lageret",
            "Der bliver luftet ud flere gange om dagen",
        ),
        STYRKE: (
            "Måling og vurdering af støj",
            "Indsats mod træk og kulde ved portene",
            "Styr på temperaturen i køkkenet om sommeren",
            "Vurdering af indeklimaet i mødelokalerne",
            "Viden om vibrationer fra håndværktøj",
        ),
    },
    ULYK: {
        VIGTIG: (
            "Færre ulykker med truck og palleløfter",
            "Ryddelige gangarealer og flugtveje",
            "Sikker brug af maskiner og afskærmninger",
            "Alle skal kende nødprocedurerne",
        ),
        LYKKES: (
            "Vi er gode til at registrere og følge op på nærved-ulykker",
            "Der er styr på afskærmningerne på maskinerne",
            "Førstehjælpskasserne er tjekket og fyldt op",
            "Alle nye får en sikkerhedsrundvisning",
        ),
        STYRKE: (
            "Analyse af årsager til arbejdsulykker",
            "Sikker adfærd ved truckkørsel",
            "Forebyggelse af snitskader og forbrændinger i køkkenet",
            "Risikovurdering før vedligeholdelse af maskiner",
            "Oplæring af vikarer i sikkerhedsregler",
        ),
    },
    FRAV: {
        VIGTIG: (
            "Tidlig dialog med sygemeldte kolleger",
            "Gode aftaler om delvis raskmelding",
            "Forstå årsagerne til det høje fravær",
        ),
        LYKKES: (
            "Sygefraværssamtalerne bliver holdt i en god tone",
            "Vi har fået kolleger godt tilbage efter længere sygdom",
            "Fraværet er faldet siden sidste år",
        ),
        STYRKE: (
            "Viden om sammenhængen mellem arbejdsmiljø og fravær",
            "Opfølgning på langtidssygemeldte",
            "Redskaber til omsorgssamtaler",
            "Tilrettelæggelse af arbejdet ved delvis raskmelding",
        ),
    },
    SAM: {
        VIGTIG: (
            "Faste møder i arbejdsmiljøgruppen",
            "Klar rollefordeling mellem AMR og arbejdsleder",
            "Arbejdsmiljø som fast punkt på personalemøderne",
        ),
        LYKKES: (
            "Møderne i arbejdsmiljøgruppen bliver holdt som planlagt",
            "AMR og leder har et godt og tæt samarbejde",
            "Referaterne bliver sendt ud hurtigt",
        ),
        STYRKE: (
            "Opfølgning på beslutninger fra AMO-møderne",
            "Samarbejdet mellem arbejdsmiljøudvalget og afdelingerne",
            "Prioritering af de mange opgaver i arbejdsmiljøgruppen",
            "Tid til arbejdsmiljøarbejdet i en travl hverdag",
        ),
    },
    FORM: {
        VIGTIG: (
            "Kollegerne skal vide, hvem deres AMR er",
            "Inddrage medarbejderne i forandringer",
            "Formidle resultaterne af APV'en",
        ),
        LYKKES: (
            "Opslagstavlen om arbejdsmiljø bliver læst",
            "Medarbejderne kommer selv med forslag til forbedringer",
            "Korte arbejdsmiljønyheder på morgenmødet virker",
        ),
        STYRKE: (
            "Formidling og involvering af kollegerne i arbejdsmiljøarbejdet",
            "Vi skal blive bedre til at fortælle, hvad arbejdsmiljøgruppen laver",
            "Inddragelse af vikarer og udenlandske kolleger",
            "Kommunikation om arbejdsmiljø på flere sprog",
        ),
    },
    APV: {
        VIGTIG: (
            "APV'en skal være færdig inden sommerferien",
            "Handlingsplanen fra APV'en skal følges op",
            "Et årshjul for arbejdsmiljøarbejdet",
            "Den årlige arbejdsmiljødrøftelse skal holdes til tiden",
        ),
        LYKKES: (
            "Vi har et årshjul, som vi følger",
            "APV-handlingsplanen bliver fulgt op hvert kvartal",
            "Den årlige arbejdsmiljødrøftelse blev holdt med god deltagelse",
        ),
        STYRKE: (
            "Metoder til at kortlægge arbejdsmiljøet i APV'en",
            "Prioritering af indsatser i handlingsplanen",
            "Viden om de nye regler for systematisk arbejdsmiljøarbejde",
            "Sammenhæng mellem APV, ulykker og sygefravær",
        ),
    },
}

# Actions for the plan: area -> help route -> (Hvad, Hvorfor, Hvordan)
ACTIONS: dict[str, dict[str, tuple[tuple[str, str, str], ...]]] = {
    PSYK: {
        EGEN: (
            ("Kursus i håndtering af krænkende adfærd", "Flere episoder med krænkende adfærd fra kunder",
             "Supplerende arbejdsmiljøuddannelse for AMR og arbejdsleder"),
            ("Kursus i forebyggelse af stress", "Travle perioder slider på kollegerne",
             "2-dages kursus hos arbejdsmiljøuddannelsen"),
        ),
        INDEFRA: (
            ("Dialog om uklare og modstridende krav", "Kolleger oplever modstridende krav fra ledelse og kunder",
             "Dialogmøder i teams med den interne arbejdsmiljøkonsulent"),
            ("Fælles retningslinje mod krænkelser", "Retningslinjen er forældet",
             "HR og arbejdsmiljøgruppen skriver et udkast"),
        ),
        UDEFRA: (
            ("Trivselsmåling og opfølgning med ekstern rådgiver", "Uro i afdelingen efter omstruktureringen",
             "Sagkyndig bistand fra autoriseret arbejdsmiljørådgiver"),
            ("Psykologisk krisehjælp og debriefing", "Opfølgning efter voldsom episode",
             "Aftale med ekstern psykolog"),
        ),
    },
    ERGO: {
        EGEN: (
            ("Instruktørkursus i løfteteknik", "Mange tunge løft ved palleopfyldning",
             "AMR tager kursus og instruerer kollegerne bagefter"),
            ("Kursus i ergonomi ved skærmarbejde", "Flere har ondt i nakke og skuldre",
             "Supplerende arbejdsmiljøuddannelse for AMR"),
        ),
        INDEFRA: (
            ("Gennemgang af arbejdsstederne med ergonomisk tjekliste", "Få styr på de største belastninger",
             "AMR og arbejdsleder går runden sammen"),
            ("Jobrotation ved pakkebordene", "Ensidigt gentaget arbejde",
             "Holdlederne lægger en ny vagtplan"),
        ),
        UDEFRA: (
            ("Ergonomisk vurdering af nye arbejdsgange", "Ny produktionslinje i drift",
             "Sagkyndig bistand fra fysioterapeut fra arbejdsmiljørådgivning"),
        ),
    },
    KEMI: {
        EGEN: (
            ("Kursus i kemisk risikovurdering", "Vi bruger flere nye produkter",
             "Supplerende arbejdsmiljøuddannelse om kemi for AMR og arbejdsleder"),
        ),
        INDEFRA: (
            ("Oprydning i kemikalieoversigten", "Oversigten er ikke opdateret",
             "Indkøb og AMR gennemgår alle produkter"),
            ("Arbejdspladsbrugsanvisninger til alle produkter", "Mangler for de nye produkter",
             "Den interne miljøkoordinator hjælper med skabelonen"),
        ),
        UDEFRA: (
            ("Kemisk risikovurdering", "Nye produkter og uklare sikkerhedsdatablade",
             "Sagkyndig bistand fra en autoriseret arbejdsmiljørådgiver"),
            ("Måling af luftforurening ved svejsning", "Kolleger klager over røg",
             "Ekstern målefirma måler og rådgiver"),
        ),
    },
    FYS: {
        EGEN: (
            ("Kursus om støj og hørelse", "Flere arbejder tæt på støjende maskiner",
             "Supplerende arbejdsmiljøuddannelse for AMR"),
        ),
        INDEFRA: (
            ("Plan for bedre indeklima om sommeren", "For varmt i køkkenet og på kontorerne",
             "Vedligeholdsafdelingen ser på ventilation og solafskærmning"),
            ("Lukning af porte og varmeforhæng", "Træk og kulde ved portene",
             "Teknisk afdeling laver et overslag"),
        ),
        UDEFRA: (
            ("Støjmåling i produktionshallen", "Usikkert om grænseværdierne er overholdt",
             "Sagkyndig bistand fra akustiker"),
            ("Indeklimamåling i kontorlokalerne", "Mange klager over hovedpine og tør luft",
             "Arbejdsmiljørådgiver måler CO2 og temperatur"),
        ),
    },
    ULYK: {
        EGEN: (
            ("Kursus i ulykkesanalyse", "Samme type ulykker gentager sig",
             "Supplerende arbejdsmiljøuddannelse for AMR og arbejdsleder"),
        ),
        INDEFRA: (
            ("Sikkerhedsrunderinger hver måned", "Rod på gangarealerne",
             "AMR og arbejdsleder runderer sammen med en fast tjekliste"),
            ("Opfriskning af truckcertifikater", "Flere nærved-ulykker med truck",
             "Intern instruktør fra lageret"),
        ),
        UDEFRA: (
            ("Risikovurdering af maskinerne", "Nye maskiner og ældre afskærmninger",
             "Sagkyndig bistand fra maskinsikkerhedsrådgiver"),
            ("Førstehjælpskursus for alle", "Kun få har gyldigt førstehjælpsbevis",
             "Ekstern udbyder holder kurset på stedet"),
        ),
    },
    FRAV: {
        EGEN: (
            ("Kursus i omsorgssamtaler", "Lederne er usikre på samtalerne",
             "Kursus for ledere og AMR"),
        ),
        INDEFRA: (
            ("Analyse af sygefraværet", "Fraværet er steget",
             "HR laver en opgørelse pr. afdeling"),
        ),
        UDEFRA: (
            ("Rådgivning om fravær og arbejdsmiljø", "Høj andel langtidssygemeldte",
             "Sagkyndig bistand fra arbejdsmiljørådgiver"),
        ),
    },
    SAM: {
        EGEN: (
            ("Kursus i godt samarbejde i arbejdsmiljøorganisationen", "Ny AMR og ny arbejdsleder",
             "Supplerende arbejdsmiljøuddannelse for begge"),
        ),
        INDEFRA: (
            ("Fast mødeplan og årshjul for arbejdsmiljøgruppen", "Møder bliver aflyst",
             "Ledelsen og AMR aftaler faste datoer"),
        ),
        UDEFRA: (
            ("Temadag om samarbejde i AMO", "Behov for at se på roller og opgaver",
             "Ekstern konsulent faciliterer dagen"),
        ),
    },
    FORM: {
        EGEN: (
            ("Supplerende uddannelse i formidling og involvering", "Kollegerne kender ikke arbejdsmiljøarbejdet",
             "2-dages kursus for AMR og arbejdsleder"),
        ),
        INDEFRA: (
            ("Arbejdsmiljø som fast punkt på personalemøder", "Informationen når ikke ud",
             "Kommunikationsafdelingen hjælper med korte nyheder"),
            ("Oversættelse af sikkerhedsinstruktioner", "Flere kolleger taler ikke dansk",
             "HR finder kolleger, der kan oversætte"),
        ),
        UDEFRA: (
            ("Workshop om inddragelse af medarbejderne", "Lav deltagelse i APV'en",
             "Ekstern arbejdsmiljørådgiver holder workshoppen"),
        ),
    },
    APV: {
        EGEN: (
            ("Kursus i APV-metoder", "APV'en giver ikke et klart billede",
             "Supplerende arbejdsmiljøuddannelse for AMR"),
        ),
        INDEFRA: (
            ("Årshjul for arbejdsmiljøarbejdet", "Opgaverne bliver glemt",
             "Arbejdsmiljøgruppen laver årshjulet på næste møde"),
            ("Opfølgning på APV-handlingsplanen", "Flere punkter er ikke lukket",
             "Status på hvert AMO-møde"),
        ),
        UDEFRA: (
            ("Hjælp til den nye APV", "Sidste APV er tre år gammel",
             "Sagkyndig bistand fra autoriseret arbejdsmiljørådgiver"),
        ),
    },
}

WHO = {
    EGEN: ("AMR", "AMR og arbejdsleder", "Arbejdsleder", "Afdelingsleder"),
    INDEFRA: ("HR", "Arbejdsmiljøleder", "Afdelingsleder", "AMR og arbejdsleder", "Teknisk chef"),
    UDEFRA: ("Arbejdsmiljøleder", "Direktionen", "Afdelingsleder", "HR"),
}
FOLLOW_UP = (
    "På næste AMO-møde", "Status hvert kvartal i arbejdsmiljøgruppen", "Ved den årlige arbejdsmiljødrøftelse",
    "På personalemødet efter indsatsen", "Arbejdsleder følger op efter 3 måneder", "",
)
ROLES = ("AMR", "Arbejdsleder", "Leder", "Medarbejder", "TR")
COURSES = (
    "Supplerende arbejdsmiljøuddannelse: psykisk arbejdsmiljø",
    "Supplerende arbejdsmiljøuddannelse: kemi og risikovurdering",
    "Supplerende arbejdsmiljøuddannelse: ergonomi og løfteteknik",
    "Supplerende arbejdsmiljøuddannelse: formidling og involvering",
    "Supplerende arbejdsmiljøuddannelse: ulykkesforebyggelse",
    "Supplerende arbejdsmiljøuddannelse: den gode APV",
    "Supplerende arbejdsmiljøuddannelse: forebyggelse af krænkelser",
    "Supplerende arbejdsmiljøuddannelse: stress og arbejdspres",
)
MANDATORY_COURSE = "Obligatorisk arbejdsmiljøuddannelse"
FIRST_NAMES = ("Anne", "Bo", "Camilla", "Dorthe", "Erik", "Frederik", "Gitte", "Hanne", "Ida", "Jens",
               "Karina", "Lars", "Mette", "Niels", "Ole", "Pia", "Rasmus", "Susanne", "Thomas", "Ulla",
               "Vibeke", "Søren", "Jørgen", "Åse", "Mads", "Louise", "Kim", "Ahmed", "Fatima", "Marek")
LAST_NAMES = ("Jensen", "Nielsen", "Hansen", "Pedersen", "Andersen", "Christensen", "Larsen", "Sørensen",
              "Rasmussen", "Jørgensen", "Petersen", "Madsen", "Kristensen", "Olsen", "Thomsen", "Møller",
              "Kjær", "Holm", "Østergaard", "Dahl")

ACTION_STATUSES = (vocab.IKKE_STARTET, vocab.PLANLAGT, vocab.I_GANG, vocab.GENNEMFOERT, vocab.AFLYST)
TRAINING_STATUSES = ("Tilbudt", "Tilmeldt", "Gennemført", "Afslået", "Aflyst")


def department_names(count: int) -> list[str]:
    names = list(DEPARTMENTS[:count])
    while len(names) < count:
        names.append(f"Afdeling {len(names) + 1}")
    return names


def slug(name: str) -> str:
    text = name.lower().replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    return "".join(ch if ch.isalnum() else "_" for ch in text).strip("_")


# --------------------------------------------------------------------------------------
# Generation of canonical tables


@dataclass
class Person:
    role: str
    name: str
    joined: dt.date
    left: int | None = None  # last year in the AMO


def _when_form(rng: random.Random, q: Quarter, plan_year: int) -> str:
    """A quarter written in one of the ways people write it."""
    forms = [
        f"{q.quarter}. kvt. {q.year}", f"{q.quarter}. kvartal {q.year}", f"{q.year}-Q{q.quarter}",
        f"Q{q.quarter} {q.year}", f"K{q.quarter} {q.year}",
    ]
    if q.year == plan_year:
        forms.append(f"{q.quarter}. kvartal")
    if rng.random() < 0.15:  # a deadline date inside the quarter
        month = 3 * q.quarter - rng.randint(0, 2)
        day = dt.date(q.year, month, rng.choice((1, 15, 28)))
        return day.strftime("%d-%m-%Y")
    return rng.choice(forms)


def _pick_areas(rng: random.Random, department: str, count: int) -> list[str]:
    favoured = set(PROFILE.get(department, ()))
    pool = list(POINTS)
    weights = [4 if a in favoured else 1 for a in pool]
    chosen: list[str] = []
    while len(chosen) < count:
        area = rng.choices(pool, weights)[0]
        if area not in chosen:
            chosen.append(area)
    return chosen


def _arbejdsark(rng: random.Random, department: str, year: int, meeting: dt.date,
                date_known: bool) -> list[dict]:
    rows: list[dict] = []
    for area in _pick_areas(rng, department, rng.randint(4, 6)):
        categories = [VIGTIG, LYKKES, STYRKE]
        wanted = rng.sample(categories, rng.randint(1, 3))
        if STYRKE not in wanted and rng.random() < 0.5:
            wanted.append(STYRKE)
        for category in categories:
            if category not in wanted:
                continue
            for text in rng.sample(POINTS[area][category], rng.randint(1, 3) if category == STYRKE else rng.randint(1, 2)):
                help_type = None
                rating = None
                if category == STYRKE:
                    help_type = rng.choices([EGEN, INDEFRA, UDEFRA, None], [4, 3, 3, 1])[0]
                    rating = rng.randint(1, 3)
                elif category == LYKKES:
                    rating = rng.randint(4, 5)
                elif rng.random() < 0.5:
                    rating = rng.randint(2, 4)
                if rng.random() < 0.15:
                    rating = None
                rows.append({
                    "department": department, "year": year, "date": meeting if date_known else None,
                    "area": area, "category": category, "description": text, "help": help_type,
                    "rating": rating, "role": rng.choice(ROLES) if rng.random() < 0.8 else None,
                })
    return rows


def _status(rng: random.Random, year: int, end_year: int, q: Quarter) -> str:
    """A believable status seen from the autumn of ``end_year``."""
    if year < end_year - 1:
        return rng.choices(ACTION_STATUSES, [0, 0, 1, 17, 2])[0]
    if year < end_year:
        return rng.choices(ACTION_STATUSES, [1, 1, 3, 12, 2])[0]
    if q.urgent:
        return rng.choice((vocab.IKKE_STARTET, vocab.I_GANG, vocab.I_GANG))
    if q.end < dt.date(end_year, 10, 1):  # the quarter is over: done, or overdue
        return rng.choices(ACTION_STATUSES, [1, 1, 3, 6, 1])[0]
    return rng.choices(ACTION_STATUSES, [3, 4, 3, 1, 0])[0]


def _handleplan(rng: random.Random, department: str, year: int, end_year: int, plan_date: dt.date,
                needs: Sequence[dict]) -> list[dict]:
    rows: list[dict] = []
    used: set[str] = set()
    candidates = [n for n in needs]
    rng.shuffle(candidates)
    count = rng.randint(3, 5)
    for need in candidates:
        if len(rows) >= count:
            break
        area = need["area"]
        route = need["help"] or rng.choice((EGEN, INDEFRA, UDEFRA))
        options = [a for a in ACTIONS[area][route] if a[0] not in used]
        if not options:
            continue
        what, why, how = rng.choice(options)
        used.add(what)
        urgent = rng.random() < 0.1
        if urgent:
            q = Quarter(plan_date.year, quarter_of(plan_date), urgent=True)
            when = rng.choice(("Snarest", "Snarest", "Straks", "Så hurtigt som muligt"))
        else:
            first = quarter_of(plan_date)
            quarter = rng.randint(min(first + 1, 4), 4) if rng.random() < 0.85 else first
            q = Quarter(year, quarter)
            if quarter == 4 and rng.random() < 0.2:
                q = Quarter(year + 1, 1)
            when = _when_form(rng, q, year)
        parsed = parse_quarter(when, year, plan_date)
        assert parsed is not None and (parsed.year, parsed.quarter, parsed.urgent) == (q.year, q.quarter, urgent)
        rows.append({
            "department": department, "year": year, "date": plan_date, "what": what, "area": area,
            "why": why if rng.random() < 0.9 else None, "how": how if rng.random() < 0.85 else None,
            "help": route, "when": when, "quarter": q.label, "urgent": urgent,
            "who": rng.choice(WHO[route]), "follow_up": rng.choice(FOLLOW_UP) or None,
            "status": _status(rng, year, end_year, q),
        })
    return rows


def _person(rng: random.Random, role: str, joined: dt.date) -> Person:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    if rng.random() < 0.6:
        name = f"{first[0]}{last[0]}"
        if rng.random() < 0.5:
            name = f"{first[0]}{rng.choice(LAST_NAMES)[0]}{last[0]}"
    else:
        name = f"{first} {last}"
    return Person(role, name, joined)


def _uddannelse(rng: random.Random, department: str, years: Sequence[int], end_year: int,
                turnover: bool) -> list[dict]:
    start = years[0]
    people = [
        _person(rng, "AMR", dt.date(start - rng.randint(0, 3), rng.randint(1, 12), 1)),
        _person(rng, "Arbejdsleder", dt.date(start - rng.randint(1, 6), rng.randint(1, 12), 1)),
    ]
    if turnover and len(years) > 1:
        people[0].left = years[0]
        people.append(_person(rng, "AMR", dt.date(years[1], rng.randint(2, 5), 1)))
    rows: list[dict] = []
    for year in years:
        for person in people:
            if person.joined.year > year or (person.left is not None and year > person.left):
                continue
            if person.joined.year == year:
                q = Quarter(year, min(4, quarter_of(person.joined) + 1))
                done = year < end_year or q.quarter < 4
                rows.append(_training(rng, department, person, MANDATORY_COURSE, 22.2, q,
                                      "Gennemført" if done else "Tilmeldt"))
            first_year = person.joined.year + (1 if person.joined.month > 6 else 0)
            hours = 14.8 if year == first_year else 11.1
            if year < first_year:
                continue
            q = Quarter(year, rng.randint(1, 4))
            if year < end_year:
                status = rng.choices(("Gennemført", "Afslået", "Aflyst"), [16, 2, 2])[0]
            elif q.quarter < 4:  # seen from the autumn of end_year: over
                status = rng.choices(("Gennemført", "Afslået", "Aflyst"), [8, 1, 1])[0]
            else:
                status = rng.choices(("Tilbudt", "Tilmeldt"), [2, 3])[0]
            rows.append(_training(rng, department, person, rng.choice(COURSES), hours, q, status))
        if rng.random() < 0.25:
            leader = _person(rng, "Leder", dt.date(year - 3, 1, 1))
            rows.append(_training(rng, department, leader, "Ledelse af arbejdsmiljø", 7.4,
                                  Quarter(year, rng.randint(1, 4) if year < end_year else 4),
                                  "Gennemført" if year < end_year else "Tilbudt"))
    return rows


def _training(rng: random.Random, department: str, person: Person, course: str, hours: float,
              q: Quarter, status: str) -> dict:
    if rng.random() < 0.3:
        month = 3 * q.quarter - rng.randint(0, 2)
        when = dt.date(q.year, month, rng.randint(1, 28)).strftime("%d-%m-%Y")
    else:
        when = rng.choice((f"{q.quarter}. kvt. {q.year}", f"{q.year}-Q{q.quarter}", f"{q.quarter}. kvartal {q.year}"))
    return {
        "department": department, "role": person.role, "name": person.name, "joined": person.joined,
        "course": course, "hours": hours, "when": when, "year": q.year, "quarter": q.label,
        "status": status,
    }


def _frame(table: str, rows: list[dict]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=list(CANONICAL[table]))
    if table == ARBEJDSARK:
        df["rating"] = df["rating"].astype("Int64")
    return df


def generate(departments: int = 6, years: int = 3, seed: int = DEFAULT_SEED,
             end_year: int = DEFAULT_END_YEAR) -> dict[str, dict[str, pd.DataFrame]]:
    """Canonical tables of the sample company, per department."""
    if departments < 1 or years < 1:
        raise ValueError("departments and years must be at least 1")
    rng = random.Random(seed)
    year_list = list(range(end_year - years + 1, end_year + 1))
    names = department_names(departments)
    lagging = LAGGING_INDEX if departments > LAGGING_INDEX else departments - 1
    result: dict[str, dict[str, pd.DataFrame]] = {}
    for index, department in enumerate(names):
        ark: list[dict] = []
        plan: list[dict] = []
        for year in year_list:
            if index == lagging and departments > 1 and year > end_year - 2:
                continue  # this department has not held its discussion since
            meeting = dt.date(year, 2, 1) + dt.timedelta(days=rng.randint(0, 110))
            entries = _arbejdsark(rng, department, year, meeting, date_known=rng.random() < 0.85)
            ark.extend(entries)
            needs = [e for e in entries if e["category"] == STYRKE]
            plan_date = meeting + dt.timedelta(days=rng.randint(7, 35))
            plan.extend(_handleplan(rng, department, year, end_year, plan_date, needs))
        training = _uddannelse(rng, department, year_list, end_year, turnover=index == CSV_INDEX)
        result[department] = {
            ARBEJDSARK: _frame(ARBEJDSARK, ark),
            HANDLEPLAN: _frame(HANDLEPLAN, plan),
            UDDANNELSE: _frame(UDDANNELSE, training),
        }
    _ensure_coverage(rng, result, end_year)
    return result


def _ensure_coverage(rng: random.Random, result: dict[str, dict[str, pd.DataFrame]], end_year: int) -> None:
    """Make sure every help route and every status occurs at least once."""
    plans = [t[HANDLEPLAN] for t in result.values() if len(t[HANDLEPLAN])]
    if plans:
        seen = set().union(*(set(p["status"]) for p in plans))
        newest = max(plans, key=lambda p: (p["year"].max(), len(p)))
        candidates = [i for i in newest.index if not newest.at[i, "urgent"]]
        for status, i in zip([s for s in ACTION_STATUSES if s not in seen], candidates):
            newest.at[i, "status"] = status
        seen_help = set().union(*(set(p["help"]) for p in plans))
        for route in (EGEN, INDEFRA, UDEFRA):
            if route not in seen_help:
                i = newest.index[-1]
                newest.at[i, "help"] = route
    trainings = [t[UDDANNELSE] for t in result.values() if len(t[UDDANNELSE])]
    if trainings:
        seen = set().union(*(set(t["status"]) for t in trainings))
        newest = trainings[0]
        for status, i in zip([s for s in TRAINING_STATUSES if s not in seen], newest.index):
            newest.at[i, "status"] = status


# --------------------------------------------------------------------------------------
# Files


def _csv_value(value: object) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool):
        return "Ja" if value else "Nej"
    if isinstance(value, (dt.date, pd.Timestamp)):
        return value.strftime("%d-%m-%Y")
    if isinstance(value, float):
        text = f"{value:.2f}".rstrip("0").rstrip(".")
        return text.replace(".", ",")
    return str(value)


def write_danish_csv(path: Path, table: str, df: pd.DataFrame) -> None:
    """One table as Danish Excel saves CSV: Windows-1252, ';', decimal comma, CRLF."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([c.header for c in COLUMNS[table]])
    for values in canonical_rows(table, df):
        writer.writerow([_csv_value(v) for v in values])
    path.write_bytes(buffer.getvalue().encode("cp1252"))


BOX_HEADERS = (
    "Vigtige opgaver og fokuspunkter", "Dette lykkes vi med", "Brug for at styrke",
    "Egen kompetenceudvikling", "Brug for andre på arbejdspladsen", "Brug for hjælp udefra",
)


def _box_of(category: str, help_type: object) -> str:
    for header in BOX_HEADERS:
        if BOX_COLUMNS[header] == (category, help_type if isinstance(help_type, str) else None):
            return header
    raise ValueError((category, help_type))


def write_box_workbook(path: Path, department: str, tables: dict[str, pd.DataFrame],
                       timestamp: dt.datetime) -> None:
    """Arbejdsark in the paper tool's box layout under a title row; the other sheets as the template."""
    wb = Workbook()
    wb.remove(wb.active)
    ws = wb.create_sheet("Arbejdsark")
    ranges = add_lists_sheet(wb)
    ws.cell(row=1, column=1, value=f"Drøft kompetencerne til jeres arbejdsmiljøarbejde – {department}").font = \
        Font(bold=True, size=14)
    headers = ["Afdeling", "År", "Område", *BOX_HEADERS]
    _style_header(ws, headers, row=3)
    ark = tables[ARBEJDSARK]
    row = 4
    for (year, area), group in ark.groupby(["year", "area"], sort=True):
        set_cell(ws, row, 1, department)
        set_cell(ws, row, 2, int(year))
        set_cell(ws, row, 3, area)
        for offset, header in enumerate(BOX_HEADERS, start=4):
            lines = [r["description"] for r in group.to_dict("records")
                     if _box_of(r["category"], r["help"]) == header]
            if not lines:
                continue
            text = lines[0] if len(lines) == 1 else "\n".join(f"• {line}" for line in lines)
            cell = set_cell(ws, row, offset, text)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        row += 1
    ws.freeze_panes = "A4"
    for index, width in enumerate((14, 8, 30, 40, 40, 40, 40, 40, 40), start=1):
        ws.column_dimensions[chr(64 + index)].width = width
    for table in (HANDLEPLAN, UDDANNELSE):
        add_data_sheet(wb, table, canonical_rows(table, tables[table]), ranges)
    wb.move_sheet(wb["Lister"], offset=len(wb.sheetnames) - 1 - wb.index(wb["Lister"]))
    wb.active = 0
    save_workbook(wb, path, timestamp=timestamp)


def write_sample(out_dir: str | Path, departments: int = 6, years: int = 3, seed: int = DEFAULT_SEED,
                 end_year: int = DEFAULT_END_YEAR) -> list[Path]:
    """Write the sample company's files into ``out_dir`` (created if needed); returns their paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    data = generate(departments, years, seed, end_year)
    timestamp = dt.datetime(end_year, 1, 1)
    span = f"{end_year - years + 1}-{end_year}" if years > 1 else f"{end_year}"
    paths: list[Path] = []
    for index, (department, tables) in enumerate(data.items()):
        base = slug(department)
        if index == CSV_INDEX:
            for table in (ARBEJDSARK, HANDLEPLAN, UDDANNELSE):
                if len(tables[table]) == 0:
                    continue
                path = out / f"{base}_{table}.csv"
                write_danish_csv(path, table, tables[table])
                paths.append(path)
        elif index == BOX_INDEX and len(tables[ARBEJDSARK]):
            path = out / f"{base}_papirskema_{span}.xlsx"
            write_box_workbook(path, department, tables, timestamp)
            paths.append(path)
        else:
            path = out / f"{base}_{span}.xlsx"
            wb = build_workbook(tables, include_guide=index == 0)
            save_workbook(wb, path, timestamp=timestamp)
            paths.append(path)
    return paths
