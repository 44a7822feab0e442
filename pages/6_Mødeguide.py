"""Mødeguide: the seed tool's method for the people who run the yearly competence meeting."""

import streamlit as st

import amo_ui as ui
from amo_data.template import write_template

ui.setup("Mødeguide", "🗓️")
st.title("Mødeguide: drøft kompetencerne til jeres arbejdsmiljøarbejde")

st.markdown(
    """
Brug guiden, når I én gang om året drøfter, om arbejdsmiljøorganisationen (AMO) har de
kompetencer, den har brug for. Drøftelsen kan være en del af den årlige arbejdsmiljødrøftelse.
Resultatet er en **handleplan**, som I indlæser her i værktøjet.
"""
)

st.header("Formål")
st.markdown(
    """
- At se, hvordan jeres kompetencer passer til de opgaver, I skal løse i arbejdsmiljøarbejdet.
- At starte med det, I lykkes godt med, og derefter tale om det, I gerne vil styrke.
- At beslutte, hvordan I styrker det: ved egen kompetenceudvikling, med hjælp fra andre på
  arbejdspladsen eller med hjælp udefra.
"""
)

st.header("Hvad siger reglerne?")
st.markdown(
    """
Reglerne står i arbejdsmiljølovens § 6 d, i bekendtgørelse nr. 1838 af 2023 om samarbejde om
arbejdsmiljø og i Arbejdstilsynets vejledning F.3.7-1 (opdateret 1. februar 2024). De gælder for
hver **arbejdsmiljørepræsentant (AMR)** og **arbejdsleder** i arbejdsmiljøorganisationen.

- **Den obligatoriske arbejdsmiljøuddannelse.** Den skal være gennemført senest 3 måneder efter,
  personen er trådt ind i AMO. Den varer 3 dage (22 timer). Findes dagen ikke i måneden, er
  fristen månedens sidste dag: tiltrådt 30. november 2026, senest 28. februar 2027.
- **Supplerende uddannelse.** Arbejdsgiveren skal *tilbyde* supplerende uddannelse:
  2 dage (ca. 14,8 timer) i det første funktionsår og 1½ dag (ca. 11,1 timer) i hvert funktionsår
  derefter. Funktionsåret regnes fra den dag, personen trådte ind i AMO (tiltrådt 1. september
  2026: første funktionsår løber til og med 31. august 2027).
- **Ubrugte dage bortfalder.** Timer, der ikke er tilbudt inden for funktionsåret, kan ikke
  flyttes til næste år.
- **Pligten er at tilbyde.** Et tilbud, personen har sagt nej til, tæller som givet. Et kursus,
  der er aflyst, tæller ikke.
- **Årlig drøftelse af kompetencer.** Én gang om året skal I drøfte, hvilken supplerende
  uddannelse AMR og arbejdslederne skal have, og om virksomheden har den viden om arbejdsmiljø,
  den har brug for.
- **Sagkyndig bistand.** Kan et arbejdsmiljøproblem ikke løses med virksomhedens egen viden, skal
  arbejdsgiveren sørge for sagkyndig bistand, fx fra en autoriseret arbejdsmiljørådgiver.

Skriv AMO's medlemmer i arket **Medlemmer** og kurserne i arket **Uddannelse**. Så viser siden
Uddannelse for hver person, om uddannelsen er tilbudt, og hvornår fristen er.
"""
)
st.page_link("pages/5_Uddannelse.py", label="Gå til Uddannelse", icon=":material/school:")

st.header("Forberedelse (ca. 30 minutter pr. deltager)")
st.markdown(
    """
Hver deltager udfylder forberedelsesarket før mødet og tager det med:

1. **Vigtige opgaver og fokuspunkter:** Hvilke vigtige arbejdsmiljøopgaver har vi det kommende
   år? Se fx i APV-handlingsplanen, ulykkesregistreringen og sygefraværet.
2. **Dette lykkes vi med:** Hvilke arbejdsmiljøproblemer forebygger vi allerede godt? Hvad gør vi,
   når det lykkes?
3. **Brug for at styrke:** Hvor har vi brug for mere viden eller flere kompetencer for at løse
   opgaverne?
4. **Hvordan kan vi styrke det?** Ved egen kompetenceudvikling, ved at bruge andre på
   arbejdspladsen eller ved at få hjælp udefra?
"""
)

st.header("Mødet (ca. 60 minutter) i fire trin")
st.markdown(
    """
1. **Vigtige opgaver (ca. 10 min).** Læg jeres vigtigste opgaver og fokuspunkter frem, og bliv
   enige om dem. Skriv dem på arbejdsarket.
2. **Det lykkes vi med (ca. 15 min).** Fortæl på skift, hvad I lykkes med, og hvorfor. Skriv
   det fælles på arbejdsarket.
3. **Det har vi brug for at styrke (ca. 20 min).** Drøft, hvor I mangler viden eller
   kompetencer, og vælg for hvert behov vejen: egen kompetenceudvikling, hjælp indefra eller
   hjælp udefra.
4. **Handleplan (ca. 15 min).** Prioritér de vigtigste behov, og skriv handleplanen.
"""
)

st.header("Slut med en handleplan")
st.markdown(
    """
For hvert behov, I vil gøre noget ved, svarer I på:

| Hvad? | Hvorfor? | Hvordan? | Hvornår? | Hvem? | Opfølgning? |
|---|---|---|---|---|---|
| Hvad skal vi lære eller have hjælp til? | Hvilken opgave løser det? | Kursus, sparring, rådgiver … | Kvartal, fx 3. kvartal 2026 | Hvem er ansvarlig? | Hvornår ser vi på det igen? |

Eksempler fra værktøjet:
- *Formidling og involvering af kolleger* → supplerende uddannelse (egen kompetenceudvikling).
- *Dialog om uklare og modstridende krav* → den interne arbejdsmiljøkonsulent (hjælp indefra).
- *Kemisk risikovurdering* → sagkyndig bistand (hjælp udefra).

Skriv arbejdsarket og handleplanen ind i skabelonen, og indlæs den på siden Upload. Så kan
ledelsen se det samlede billede, og I kan holde handleplanen opdateret.
"""
)

st.download_button("Hent Excel-skabelonen", ui.lazy_excel(write_template), "AMO-kompetencer-skabelon.xlsx",
                   mime=ui.XLSX_MIME, icon=":material/download:")
st.page_link(ui.UPLOAD_PAGE, label="Gå til Upload", icon=":material/upload_file:")
