"""The library's front door: `Assistant(index=...).ask(question, filters, history)`."""
from __future__ import annotations

import re
import threading
import time
from pathlib import Path

from assistant import spelling
from assistant.answers import (
    answered_topic,
    build_citations,
    concept_weights,
    evidence_strength,
    related_citations,
    reasons,
    reports_discussing,
    select_sentences,
    topic_found,
    with_qualifiers,
)
from assistant.compose import Evidence, Picked, compose, plain_text, plan_for, stance_of
from assistant.config import Settings, apply_offline_env
from assistant.domain import AREAS, STRONG_GRADES, WEAK_GRADES, in_years, latest_per_council, sort_date
from assistant.facts import answer_fact, grade_citation, wants_fact
from assistant.followups import suggest
from assistant.index import Index
from assistant.models import Answer, DocumentInfo, Filters, Message
from assistant.query import DOCUMENT_TITLES, CouncilMatcher, Understanding, understand
from assistant.reranking import cross_encoder
from assistant.retrieval import Retriever
from assistant.text import stem, stems, words

EMPTY_MESSAGE = "Please type a question about Ofsted inspection reports or the frameworks, for example: What did inspectors say about supervision in Stoke-on-Trent?"
NOT_COVERED = "The indexed documents do not cover this question."
_QUOTATION = re.compile(r"[\"“]([^\"“”]{80,})[\"”]")  # a pasted passage in quotation marks


