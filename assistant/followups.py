"""Questions to ask next, made from the answer and the metadata (no model): the same topic in the council's
earlier report, what the framework expects on it, what good looks like where the grade is better, and the
council's other judgements. Each is phrased the way the question understanding reads it best, and
`ofsted-assistant eval` asks every one of them to check it gets an answer, not a refusal."""
from __future__ import annotations

from assistant.compose import Evidence, topic_words
from assistant.domain import AREA_LABELS, AREAS, STRONG_GRADES, report_year, sort_date

MAX_SUGGESTIONS = 4


def suggest(ev: Evidence) -> list[str]:
    u = ev.u
    topic = topic_words(u)
    if topic == "this":  # "Why was Leeds judged outstanding?": the area judged is the topic
        area = next((a for a in u.areas if a in AREAS), None) or _quoted_area(ev)
        if area is None or not u.filters.local_authority:
            return []
        topic = AREA_LABELS[area].lower() if area != "overall_effectiveness" else "leadership"
    out: list[str] = []
    councils = u.filters.local_authority
    quoted = [p.doc for p in ev.picked if p.doc.kind == "report"]
    frameworks = sorted({p.doc.title for p in ev.picked if p.doc.kind == "framework"})
    if len(councils) == 1 and quoted:
        la = councils[0]
        newest = max(quoted, key=sort_date)
        earlier = sorted((d for d in ev.index.reports() if d.local_authority == la and sort_date(d) < sort_date(newest)),
                         key=sort_date, reverse=True)
        quoted_ids = {d.doc_id for d in quoted}
        unquoted = [d for d in earlier if d.doc_id not in quoted_ids]
        if unquoted and report_year(unquoted[0]):
            out.append(f"What did inspectors say about {topic} in {la} in {report_year(unquoted[0])}?")
        if not frameworks:
            out.append(f"What does Working Together say about {topic}?")
        area = next((a for a in u.areas if a in AREAS), None) or _quoted_area(ev)
        if area and newest.judgements.get(area) not in STRONG_GRADES:
            out.append(f"What does good practice on {topic} look like?")
        out.append(f"What were {la}'s inspection grades?")
    elif len(councils) >= 2:
        out += [f"What were {la}'s inspection grades?" for la in councils[:2]]
        out.append(f"What does good practice on {topic} look like?")
    elif ev.plan in ("theme", "good_practice"):
        tone = u.detected.get("tone")
        if ev.plan != "good_practice" and tone != "strength":
            out.append(f"What does good practice on {topic} look like?")
        if tone != "weakness":
            out.append(f"What are common weaknesses in {topic}?")
        if not frameworks:
            out.append(f"What does Working Together say about {topic}?")
        area = next((a for a in u.areas if a in AREAS), None)
        if area:
            out.append(f"Which councils are rated outstanding for {AREA_LABELS[area].lower()}?")
    elif frameworks:
        out.append(f"What did inspectors say about {topic}?")
        out.append(f"What are common weaknesses in {topic}?")
    return list(dict.fromkeys(q for q in out if q.casefold() != u.question.strip().casefold()))[:MAX_SUGGESTIONS]


def _quoted_area(ev: Evidence) -> str | None:
    areas = [p.row.get("area") for p in ev.picked if p.row.get("area") in AREAS and p.row.get("area") != "overall_effectiveness"]
    return max(set(areas), key=areas.count) if areas else None
