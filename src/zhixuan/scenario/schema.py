"""The JSON Schema of a scenario file (published as ``docs/scenario.schema.json``).

The schema checks shape; ``references.py`` checks what a schema cannot (ids that must exist,
mark strings that must match the round's candidates). Both report paths such as
``meeting.rounds[1].ballots[37].marks``.
"""

from __future__ import annotations

from typing import Any

FORMAT = "zhixuan-scenario/1"

_ID = {"type": "string", "pattern": r"^[^\s]+$", "minLength": 1, "maxLength": 64}
_IDS = {"type": "array", "items": _ID}
_NAME = {"type": "string", "minLength": 1, "maxLength": 200}
_COUNT = {"type": "integer", "minimum": 0}
_POSITIVE = {"type": "integer", "minimum": 1}
_FRACTION = {
    "description": 'an exact fraction such as "3/10", or a whole number',
    "oneOf": [
        {"type": "string", "pattern": r"^\s*\d+\s*(/\s*[1-9]\d*\s*)?$"},
        {"type": "integer", "minimum": 0},
    ],
}
_HEX_SECRET = {"type": "string", "pattern": "^([0-9a-fA-F]{2}){16,64}$"}


def _obj(properties: dict[str, Any], required: tuple[str, ...] = (), **extra: Any) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": list(required),
        "additionalProperties": False,
        **extra,
    }


_LOT = _obj(
    {
        "secret": {**_HEX_SECRET, "description": "hex secret, committed to before the draw (L1)"},
        "entropy": {"type": "string", "minLength": 1, "description": "public entropy read out at the draw"},
        "label": {"type": "string"},
    },
    ("secret", "entropy"),
)

_CONDITIONS = _obj(
    {
        "min_party_years": _COUNT,
        "max_age": _POSITIVE,
        "min_education": {"type": "string"},
        "identities": {"type": "array", "items": {"type": "string"}},
        "relaxed": {
            "type": "array",
            "items": {"enum": ["min_party_years", "max_age", "min_education", "identities"]},
            "description": "conditions the procedure relaxes (N4); party standing (P1) never is",
        },
    }
)

_POSITION = _obj(
    {
        "id": _ID,
        "name": _NAME,
        "kind": {
            "enum": [
                "secretary",
                "deputy_secretary",
                "member",
                "discipline_secretary",
                "discipline_member",
            ]
        },
        "seats": _POSITIVE,
        "conditions": _CONDITIONS,
        "work_targets": {"type": "array", "items": {"type": "string"}},
        "formal_count": {**_POSITIVE, "description": "formal candidates to keep (C2); default from settings"},
    },
    ("id", "name", "kind", "seats"),
)

_EXCUSAL = _obj(
    {
        "reason": {"enum": ["illness", "abroad", "sentence", "bedridden", "away_transferred"]},
        "approved_by": {"type": ["string", "null"]},
        "note": {"type": "string"},
    },
    ("reason",),
)

_MEMBER = _obj(
    {
        "id": _ID,
        "name": _NAME,
        "status": {"enum": ["full", "probationary", "on_probation", "rights_suspended"]},
        "migrant": {"type": "boolean"},
        "excusal": _EXCUSAL,
    },
    ("id", "name"),
)

_PERSON = _obj({"id": _ID, "name": _NAME}, ("id", "name"))

_ROUTE = {
    "oneOf": [
        _obj({"type": {"const": "self"}}, ("type",)),
        _obj(
            {"type": {"const": "joint"}, "position": _ID, "signatures": _IDS},
            ("type", "position", "signatures"),
        ),
        _obj({"type": {"const": "organisation"}, "by": _NAME}, ("type", "by")),
    ]
}

