"""The planning rules and goals, each declared once, in the planner's words.

A rule's id names its model function (`optimizer.model.RULE_REGISTRY`), its
checker function (`models.checker.CHECKS`) and its row of the rule test table
(tests/test_rules.py); its English and Vietnamese labels, the lever a repair may
pull and its place in explain's ordering are read from here by the reports and
by explain, and README's rule table is generated from it (`python -m trainplan.models.readme`). The
same holds for goals. No solver here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RuleInfo:
    """A planning rule: id, labels, one-sentence statement, repair lever, explain rank.

    `lever` is the kind of scenario value a repair may change to relax the rule
    (an `optimizer.explain` lever kind), None when no repair pulls it.
    `specific` orders explanations: a lower number is a more specific rule (one
    quota, one unit type's staff), which explain keeps in a conflict before a
    broader one (a milestone over many unit types, a whole-plan budget). Ranks
    are spaced by ten so that a new rule slots in without renumbering.
    """

    id: str
    label: str
    label_vi: str
    statement: str
    lever: str | None
    specific: int


@dataclass(frozen=True)
class GoalInfo:
    """A lexicographic goal: id, short labels, what it means, its unit and its sentence.

    `words` / `words_vi` say the goal with its value (`{value}`) for the terminal.
    """

    id: str
    label: str
    label_vi: str
    meaning: str
    unit: str
    words: str
    words_vi: str


RULES: dict[str, RuleInfo] = {
    r.id: r
    for r in [
        RuleInfo("quota_met", "quota per unit type and level",
                 "chỉ tiêu theo loại đơn vị và trình độ",
                 "Each unit type graduates the people its table asks for at each level.",
                 "quota", 20),
        RuleInfo("annual_places", "training places per year", "chỉ tiêu tuyển mới mỗi năm",
                 "Trainees starting in a year never exceed that year's training places.",
                 "places", 40),
        RuleInfo("level_places", "training places per level and year",
                 "chỉ tiêu tuyển mới theo trình độ và năm",
                 "Starters at a level in a year never exceed that level's places.",
                 "places", 30),
        RuleInfo("group_places", "training places per group of levels",
                 "chỉ tiêu tuyển mới theo nhóm trình độ",
                 "Starters at a group of levels in a year never exceed the group's places.",
                 "places", 35),
        RuleInfo("minimum_intake", "minimum starters per year",
                 "số người bắt đầu học tối thiểu mỗi năm",
                 "At least the stated number of people start training every year.",
                 "minimum_intake", 60),
        RuleInfo("seats", "seats per year", "số chỗ học mỗi năm",
                 "People in training at the same time never exceed the seats.",
                 "seats", 80),
        RuleInfo("level_seats", "seats per level and year", "số chỗ học theo trình độ và năm",
                 "People in training at one level never exceed that level's seats.",
                 "seats", 70),
        RuleInfo("total_budget", "total training budget", "tổng kinh phí đào tạo",
                 "Training spending over the whole plan stays within the total budget.",
                 "total_budget", 110),
        RuleInfo("annual_budget", "yearly budget ceiling", "mức trần kinh phí mỗi năm",
                 "Training spending in each year stays within that year's ceiling.",
                 "annual_budget", 90),
        RuleInfo("funding_sources", "funding sources", "nguồn kinh phí",
                 "Each source pays only for its levels and years, and at most its amount.",
                 "source_amount", 100),
        RuleInfo("milestones", "milestones", "các mốc thời gian",
                 "Enough people of the named units and levels have graduated by each deadline.",
                 "milestone_size", 120),
        RuleInfo("unit_staff", "staff per unit", "số người mỗi đơn vị",
                 "A unit sends at most its staff for training; each person trains once.",
                 "staff", 10),
        RuleInfo("unit_concurrency", "staff away at once",
                 "số người của một đơn vị đi học cùng lúc",
                 "A unit has at most its limit of staff in training at the same time.",
                 None, 50),
        # the workforce over time (optional section `workforce`)
        RuleInfo("staff_turnover", "staff leaving and recruited",
                 "cán bộ nghỉ việc và tuyển mới",
                 "Staff leave only at the attrition rate; recruits fill growth and leavers "
                 "each year, never fewer.", None, 12),
        RuleInfo("trainees_from_staff", "trainees from staff in post",
                 "người đi học là cán bộ đang làm việc",
                 "People start a course only from the staff who hold its starting "
                 "qualification and stay that year.", None, 15),
        RuleInfo("qualified_recruits", "recruits arriving qualified",
                 "tuyển dụng người đã có trình độ",
                 "Recruits arriving already qualified stay within each year's limit.",
                 "recruits", 45),
        RuleInfo("coverage", "qualification coverage", "tỷ lệ cán bộ đạt trình độ",
                 "By each target year, enough staff in post hold at least the target "
                 "qualification.", None, 125),
        RuleInfo("trained_share", "staff trained in a phase",
                 "tỷ lệ cán bộ được đào tạo trong giai đoạn",
                 "Graduates during each phase reach the target share of the working staff.",
                 None, 127),
        RuleInfo("staffed_units", "units with qualified staff",
                 "đơn vị có cán bộ đạt trình độ",
                 "By each target year, there are qualified staff enough for the target share "
                 "of units to have the target number each.", None, 126),
    ]
}

#: Rules of the per-person roster (`--staff`): model functions in
#: `optimizer.people.PERSON_RULE_REGISTRY`, checks in `models.checker.PERSON_CHECKS`,
#: rows in tests/test_rules.py's PERSON_CASES. `specific` orders a person conflict.
PERSON_RULES: dict[str, RuleInfo] = {
    r.id: r
    for r in [
        RuleInfo("person_courses", "every planned course to a person",
                 "mọi khóa học trong kế hoạch đều có người học",
                 "Each course the plan gives a unit goes to one person of that unit.", None, 10),
        RuleInfo("person_one_at_a_time", "one course at a time", "mỗi lúc chỉ học một khóa",
                 "A person takes at most one course at a time.", None, 60),
        RuleInfo("person_routes", "upgrade routes from the qualification held",
                 "học nâng cao từ trình độ đang có",
                 "A person starts a course only from the qualification they hold then; "
                 "courses in sequence follow the routes.", None, 50),
        RuleInfo("person_retirement", "courses end before retirement",
                 "khóa học kết thúc trước khi nghỉ hưu",
                 "A course ends at least one full year before the person's retirement year.",
                 None, 20),
        RuleInfo("person_available", "hired and allowed to train",
                 "đã được tuyển dụng và được phép đi học",
                 "A person starts no course before their hiring year or their 'not before' "
                 "year.", None, 30),
        RuleInfo("person_pins", "pinned courses", "khóa học đã được ấn định",
                 "A person pinned to a level and year takes exactly that course.", None, 15),
        RuleInfo("person_in_training", "training already under way",
                 "đang đi học",
                 "A person already in training starts nothing else before that course ends.",
                 None, 40),
    ]
}

#: Rule ids from the most specific to the broadest: explain's preference among conflicts.
SPECIFIC_FIRST: list[str] = sorted(RULES, key=lambda rule: RULES[rule].specific)

GOALS: dict[str, GoalInfo] = {
    g.id: g
    for g in [
        GoalInfo("min_cost", "total cost", "tổng kinh phí",
                 "lowest total training cost (million VND)", "million VND",
                 "lowest total training cost: {value}",
                 "tổng kinh phí đào tạo thấp nhất: {value}"),
        GoalInfo("smooth_intake", "year-to-year change in starters",
                 "tổng thay đổi số người bắt đầu học giữa các năm",
                 "smoothest yearly intake (sum of year-to-year changes in starters)", "people",
                 "smoothest intake: yearly starters change by {value} in total (persons)",
                 "tuyển sinh đều nhất: số người bắt đầu học thay đổi tổng cộng {value} người "
                 "giữa các năm"),
        GoalInfo("earliest_completion", "trainee-years from plan start to graduation",
                 "tổng số năm từ đầu kế hoạch đến khi tốt nghiệp",
                 "earliest completion (sum over trainees of years from plan start to "
                 "graduation)", "trainee-years",
                 "earliest completion: {value} person-years from plan start to graduation",
                 "hoàn thành sớm nhất: {value} người-năm tính từ đầu kế hoạch đến khi tốt "
                 "nghiệp"),
    ]
}

#: Lines around README's rule table, which `python -m trainplan.models.readme README.md` rewrites.
TABLE_START = "<!-- rule table: generated by `python -m trainplan.models.readme README.md` -->"
TABLE_END = "<!-- end of rule table -->"


def rule_table() -> str:
    """The rules as a Markdown table: id, Vietnamese label, statement."""
    rows = [f"| `{r.id}` | {r.label_vi} | {r.statement} |" for r in RULES.values()]
    return "\n".join(["| rule | Vietnamese label | in the planner's words |", "|---|---|---|",
                      *rows])


def with_rule_table(text: str) -> str:
    """`text` (README) with the table between its markers replaced by the declarations'."""
    head, rest = text.split(TABLE_START, 1)
    _, tail = rest.split(TABLE_END, 1)
    return f"{head}{TABLE_START}\n{rule_table()}\n{TABLE_END}{tail}"
