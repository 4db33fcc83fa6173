"""Questions to ask next, made from the answer and the metadata (no model): the same topic in the council's
earlier report, what the framework expects on it, what good looks like where the grade is better, and the
council's other judgements. Each is phrased the way the question understanding reads it best, and
`ofsted-assistant eval` asks every one of them to check it gets an answer, not a refusal."""
from __future__ import annotations

from assistant.answers import documents_discussing
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
        discussed = documents_discussing(ev.index, u, {d.doc_id for d in unquoted}, 200)
        earlier_one = next((d for d in unquoted if d.doc_id in discussed and report_year(d)), None)
        if earlier_one is not None:
            out.append(f"What did inspectors say about {topic} in {la} in {report_year(earlier_one)}?")
        out += _framework_suggestion(ev, topic, frameworks)
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
        out += _framework_suggestion(ev, topic, frameworks)
        area = next((a for a in u.areas if a in AREAS), None)
        if area:
            out.append(f"Which councils are rated outstanding for {AREA_LABELS[area].lower()}?")
    elif frameworks:
        out.append(f"What did inspectors say about {topic}?")
        out.append(f"What are common weaknesses in {topic}?")
    return list(dict.fromkeys(q for q in out if q.casefold() != u.question.strip().casefold()))[:MAX_SUGGESTIONS]


def _framework_suggestion(ev: Evidence, topic: str, quoted: list[str]) -> list[str]:
    """"What does Working Together say about X?", when the answer quoted no framework document and Working
    Together, indexed, discusses X."""
    if quoted:
        return []
    together = {d.doc_id for d in ev.index.documents().values()
                if d.kind == "framework" and "working together" in d.title.lower()}
    # Its best few passages must name the topic, as they must for the question to be answered, not refused.
    if documents_discussing(ev.index, ev.u, together, 5):
        return [f"What does Working Together say about {topic}?"]
    return []


def _quoted_area(ev: Evidence) -> str | None:
    areas = [p.row.get("area") for p in ev.picked if p.row.get("area") in AREAS and p.row.get("area") != "overall_effectiveness"]
    return max(set(areas), key=areas.count) if areas else None