_APPLICANT = _obj(
    {
        "id": _ID,
        "name": _NAME,
        "member": {**_ID, "description": "roster id when the applicant is a party member"},
        "positions": {**_IDS, "minItems": 1, "description": "in order of preference (N3)"},
        "routes": {"type": "array", "items": _ROUTE, "minItems": 1},
        "facts": _obj(
            {
                "age": _POSITIVE,
                "party_years": _COUNT,
                "education": {"type": "string"},
                "identity": {"type": "string"},
            }
        ),
        "statement": {"type": "string"},
    },
    ("id", "name", "positions", "routes"),
)

_REVIEW = _obj(
    {
        "decisions": {
            "type": "array",
            "items": _obj(
                {
                    "applicant": _ID,
                    "position": _ID,
                    "qualified": {"type": "boolean"},
                    "reason": {"type": "string"},
                },
                ("applicant", "position", "qualified"),
            ),
        },
        "objections": {
            "type": "array",
            "items": _obj(
                {
                    "applicant": _ID,
                    "position": _ID,
                    "by": {"type": "string"},
                    "reason": {"type": "string", "minLength": 1},
                    "upheld": {"type": "boolean"},
                },
                ("applicant", "position", "reason", "upheld"),
            ),
        },
    }
)

_REC_BALLOT = _obj(
    {
        "group": _ID,
        "count": {**_POSITIVE, "description": "multiplicity of identical ballots"},
        "picks": {
            "type": "object",
            "additionalProperties": _IDS,
            "description": "position id -> nominee ids",
        },
    },
    ("group", "picks"),
)

_REC_TOTAL = _obj(
    {
        "group": _ID,
        "position": _ID,
        "valid": _COUNT,
        "for": {"type": "object", "additionalProperties": _COUNT},
    },
    ("group", "position", "valid", "for"),
)

_STAGE = _obj(
    {
        "id": _ID,
        "name": _NAME,
        "weight": {**_FRACTION, "description": "stage weight in the combination (R2); default 1"},
        "groups": {
            "type": "array",
            "minItems": 1,
            "items": _obj({"id": _ID, "name": _NAME, "weight": _FRACTION}, ("id", "name", "weight")),
        },
        "ballots": {"type": "array", "items": _REC_BALLOT},
        "totals": {"type": "array", "items": _REC_TOTAL},
    },
    ("id", "name", "groups"),
)

_WRITE_IN = _obj({"name": _ID, "for": {"type": "boolean"}}, ("name", "for"))

_BALLOT = _obj(
    {
        "count": {**_POSITIVE, "description": "multiplicity of identical ballots"},
        "for": _IDS,
        "against": _IDS,
        "unclear": _IDS,
        "write_ins": {"type": "array", "items": _WRITE_IN},
        "marks": {
            "type": "string",
            "pattern": r"^[FA.?]*$",
            "description": "compact marks in ballot order: F for, A against, . abstain, ? unclear",
        },
    },
)

_TOTALS = _obj(
    {
        "valid": _COUNT,
        "invalid": _COUNT,
        "candidates": {
            "type": "object",
            "additionalProperties": _obj(
                {"for": _COUNT, "against": _COUNT, "abstain": _COUNT}, ("for", "against", "abstain")
            ),
        },
    },
    ("valid", "invalid", "candidates"),
)

_VOTE_FIELDS: dict[str, Any] = {
    "present": {
        "oneOf": [_COUNT, _IDS],
        "description": "eligible members present: a count, or the member ids checked in",
    },
    "issued": _COUNT,
    "collected": _COUNT,
    "ballots": {"type": "array", "items": _BALLOT},
    "totals": _TOTALS,
    "written_for_others": {**_COUNT, "description": "ballots filled by a writer (代写, P3): count only"},
}

_FOLLOWUP = _obj(
    {"kind": {"enum": ["revote", "supplementary", "rerun"]}, **_VOTE_FIELDS},
    ("kind", "present"),
)

