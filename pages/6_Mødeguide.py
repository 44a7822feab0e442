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
- **Årlig drøftelse af kompetencer.** Én gang om året skal I drøfte, om der er behov for at
  opbygge ny viden om arbejdsmiljø i virksomheden, og hvilken **supplerende
  arbejdsmiljøuddannelse** arbejdsmiljørepræsentanter og arbejdsledere i AMO skal have
  (BEK nr. 1838 af 2023 om samarbejde om arbejdsmiljø; AT-vejledning 1.3.1 om systematisk
  arbejdsmiljøarbejde).
- **Supplerende uddannelse.** Arbejdsgiveren skal tilbyde hver arbejdsmiljørepræsentant og
  arbejdsleder i AMO supplerende uddannelse: 2 dage (ca. 14,8 timer) det første år efter den
  obligatoriske uddannelse og 1½ dag (ca. 11,1 timer) hvert år derefter.
- **Sagkyndig bistand.** Kan et arbejdsmiljøproblem ikke løses med virksomhedens egen viden, skal
  arbejdsgiveren sørge for sagkyndig bistand, fx fra en autoriseret arbejdsmiljørådgiver.
"""
)

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
