"""Discussion prompts for a training session, built from the contrasts a briefing found."""
from __future__ import annotations

from assistant.trainer.models import Briefing


def _short(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


def _who(q) -> str:
    year = q.published.year if q.published else "undated"
    return f"{q.local_authority}, {year}, {q.grade or 'ungraded'}"


def discussion_prompts(b: Briefing, limit: int = 4) -> list[str]:
    theme = b.theme
    # Phrases make better prompts than single words; the order is otherwise the briefing's (most distinct first).
    strong = sorted((d for d in b.distinctions if d.group == "strong"), key=lambda d: " " not in d.phrase)
    weak = sorted((d for d in b.distinctions if d.group == "weak"), key=lambda d: " " not in d.phrase)
    out: list[str] = []
    if strong and weak:
        out.append(
            f"Reports judged good or outstanding describe \u201c{strong[0].phrase}\u201d, while weaker reports describe "
            f"\u201c{weak[0].phrase}\u201d. What would you look for in a child's record to tell the two apart?"
        )
    if len(strong) > 1 or (strong and not weak):
        d = strong[1] if len(strong) > 1 else strong[0]
        out.append(
            f"\u201c{d.phrase}\u201d recurs in {d.reports} stronger report{'s' if d.reports != 1 else ''} on {theme}. "
            "How does your service show this, and who checks that it happens?"
        )
    if len(weak) > 1 or (weak and not strong):
        d = weak[1] if len(weak) > 1 else weak[0]
        out.append(
            f"Inspectors of weaker services wrote \u201c{d.phrase}\u201d ({d.reports} report{'s' if d.reports != 1 else ''}). "
            "What early signs of this would a team manager notice, and what would they do first?"
        )
    if b.framework:
        q = b.framework[0]
        out.append(f"{q.title} says: \u201c{_short(q.text)}\u201d How close is day-to-day practice to that expectation?")
    strong_g, weak_g = b.group("strong"), b.group("weak")
    if len(out) < 3 and strong_g and weak_g and strong_g.quotes and weak_g.quotes:
        s, w = strong_g.quotes[0], weak_g.quotes[0]
        out.append(
            f"Compare \u201c{_short(s.text, 120)}\u201d ({_who(s)}) with \u201c{_short(w.text, 120)}\u201d ({_who(w)}). "
            "What would a child experience differently between the two?"
        )
    if len(out) < 3:
        out.append(f"What does good practice on {theme} look like in your team, and how would an inspector see it?")
    return out[:limit]