_ROUND = _obj(
    {
        "id": _ID,
        "position": _ID,
        "candidates": _IDS,
        "electorate": {"enum": ["members", "committee"]},
        **_VOTE_FIELDS,
        "opt_ins": {**_IDS, "description": "losers of this round who stand in the next (M3)"},
        "followups": {"type": "array", "items": _FOLLOWUP},
        "leave_empty": _obj({"votes_for": _COUNT, "present": _COUNT}, ("votes_for", "present")),
    },
    ("position", "present"),
)

_RATING_GROUP = _obj(
    {
        "id": _ID,
        "name": _NAME,
        "weight": _FRACTION,
        "counts": {"type": "object", "additionalProperties": _COUNT},
    },
    ("id", "weight", "counts"),
)

SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://zhixuan.example/scenario.schema.json",
    "title": "zhixuan scenario: one election's inputs, in order",
    **_obj(
        {
            "format": {"const": FORMAT},
            "election": _obj(
                {
                    "id": _ID,
                    "title": _NAME,
                    "county": _NAME,
                    "township": _NAME,
                    "preset": {"enum": ["three-round", "two-recommendation", "standard"]},
                    "settings": {"type": "object"},
                    "date": {"type": "string"},
                },
                ("id", "title", "preset"),
            ),
            "positions": {"type": "array", "items": _POSITION, "minItems": 1},
            "roster": _obj(
                {
                    "members": {"type": "array", "items": _MEMBER},
                    "public_reps": {"type": "array", "items": _PERSON},
                },
                ("members",),
            ),
            "applicants": {"type": "array", "items": _APPLICANT},
            "review": _REVIEW,
            "speech_lot": _LOT,
            "stages": {"type": "array", "items": _STAGE},
            "selection": _obj({"ratio": _POSITIVE, "lot": _LOT}),
            "inspection": {
                "type": "array",
                "items": _obj(
                    {"candidate": _ID, "passed": {"type": "boolean"}, "reason": {"type": "string"}},
                    ("candidate", "passed"),
                ),
            },
            "county_vote": _obj(
                {"voters": _POSITIVE, "for": {"type": "object", "additionalProperties": _COUNT}},
                ("voters", "for"),
            ),
            "meeting": _obj(
                {
                    "scrutineers": _IDS,
                    "tellers": _IDS,
                    "rounds": {"type": "array", "items": _ROUND},
                },
                ("rounds",),
            ),
            "commitment": _obj(
                {
                    "by": _ID,
                    "items": {
                        "type": "array",
                        "items": _obj(
                            {
                                "id": _ID,
                                "text": _NAME,
                                "reviews": {
                                    "type": "array",
                                    "items": _obj(
                                        {
                                            "year": {"type": "integer"},
                                            "status": {"type": "string"},
                                            "note": {"type": "string"},
                                        },
                                        ("year", "status"),
                                    ),
                                },
                            },
                            ("id", "text"),
                        ),
                    },
                },
                ("by", "items"),
            ),
            "ratings": {
                "type": "array",
                "items": _obj(
                    {
                        "year": {"type": "integer"},
                        "leader": _ID,
                        "scale": {"enum": ["satisfaction", "competence"]},
                        "groups": {"type": "array", "items": _RATING_GROUP, "minItems": 1},
                    },
                    ("year", "leader", "scale", "groups"),
                ),
            },
            "recall": _obj(
                {
                    "petitions": {
                        "type": "array",
                        "items": _obj({"leader": _ID, "signatures": _IDS}, ("leader", "signatures")),
                    },
                    "votes": {
                        "type": "array",
                        "items": _obj(
                            {
                                "leader": _ID,
                                "present": {"oneOf": [_COUNT, _IDS]},
                                "yes": _COUNT,
                                "no": _COUNT,
                                "abstain": _COUNT,
                                "invalid": _COUNT,
                                "issued": _COUNT,
                                "by_election": _ROUND,
                            },
                            ("leader", "present", "yes", "no"),
                        ),
                    },
                }
            ),
        },
        ("format", "election", "positions", "roster"),
    ),
}
