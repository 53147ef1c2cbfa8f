"""Words and numbers for human-facing outputs, in English or Vietnamese.

Every report (terminal, Excel, HTML, PNG) takes a `lang` and asks this module
for its labels and number formats, so the two languages never drift apart.
Level and unit-type names come from the scenario itself (label_vi / label_en).
Vietnamese writes thousands with a dot and decimals with a comma: 84.330 triệu đồng.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal
from typing import Literal

from models.rules import RULES
from models.scenario import Scenario
from models.solution import Status

Lang = Literal["en", "vi"]

TEXT: dict[str, dict[Lang, str]] = {
    "year": {"en": "Year", "vi": "Năm"},
    "start_year": {"en": "Start year", "vi": "Năm bắt đầu"},
    "level": {"en": "Level", "vi": "Trình độ"},
    "unit_type": {"en": "Unit type", "vi": "Loại đơn vị"},
    "unit": {"en": "Unit", "vi": "Đơn vị"},
    "units": {"en": "Units", "vi": "Số đơn vị"},
    "staff_per_unit": {"en": "Staff per unit", "vi": "Số người mỗi đơn vị"},
    "people_per_unit": {"en": "People per unit", "vi": "Số người/đơn vị"},
    "starters": {"en": "Starters", "vi": "Số người bắt đầu học"},
    "graduates": {"en": "Graduates", "vi": "Số người tốt nghiệp"},
    "graduation_year": {"en": "Graduation year", "vi": "Năm tốt nghiệp"},
    "cost": {"en": "Cost (million VND)", "vi": "Kinh phí (triệu đồng)"},
    "spending": {"en": "Spending (million VND)", "vi": "Chi tiêu (triệu đồng)"},
    "ceiling": {"en": "Ceiling (million VND)", "vi": "Mức trần (triệu đồng)"},
    "total": {"en": "Total", "vi": "Tổng cộng"},
    "quota": {"en": "Quota", "vi": "Chỉ tiêu"},
    "mode": {"en": "Quota kind", "vi": "Loại chỉ tiêu"},
    "in_training": {"en": "People in training", "vi": "Số người đang học"},
    "seats": {"en": "Seats", "vi": "Số chỗ học"},
    "places": {"en": "Places per year", "vi": "Chỉ tiêu tuyển mới mỗi năm"},
    "milestone": {"en": "Milestone", "vi": "Mốc thời gian"},
    "by_year": {"en": "By year", "vi": "Đến năm"},
    "required": {"en": "Required", "vi": "Yêu cầu"},
    "achieved": {"en": "Achieved", "vi": "Đạt được"},
    "met": {"en": "met", "vi": "đạt"},
    "not_met": {"en": "not met", "vi": "không đạt"},
    "cumulative_graduates": {"en": "Cumulative graduates", "vi": "Số tốt nghiệp lũy kế"},
    "status": {"en": "Status", "vi": "Trạng thái"},
    "goal": {"en": "Goal", "vi": "Mục tiêu"},
    "verification": {"en": "Verification", "vi": "Kiểm tra độc lập"},
    "summary": {"en": "Summary", "vi": "Tổng hợp"},
    "roster": {"en": "Roster", "vi": "Danh sách đào tạo"},
    "budget": {"en": "Budget", "vi": "Kinh phí"},
    "milestones": {"en": "Milestones", "vi": "Mốc thời gian"},
    "starts_by_year_level": {"en": "Starters by year and level",
                             "vi": "Số người bắt đầu học theo năm và trình độ"},
    "spending_vs_ceiling": {"en": "Spending by year against the ceiling",
                            "vi": "Chi tiêu theo năm so với mức trần"},
    "training_vs_seats": {"en": "People in training against seats",
                          "vi": "Số người đang học so với số chỗ học"},
    "graduates_vs_milestones": {"en": "Cumulative graduates against milestones",
                                "vi": "Số tốt nghiệp lũy kế so với các mốc"},
    "graduates_vs_table": {"en": "Graduates against the plan's table",
                           "vi": "Số tốt nghiệp so với bảng chỉ tiêu của kế hoạch"},
    "million_vnd": {"en": "million VND", "vi": "triệu đồng"},
    "people": {"en": "people", "vi": "người"},
    "verified": {"en": "verified: {rules} rules, {violations} violations",
                 "vi": "đã kiểm tra: {rules} quy tắc, {violations} vi phạm"},
    # HTML report, PNG charts and terminal (issue 5)
    "report_title": {"en": "Training plan", "vi": "Kế hoạch đào tạo"},
    "spending_by_year": {"en": "Spending by year (million VND)",
                         "vi": "Chi tiêu theo năm (triệu đồng)"},
    "spending_by_source": {"en": "Spending by funding source (million VND)",
                           "vi": "Chi tiêu theo nguồn kinh phí (triệu đồng)"},
    "in_training_by_year": {"en": "People in training by year",
                            "vi": "Số người đang học theo năm"},
    "plan_table": {"en": "The plan's table: people to train by unit type and level",
                   "vi": "Bảng chỉ tiêu: số người cần đào tạo theo loại đơn vị và trình độ"},
    "graduates_by_unit_type": {"en": "Graduates the plan yields by unit type and level",
                               "vi": "Số tốt nghiệp theo loại đơn vị và trình độ"},
    "staff": {"en": "Staff", "vi": "Tổng số người"},
    "charts": {"en": "Charts", "vi": "Biểu đồ"},
    "no_limit": {"en": "no limit", "vi": "không giới hạn"},
    "total_cost": {"en": "Total cost", "vi": "Tổng kinh phí"},
    "total_budget": {"en": "Total budget", "vi": "Tổng kinh phí được duyệt"},
    "people_trained": {"en": "People trained", "vi": "Số người được đào tạo"},
    "source_document": {"en": "Source", "vi": "Căn cứ"},
    "generated_by": {"en": "Generated by trainplan; scenario hash {hash}.",
                     "vi": "Tạo bởi trainplan; mã kịch bản {hash}."},
    "goal_min_cost": {"en": "total cost", "vi": "tổng kinh phí"},
    "goal_smooth_intake": {"en": "year-to-year change in starters",
                           "vi": "tổng thay đổi số người bắt đầu học giữa các năm"},
    "goal_earliest_completion": {"en": "trainee-years from plan start to graduation",
                                 "vi": "tổng số năm từ đầu kế hoạch đến khi tốt nghiệp"},
    "bound_gap": {"en": "bound {bound}, gap {gap}", "vi": "cận {bound}, khoảng cách {gap}"},
    "all": {"en": "all", "vi": "tất cả"},
    "milestone_text": {"en": "{levels}: at least {people} by {year}",
                       "vi": "{levels}: ít nhất {people} người đến năm {year}"},
    "no_plan": {"en": "No plan to show.", "vi": "Không có phương án để trình bày."},
    "mode_exact": {"en": "exact", "vi": "đúng bằng"},
    "mode_at_least": {"en": "at_least", "vi": "ít nhất"},
    "mode_at_most": {"en": "at_most", "vi": "nhiều nhất"},
    # the budget officer's view and what to do next (issue 9)
    "budget_spent": {"en": "Budget: spent {spent} of {total} million VND, {left} left",
                     "vi": "Kinh phí: đã chi {spent} trên tổng {total} triệu đồng, còn lại {left}"},
    "budget_spent_no_total": {
        "en": "Budget: spent {spent} million VND (no total budget set)",
        "vi": "Kinh phí: đã chi {spent} triệu đồng (không đặt tổng kinh phí)"},
    "spending_by_phase": {"en": "Spending by phase (million VND)",
                          "vi": "Chi tiêu theo giai đoạn (triệu đồng)"},
    "spent": {"en": "Spent", "vi": "Đã chi"},
    "available": {"en": "Available", "vi": "Được cấp"},
    "left": {"en": "Left", "vi": "Còn lại"},
    "unused": {"en": "unused", "vi": "chưa sử dụng"},
    "source": {"en": "Funding source", "vi": "Nguồn kinh phí"},
    "phase": {"en": "Phase", "vi": "Giai đoạn"},
    "unit_name": {"en": "Unit name", "vi": "Tên đơn vị"},
    "next_step": {"en": "next: `{command}` says why no plan exists and what would fix it",
                  "vi": "tiếp theo: `{command}` cho biết vì sao không có phương án và cách sửa"},
    # the workbook's sheets and cells
    "sheet_summary": {"en": "Summary", "vi": "Tổng hợp"},
    "sheet_starts": {"en": "Starters", "vi": "Tuyển mới"},
    "sheet_roster": {"en": "Roster {year}", "vi": "Danh sách {year}"},
    "sheet_budget": {"en": "Budget", "vi": "Kinh phí"},
    "sheet_milestones": {"en": "Milestones", "vi": "Mốc thời gian"},
    "sheet_verification": {"en": "Verification", "vi": "Kiểm tra"},
    "graduates_of": {"en": "Graduates: {level}", "vi": "Tốt nghiệp: {level}"},
    "spending_of": {"en": "{name} (million VND)", "vi": "{name} (triệu đồng)"},
    "source_amount": {"en": "Available from the source", "vi": "Số tiền của nguồn"},
    "value": {"en": "Value", "vi": "Giá trị"},
    "bound": {"en": "Bound", "vi": "Cận"},
    "proven": {"en": "Proven optimal", "vi": "Đã chứng minh tối ưu"},
    "yes": {"en": "yes", "vi": "có"},
    "no": {"en": "no", "vi": "không"},
    "rule": {"en": "Rule", "vi": "Quy tắc"},
    "result": {"en": "Result", "vi": "Kết quả"},
    "ok": {"en": "holds", "vi": "đạt"},
    "violated": {"en": "{n} violations", "vi": "{n} vi phạm"},
    "violation": {"en": "Violation", "vi": "Vi phạm"},
    "no_roster": {"en": "No roster: {status}", "vi": "Không có danh sách: {status}"},
    "not_verified": {"en": "not verified (no roster)",
                     "vi": "chưa kiểm tra (không có danh sách)"},
}

#: The rules' names in Vietnamese (models.rules holds the English ones).
RULE_VI: dict[str, str] = {
    "quota_met": "chỉ tiêu theo loại đơn vị và trình độ",
    "annual_places": "chỉ tiêu tuyển mới mỗi năm",
    "level_places": "chỉ tiêu tuyển mới theo trình độ và năm",
    "minimum_intake": "số người bắt đầu học tối thiểu mỗi năm",
    "seats": "số chỗ học mỗi năm",
    "level_seats": "số chỗ học theo trình độ và năm",
    "total_budget": "tổng kinh phí đào tạo",
    "annual_budget": "mức trần kinh phí mỗi năm",
    "funding_sources": "nguồn kinh phí",
    "milestones": "các mốc thời gian",
    "unit_staff": "số người mỗi đơn vị",
    "unit_concurrency": "số người của một đơn vị đi học cùng lúc",
}

STATUS_TEXT: dict[Status, dict[Lang, str]] = {
    Status.optimal: {"en": "optimal", "vi": "tối ưu (đã chứng minh)"},
    Status.feasible: {"en": "feasible, not proven optimal",
                      "vi": "khả thi, chưa chứng minh là tối ưu"},
    Status.infeasible: {"en": "infeasible", "vi": "không khả thi"},
    Status.unknown: {"en": "unknown (time limit reached before any plan was found)",
                     "vi": "chưa có kết quả (hết thời gian trước khi tìm được phương án)"},
    Status.invalid: {"en": "invalid input", "vi": "dữ liệu đầu vào không hợp lệ"},
    Status.unassigned: {
        "en": "plan found per unit type, but not assignable to individual units",
        "vi": "có phương án theo loại đơn vị nhưng không phân được cho từng đơn vị",
    },
}


def t(key: str, lang: Lang, **values: object) -> str:
    """The label `key` in `lang`, with `{placeholders}` filled from `values`."""
    text = TEXT[key][lang]
    return text.format(**values) if values else text


def rule_label(rule: str, lang: Lang) -> str:
    """A rule's name in the reader's language (the registry's label in English)."""
    if lang == "vi" and rule in RULE_VI:
        return RULE_VI[rule]
    return RULES[rule].label if rule in RULES else rule


def status_text(status: Status, lang: Lang) -> str:
    """A solver status in the reader's language (never stronger than the truth)."""
    return STATUS_TEXT[status][lang]


def number(value: Decimal | int | float, lang: Lang, decimals: int = 0) -> str:
    """A number with thousands separators: 84,330.5 (en) or 84.330,5 (vi)."""
    quantum = Decimal(1).scaleb(-decimals)
    text = f"{Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_EVEN):,.{decimals}f}"
    if lang == "vi":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def amount(value: Decimal | int | float | None, lang: Lang) -> str:
    """An amount without its unit, decimals only where it has them: '84.330' (vi)."""
    if value is None:
        return "-"
    exact = Decimal(str(value))
    decimals = 0 if exact == exact.to_integral_value() else 3
    text = number(exact, lang, decimals)
    return text.rstrip("0").rstrip(".,") if decimals else text


def percent(share: float, lang: Lang) -> str:
    """A share (0.123) as a percentage with one decimal: '12.3%' (en), '12,3%' (vi)."""
    return f"{number(Decimal(str(share)) * 100, lang, 1)}%"


def money(value: Decimal | int | float | None, lang: Lang) -> str:
    """Million VND, decimals only where the amount has them: '84.330 triệu đồng' (vi)."""
    if value is None:
        return "-"
    return f"{amount(value, lang)} {t('million_vnd', lang)}"


def level_label(sc: Scenario, level_id: str, lang: Lang) -> str:
    """The level's name from the scenario, e.g. 'Trung cấp' or 'Intermediate'."""
    level = sc.level(level_id)
    return level.label_vi if lang == "vi" else level.label_en


def unit_type_label(sc: Scenario, unit_type_id: str, lang: Lang) -> str:
    """The unit type's name from the scenario, e.g. 'Cấp xã' or 'Commune'."""
    unit_type = sc.unit_type(unit_type_id)
    return unit_type.label_vi if lang == "vi" else unit_type.label_en


def milestone_label(sc: Scenario, milestone_id: str, lang: Lang) -> str:
    """A milestone in words: its levels, the graduates it needs and its year."""
    ms = next(m for m in sc.milestones if m.id == milestone_id)
    levels = ", ".join(level_label(sc, lid, lang) for lid in ms.levels) if ms.levels \
        else t("all", lang)
    return t("milestone_text", lang, levels=levels,
             people=number(sc.milestone_target(ms), lang), year=ms.by_year)
