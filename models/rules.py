"""The planning rules by name, in the planner's words.

Shared by the constraint model and the independent checker, so that a rule
has one id and one label wherever it is reported. No solver here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RuleInfo:
    """A planning rule's id, short label and one-sentence statement."""

    id: str
    label: str
    statement: str


RULES: dict[str, RuleInfo] = {
    r.id: r
    for r in [
        RuleInfo("quota_met", "quota per unit type and level",
                 "Each unit type graduates the people its table asks for at each level."),
        RuleInfo("annual_places", "training places per year",
                 "Trainees starting in a year never exceed that year's training places."),
        RuleInfo("level_places", "training places per level and year",
                 "Starters at a level in a year never exceed that level's places."),
        RuleInfo("minimum_intake", "minimum starters per year",
                 "At least the stated number of people start training every year."),
        RuleInfo("seats", "seats per year",
                 "People in training at the same time never exceed the seats."),
        RuleInfo("level_seats", "seats per level and year",
                 "People in training at one level never exceed that level's seats."),
        RuleInfo("total_budget", "total training budget",
                 "Training spending over the whole plan stays within the total budget."),
        RuleInfo("annual_budget", "yearly budget ceiling",
                 "Training spending in each year stays within that year's ceiling."),
        RuleInfo("funding_sources", "funding sources",
                 "Each source pays only for its levels and years, and at most its amount."),
        RuleInfo("milestones", "milestones",
                 "Enough people of the named units and levels have graduated by each deadline."),
        RuleInfo("unit_staff", "staff per unit",
                 "A unit sends at most its staff for training; each person trains once."),
        RuleInfo("unit_concurrency", "staff away at once",
                 "A unit has at most its limit of staff in training at the same time."),
    ]
}

GOALS: dict[str, str] = {
    "min_cost": "lowest total training cost (million VND)",
    "smooth_intake": "smoothest yearly intake (sum of year-to-year changes in starters)",
    "earliest_completion": "earliest completion (sum over trainees of years from plan start "
                           "to graduation)",
}
