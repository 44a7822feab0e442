"""The Danish words of the sample company: what its AMOs find, plan and attend.

Only content: :mod:`amo_data.sample` draws from these lists to write the sample files.
"""

from __future__ import annotations

from . import vocab

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