class Assistant:
    def __init__(self, index: str | Path | Index = "index", chroma_url: str | None = None, settings: Settings | None = None):
        apply_offline_env()
        if isinstance(index, Index):
            # One Settings object for everything: given here, it becomes the index's too.
            if settings is not None:
                index.use_settings(settings)
            self.index = index
        else:
            self.index = Index(index, chroma_url, settings)
        self.settings = self.index.settings
        self._matcher: CouncilMatcher | None = None
        self._matcher_stamp: str | None = None
        self._lock = threading.Lock()

    @property
    def councils(self) -> CouncilMatcher:
        with self._lock:
            stamp = self.index.stamp()
            if self._matcher is None or stamp != self._matcher_stamp:
                self._matcher = CouncilMatcher([d.local_authority for d in self.index.reports() if d.local_authority])
                self._matcher_stamp = stamp
            return self._matcher

    def ask(self, question: str, filters: Filters | dict | None = None, history: list | None = None) -> Answer:
        started = time.perf_counter()
        if isinstance(filters, dict):
            filters = Filters(**filters)
        filters = filters or Filters()
        # Only the last few turns shape a follow-up; a client sending thousands must not cost more.
        history = [_turn_text(h) for h in list(history or [])[-self.settings.max_history:]]
        question = question if isinstance(question, str) else str(question or "")
        if not re.search(r"\w", question):
            return self._answer(question.strip(), EMPTY_MESSAGE, True, [], filters, started)
        u = understand(question, self.councils, filters, history, self.settings.max_question_chars)
        fixes = spelling.corrections(u.question, u.terms, self.index.vocabulary(), self._stem_is_indexed)
        if fixes:  # search with the words the documents use, and say so
            u = understand(spelling.apply(u.question, fixes), self.councils, filters, history,
                           self.settings.max_question_chars)
            u.detected["spelling"] = fixes
        if len(u.concepts) > self.settings.long_question_concepts:
            u = self._key_phrases(u)
        ans = self._respond(u, filters, started)
        ans.detected = {k: v for k, v in u.detected.items() if v}
        return ans

    def _respond(self, u: Understanding, filters: Filters, started: float) -> Answer:
        notices = scope_notices(u, filters)
        if u.detected.get("key_phrases"):
            notices.append("Your question is long, so it was searched for its key phrases: "
                           + ", ".join(u.detected["key_phrases"]) + ".")
        if u.detected.get("spelling"):
            fixed = u.detected["spelling"]
            notices.append("Showing results for " + ", ".join(f"\u201c{w}\u201d" for w in fixed.values())
                           + " (the indexed documents never use " + ", ".join(f"\u201c{w}\u201d" for w in fixed) + ").")
        if u.truncated:
            notices.append(f"Your question was longer than {self.settings.max_question_chars} characters; only its start was used.")
        unknown = [n for n in filters.local_authority if self.councils.resolve(n) is None]
        if unknown:
            return self._answer(u.question, f"No indexed report is for {_names(unknown)}. " + NOT_COVERED, True, [], u.filters, started, notices)
        if u.detected.get("outside_remit"):
            text = (f"The indexed documents are Ofsted's inspections of councils' children's services and the "
                    f"frameworks inspectors apply; {u.detected['outside_remit']} are not among them. " + NOT_COVERED)
            return self._answer(u.question, text, True, [], u.filters, started, notices)
        if u.detected.get("outside_england"):
            text = (f"The indexed reports are Ofsted's inspections of English councils; {u.detected['outside_england']} "
                    "is outside them. " + NOT_COVERED)
            return self._answer(u.question, text, True, [], u.filters, started, notices)
        if u.filters.local_authority or u.filters.year_from or u.filters.year_to:
            refusal, notice = self._waiting(u)
            if refusal is not None:
                return self._answer(u.question, refusal, True, [], u.filters, started, notices)
            if notice is not None:
                notices.append(notice)
        unknown_places = self._unknown_to_corpus(u.unknown_places)
        if unknown_places:
            text = f"No indexed document mentions {', '.join(unknown_places)}. " + NOT_COVERED
            return self._answer(u.question, text, True, [], u.filters, started, notices)

        if u.documents and not u.filters.doc_id:
            named = self._named_documents(u.documents)
            if named:
                u.filters.doc_id = named
                u.detected["documents"] = u.documents
            elif not u.filters.local_authority:
                # The question asks what a document says, and that document is not indexed: answering from
                # other documents would put words in its mouth.
                missing = ", ".join(DOCUMENT_TITLES.get(d, d) for d in u.documents)
                text = f"No indexed document is {missing}. " + NOT_COVERED
                return self._answer(u.question, text, True, [], u.filters, started, notices)
        kind = wants_fact(u)
        if kind:
            fact = answer_fact(self.index, u, kind)
            if fact is not None:
                ans = self._answer(u.question, fact.answer, fact.fact.get("value") is None, fact.citations, u.filters, started, notices)
                ans.fact = fact.fact
                ans.blocks, ans.plan = fact.blocks, "fact"
                return ans
        return self._passages(u, started, notices)

    def _waiting(self, u: Understanding) -> tuple[str | None, str | None]:
        """Reports a question names (by council or year) that are in the corpus but not indexed (not yet, or
        --latest-only): (the answer, when no indexed report fits the question, instead of "not covered";
        else a notice that the answer leaves them out). Both None when nothing the question names is waiting."""
        f = u.filters
        if f.doc_id or f.kind == "framework":
            return None, None
        cover = self.index.coverage()
        waiting = cover.waiting_for(f.local_authority, f.year_from, f.year_to)
        if not waiting:
            return None, None
        fits = any((not f.local_authority or d.local_authority in f.local_authority) and in_years(d, f.year_from, f.year_to)
                   for d in self.index.reports())
        if fits:
            return None, cover.left_out_notice(waiting)
        return f"No indexed report matches {_describe(f)}. " + cover.waiting_sentence(waiting), None

    def _key_phrases(self, u: Understanding) -> Understanding:
        """A pasted paragraph asks about its telling phrases, not every word: search with its glossary phrases
        ("strategy discussions") and then its rarest words, in the paragraph's order. When the paste is quoted,
        only the quotation counts ("I read this in one report: ..." says nothing about the topic)."""
        quoted = _QUOTATION.search(u.question)
        pasted = u if quoted is None else understand(quoted.group(1), self.councils, u.filters, None,
                                                     self.settings.max_question_chars)
        keyword = self.index.keyword()
        never = keyword.absent_idf() if keyword is not None else float("inf")
        # One stemmed wording set per concept of the paste, in its order (concepts() also drops repeats).
        wanted = [{" ".join(stems(t)) for t in concept} - {""} for concept in pasted.concepts]
        present = [i for i, phrases in enumerate(wanted) if phrases]
        weights = dict(zip(present, concept_weights(self.index, [wanted[i] for i in present])))
        # A word at the highest weight is in no passage: a typo, or a word the keyword index skips ("however").
        telling = [i for i in present if weights[i] < never]
        glossary = [i for i in telling if len(pasted.concepts[i]) > 1]
        rest = sorted((i for i in telling if i not in glossary), key=lambda i: -weights[i])
        ranked = (glossary + rest)[:self.settings.key_phrases]
        phrases = list(dict.fromkeys(pasted.concepts[i][0] for i in sorted(ranked)))
        short = understand(" ".join(phrases), self.councils, u.filters, None, self.settings.max_question_chars)
        short.question = u.question
        short.dense_text = pasted.dense_text  # the embedder reads the paste itself (up to its 256 word-pieces)
        short.detected = {**u.detected, **short.detected, "key_phrases": phrases}
        return short

    def _stem_is_indexed(self, word: str) -> bool:
        keyword = self.index.keyword()
        return keyword is not None and keyword.indexed(stem(word))

    def _named_documents(self, names: list[str]) -> list[str]:
        """Framework documents whose title or file name contains a name used in the question."""
        out = []
        for doc in self.index.documents().values():
            if doc.kind != "framework":
                continue
            haystack = f"{doc.title} {doc.path}".lower().replace("-", " ").replace("'", "")
            if any(n.replace("'", "") in haystack for n in names):
                out.append(doc.doc_id)
        return out

    def _unknown_to_corpus(self, names: list[str]) -> list[str]:
        """Names with a distinctive word the corpus never uses ("Glasgow", "Cardiff", "Aberdeen City")."""
        keyword = self.index.keyword()
        if keyword is None:
            return []
        generic = {"city", "county", "borough", "council", "isle", "isles", "north", "south", "east", "west",
                   "the", "of", "and", "upon", "on", "royal", "metropolitan"}
        out = []
        for name in names:
            distinctive = [w for w in words(name) if w not in generic]
            if distinctive and any(not keyword.indexed(stem(w)) for w in distinctive):
                out.append(name)
        return out

    def _reasons(self, u: Understanding, started: float, notices: list[str]) -> Answer | None:
        """"Why was X judged inadequate?": the judgement and the report's own reasons for it."""
        wanted = self._wanted_stance(u)
        reports = [d for d in self.index.reports() if d.local_authority in u.filters.local_authority
                   and in_years(d, u.filters.year_from, u.filters.year_to)]
        if not wanted or not reports:
            return None
        area = next((a for a in u.areas if a in AREAS), "overall_effectiveness")
        doc = max(reports, key=sort_date)
        verified = reasons(self.index, doc, area, wanted)
        if not verified:
            return None
        ans = self._composed(u, with_qualifiers(self.index, verified), "why", started, notices)
        ans.retrieved = [c.chunk_id for c in ans.citations if c.chunk_id]
        return ans

    def _composed(self, u: Understanding, verified, plan: str | None, started: float, notices: list[str],
                  retriever: Retriever | None = None) -> Answer:
        """The answer composed from verified quotes (`plan` None: chosen from the kinds of documents quoted)."""
        picked = [Picked(cit, cand.doc, cand.hit.row, cand.score, stance_of(cand.hit.row, cand.doc, cit.quote))
                  for cand, cit in verified]
        plan = plan or plan_for(u, {p.doc.kind for p in picked})
        if self.settings.lead_fit != "off":
            self._fit(u.dense_text, picked, notices)  # the question with its abbreviations and follow-up topic
        asked = u
        u = answered_topic(u, [(p.row.get("context") or "") + " " + p.row["text"] for p in picked])
        discussing = (reports_discussing(self.index, u, retriever)
                      if retriever is not None and plan in ("theme", "good_practice") else None)
        made = compose(Evidence(self.index, u, picked, plan, discussing, asked, self.settings.lead_fit == "first"),
                       lambda doc, area: grade_citation(self.index, doc, area), suggest)
        ans = self._answer(u.question, plain_text(made.blocks), False, made.citations, u.filters, started, notices)
        ans.blocks, ans.plan = made.blocks, plan
        return ans

    def _fit(self, question: str, picked: list[Picked], notices: list[str]) -> None:
        """Each quote's fit to the question, by the cross-encoder reading the two together: of the quotes that
        name the question's concepts, the one that answers it ("The response to contacts ... takes too long"
        for "how quickly are contacts dealt with?") rather than the one that merely mentions them."""
        try:
            scores = cross_encoder(self.settings.rerank_max_tokens).scores(question, [p.cit.quote for p in picked])
        except Exception as exc:  # noqa: BLE001  said in the answer; the lead is chosen without it
            notices.append(f"The lead quote was chosen without the reranker ({str(exc)[:120]}).")
            return
        for p, score in zip(picked, scores):
            p.fit = float(score)

    def _passages(self, u: Understanding, started: float, notices: list[str]) -> Answer:
        s = self.settings
        if plan_for(u, {"report"}) == "why":
            ans = self._reasons(u, started, notices)
            if ans is not None:
                return ans
        retriever = Retriever(self.index, s)
        latest_only = bool(u.detected.get("latest")) and bool(u.filters.local_authority)
        spread = 1 if latest_only else self._council_reports(u)
        if u.filters.local_authority or u.filters.doc_id:
            # One council over the years: each report gets its share of the passages.
            per_report = max(2, -(-s.answer_chunks // spread)) if spread > 1 else None
        else:
            per_report = s.theme_per_report  # across councils: many councils' findings, not one report's
        searched = u.filters
        if (len(u.filters.local_authority) >= 2 or latest_only) and not (u.filters.year_from or u.filters.year_to or u.filters.doc_id):
            # Councils compared: each one's latest report, as its grade in the comparison table is; and a question
            # about "the latest report" is about that one.
            latest = latest_per_council([d for d in self.index.reports() if d.local_authority in u.filters.local_authority])
            searched = u.filters.model_copy(update={"doc_id": [d.doc_id for d in latest.values()]})
        newest = None
        if s.newest_boost != 1.0 and spread > 1 and len(u.filters.local_authority) == 1:
            # One council over the years: its newest report is what "how is X doing" is about, and the long
            # 2013-17 reports must not crowd it out of the passages the answer leads with.
            newest = {d.doc_id for d in latest_per_council(self._reports_of(u.filters.local_authority[0])).values()} or None
        hits = retriever.search(u.search_text, u.dense_text, searched, k=s.answer_chunks, boost_areas=u.areas,
                               expansion_text=u.expansion_text,
                               boost_kind="framework" if u.detected.get("normative") else None,
                               per_report=per_report, boost_docs=newest, boost_timing=bool(u.detected.get("timing")))
        if retriever.last_rerank_error:
            notices.append("The reranker could not run, so passages are in the order of the first search "
                           f"({retriever.last_rerank_error[:120]}).")
        if retriever.last_dense_error:
            notices.append("Meaning-based search failed for this question, so this answer comes from keyword search "
                           f"only ({retriever.last_dense_error[:120]}).")
        if (still := self.index.coverage().answer_notice()) is not None:
            notices.append(still)
        if not hits:
            text = NOT_COVERED + (" No indexed document matches the filters: " + _describe(u.filters) + "." if not u.filters.is_empty() else "")
            return self._answer(u.question, text, True, [], u.filters, started, notices)
        docs = self.index.documents()
        chosen = select_sentences(self.index, hits, u, docs, s, prefer=self._wanted_stance(u), spread=spread > 1)
        strength = evidence_strength(self.index, hits, chosen, u)
        # A thing the corpus never names ("hip replacements"), with the rest only loosely matched.
        missing = self._absent_concepts(u) if strength["chunk_coverage"] < s.absent_concept_gate else []
        if missing and topic_found(self.index, hits, u, missing):
            # Everyday words no document uses ("decent", "redo") beside a practitioners' topic that is found:
            # answer the topic, and say which words could not be matched.
            notices.append(f"The indexed documents never use the words: {', '.join(missing)}; this answer is "
                           "about the rest of the question.")
            strength = evidence_strength(self.index, hits, chosen, u, ignore=frozenset(missing))
            missing = []
        weak = not chosen or self._too_weak(strength) or bool(missing)
        verified = build_citations(self.index, chosen) if not weak else []
        if not verified:
            if missing:
                notices.append(f"The indexed documents never use the words: {', '.join(missing)}.")
            notices.append("Nothing in the indexed documents matches the question closely enough to quote.")
            ans = self._answer(u.question, NOT_COVERED, True, [], u.filters, started, notices)
            ans.related = related_citations(self.index, hits, docs)
            ans.retrieved = [h.chunk_id for h in hits]
            ans.evidence = strength
            return ans
        ans = self._composed(u, with_qualifiers(self.index, verified), None, started, notices, retriever)
        ans.retrieved = [h.chunk_id for h in hits]
        ans.evidence = strength
        return ans

    def _council_reports(self, u: Understanding) -> int:
        """How many reports one council asked about without a year has (an answer must span them)."""
        f = u.filters
        if len(f.local_authority) != 1 or f.year_from or f.year_to or f.doc_id or f.kind == "framework":
            return 0
        return len(self._reports_of(f.local_authority[0]))

    def _reports_of(self, council: str) -> list[DocumentInfo]:
        """The council's indexed reports (its name matched regardless of case)."""
        la = council.casefold()
        return [d for d in self.index.reports() if (d.local_authority or "").casefold() == la]

    def _wanted_stance(self, u: Understanding) -> str | None:
        """The stance the question asks for: its evaluative words, or for "why was X judged ..." the grade's."""
        if u.detected.get("tone"):
            return u.detected["tone"]
        if plan_for(u, {"report"}) != "why":
            return None
        latest = [d for d in self.index.reports() if d.local_authority in u.filters.local_authority]
        if not latest:
            return None
        doc = max(latest, key=sort_date)
        area = next((a for a in u.areas if a in AREAS), "overall_effectiveness")
        grade = doc.judgements.get(area)
        return "weakness" if grade in WEAK_GRADES else "strength" if grade in STRONG_GRADES else None

    def _absent_concepts(self, u: Understanding) -> list[str]:
        """Concepts of the question that no indexed document uses in any of their wordings ("hip")."""
        keyword = self.index.keyword()
        if keyword is None:
            return []
        never = keyword.absent_idf()
        out = []
        for wording in u.concepts:
            # BM25 indexes the parts of a hyphenated word ("out-of-hours"): look the parts up.
            phrases = [[stem(w) for w in re.findall(r"\w\w+", " ".join(words(t)))] for t in wording]
            phrases = [p for p in phrases if p]
            if phrases and len(wording[0]) >= 3 and all(any(keyword.idf(w) >= never for w in p) for p in phrases):
                out.append(wording[0])
        return out

    def _too_weak(self, strength: dict) -> bool:
        """Refuse when neither the words nor the meaning of the question are found (thresholds: eval/README.md)."""
        s = self.settings
        return strength["chunk_coverage"] < s.refuse_below_coverage and strength["dense_cosine"] < s.refuse_below_cosine

    def _answer(self, question, text, refused, citations, filters: Filters, started, notices=None) -> Answer:
        # A refusal or a message is one block of plain words; composed answers replace the blocks.
        return Answer(
            question=question, answer=text, refused=refused, citations=citations,
            filters=filters.model_dump(mode="json"), seconds=round(time.perf_counter() - started, 4),
            notices=notices or [], blocks=[Message(text=text)], plan="refusal" if refused else None,
        )


def _turn_text(turn) -> str:
    if isinstance(turn, str):
        return turn
    if isinstance(turn, dict):
        return str(turn.get("question") or turn.get("content") or "")
    if isinstance(turn, (list, tuple)) and turn:
        return str(turn[0])
    return str(turn)


def _names(names: list[str], shown: int = 5) -> str:
    """A few names, then how many more: a filter may name thousands (each name cut to 80 characters)."""
    names = [n if len(n) <= 80 else n[:79] + "…" for n in dict.fromkeys(names)]
    return ", ".join(names) if len(names) <= shown else ", ".join(names[:shown]) + f" and {len(names) - shown} more"


def _describe(f: Filters) -> str:
    parts = []
    if f.local_authority:
        parts.append(_names(f.local_authority))
    if f.year_from or f.year_to:
        parts.append(f"{f.year_from or '…'}-{f.year_to or '…'}" if f.year_from != f.year_to else str(f.year_from))
    if f.kind:
        parts.append(f.kind + "s")
    if f.area:
        parts.append(f.area.replace("_", " "))
    if f.grade:
        parts.append(f.grade)
    if f.doc_id:
        parts.append(f"{len(f.doc_id)} named document{'s' if len(f.doc_id) != 1 else ''}")
    return "; ".join(parts)


def scope_notices(u: Understanding, chosen: Filters) -> list[str]:
    """What the user should know about the answer's scope: what an earlier question lent this one (they can
    ask again without it), and where the question and a chosen filter disagree (the filter wins)."""
    out = []
    lent = u.detected.get("inherited") or {}
    parts = []
    if lent.get("local_authority"):
        parts.append(_names(lent["local_authority"]))
    if lent.get("years"):
        years = lent["years"]
        parts.append(str(years[0]) if len(years) == 1 else f"{years[0]}-{years[-1]}")
    if lent.get("topic"):
        parts.append("the topic “" + " ".join(lent["topic"]) + "”")
    if parts:
        out.append(f"Kept from your earlier question: {'; '.join(parts)}. To drop it, ask this question on its own.")
    named = u.detected.get("overridden_local_authority")
    if named:
        out.append(f"Your question names {_names(named)}, but the local authority filter is set to "
                   f"{_names(chosen.local_authority)}: this answer follows the filter. Clear the filter to ask "
                   f"about {_names(named)}.")
    years = u.detected.get("overridden_years")
    if years:
        asked = str(years[0]) if years[0] == years[1] else f"{years[0]}-{years[1]}"
        chosen_years = _describe(Filters(year_from=chosen.year_from, year_to=chosen.year_to))
        out.append(f"Your question names {asked}, but the year filter is set to {chosen_years}: this answer "
                   "follows the filter.")
    return out
