"""Checks a schema cannot make: unique ids, and every reference naming something the file defines.

Whether a *valid* reference is acceptable under the rules (a signatory without voting rights,
a scrutineer who is a candidate) is not a file error: the rules core decides and explains it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from zhixuan.scenario.errors import PathPart, Problem, format_path


class _Checker:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def unique(self, items: Iterable[Mapping[str, Any]], base: tuple[PathPart, ...], what: str) -> set[str]:
        seen: set[str] = set()
        for i, item in enumerate(items):
            ident = item["id"]
            if ident in seen:
                self.add((*base, i, "id"), f"{what} id {ident!r} 重复", f"duplicate {what} id {ident!r}")
            seen.add(ident)
        return seen

    def known(self, value: str, pool: set[str], path: tuple[PathPart, ...], what: str) -> None:
        if value not in pool:
            self.add(path, f"未定义的{what} {value!r}", f"unknown {what} {value!r}")

    def add(self, path: tuple[PathPart, ...], zh: str, en: str) -> None:
        self.problems.append(Problem(format_path(path), zh, en))


def check_references(doc: Mapping[str, Any]) -> list[Problem]:
    c = _Checker()
    positions = c.unique(doc["positions"], ("positions",), "职位/position")
    members = c.unique(doc["roster"]["members"], ("roster", "members"), "党员/member")
    c.unique(doc["roster"].get("public_reps", []), ("roster", "public_reps"), "群众代表/public rep")
    for i, rep in enumerate(doc["roster"].get("public_reps", [])):
        if rep["id"] in members:
            c.add(("roster", "public_reps", i, "id"), "与党员 id 重复", "clashes with a member id")
    applicants = c.unique(doc.get("applicants", []), ("applicants",), "报名人/applicant")

    for i, app in enumerate(doc.get("applicants", [])):
        base = ("applicants", i)
        if "member" in app:
            c.known(app["member"], members, (*base, "member"), "党员/member")
        for j, pos in enumerate(app["positions"]):
            c.known(pos, positions, (*base, "positions", j), "职位/position")
        for j, route in enumerate(app["routes"]):
            if route["type"] == "joint":
                c.known(route["position"], positions, (*base, "routes", j, "position"), "职位/position")

    review = doc.get("review", {})
    for key in ("decisions", "objections"):
        for i, item in enumerate(review.get(key, [])):
            c.known(item["applicant"], applicants, ("review", key, i, "applicant"), "报名人/applicant")
            c.known(item["position"], positions, ("review", key, i, "position"), "职位/position")

    for s, stage in enumerate(doc.get("stages", [])):
        groups = c.unique(stage["groups"], ("stages", s, "groups"), "参与群体/group")
        for b, ballot in enumerate(stage.get("ballots", [])):
            path = ("stages", s, "ballots", b)
            c.known(ballot["group"], groups, (*path, "group"), "参与群体/group")
            for pos, picks in ballot["picks"].items():
                c.known(pos, positions, (*path, "picks", pos), "职位/position")
                for k, nominee in enumerate(picks):
                    c.known(nominee, applicants, (*path, "picks", pos, k), "报名人/applicant")
        for t, total in enumerate(stage.get("totals", [])):
            path = ("stages", s, "totals", t)
            c.known(total["group"], groups, (*path, "group"), "参与群体/group")
            c.known(total["position"], positions, (*path, "position"), "职位/position")
            for nominee in total["for"]:
                c.known(nominee, applicants, (*path, "for", nominee), "报名人/applicant")

    for i, item in enumerate(doc.get("inspection", [])):
        c.known(item["candidate"], applicants, ("inspection", i, "candidate"), "报名人/applicant")
    for nominee in doc.get("county_vote", {}).get("for", {}):
        c.known(nominee, applicants, ("county_vote", "for", nominee), "报名人/applicant")

    meeting = doc.get("meeting", {})
    for key in ("scrutineers", "tellers"):
        for i, ident in enumerate(meeting.get(key, [])):
            c.known(ident, members, ("meeting", key, i), "党员/member")
    for r, rnd in enumerate(meeting.get("rounds", [])):
        _check_round(c, rnd, ("meeting", "rounds", r), positions, members, applicants)

    commitment = doc.get("commitment")
    if commitment:
        c.known(commitment["by"], applicants | members, ("commitment", "by"), "人员/person")
    for i, rating in enumerate(doc.get("ratings", [])):
        c.known(rating["leader"], applicants | members, ("ratings", i, "leader"), "人员/person")
    recall = doc.get("recall", {})
    for i, petition in enumerate(recall.get("petitions", [])):
        c.known(petition["leader"], applicants | members, ("recall", "petitions", i, "leader"), "人员/person")
    for i, vote in enumerate(recall.get("votes", [])):
        c.known(vote["leader"], applicants | members, ("recall", "votes", i, "leader"), "人员/person")
        if isinstance(vote["present"], list):
            for k, ident in enumerate(vote["present"]):
                c.known(ident, members, ("recall", "votes", i, "present", k), "党员/member")
        if "by_election" in vote:
            by_path = ("recall", "votes", i, "by_election")
            _check_round(c, vote["by_election"], by_path, positions, members, applicants)
    return c.problems


def _check_round(
    c: _Checker,
    rnd: Mapping[str, Any],
    base: tuple[PathPart, ...],
    positions: set[str],
    members: set[str],
    applicants: set[str],
) -> None:
    people = applicants | members
    c.known(rnd["position"], positions, (*base, "position"), "职位/position")
    for key in ("candidates", "opt_ins"):
        for i, ident in enumerate(rnd.get(key, [])):
            c.known(ident, people, (*base, key, i), "候选人/candidate")
    votes: list[tuple[tuple[PathPart, ...], Mapping[str, Any]]] = [(base, rnd)]
    votes += [((*base, "followups", f), fu) for f, fu in enumerate(rnd.get("followups", []))]
    for path, vote in votes:
        if isinstance(vote["present"], list):
            for i, ident in enumerate(vote["present"]):
                c.known(ident, members, (*path, "present", i), "党员/member")
        for b, ballot in enumerate(vote.get("ballots", [])):
            for key in ("for", "against", "unclear"):
                for k, ident in enumerate(ballot.get(key, [])):
                    c.known(ident, people, (*path, "ballots", b, key, k), "候选人/candidate")
            if "marks" in ballot and any(k in ballot for k in ("for", "against", "unclear")):
                c.add(
                    (*path, "ballots", b, "marks"),
                    "marks 与 for/against/unclear 不能同时使用",
                    "marks cannot be combined with for/against/unclear",
                )
