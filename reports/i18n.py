"""Words and numbers for human-facing outputs, in English or Vietnamese.

Every report (terminal, Excel, HTML, PNG) takes a `lang` and asks this module
for its labels and number formats, so the two languages never drift apart.
Level and unit-type names come from the scenario itself (label_vi / label_en).
Vietnamese writes thousands with a dot and decimals with a comma: 84.330 triệu đồng.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal
from typing import Literal

from trainplan.models.rules import GOALS, RULES
from trainplan.models.scenario import MONEY_SCALE, Scenario
from trainplan.models.solution import Status

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
    "bound_gap": {"en": "not proven best: no plan can do better than {bound}; gap {gap}",
                  "vi": "chưa chứng minh là tốt nhất: không phương án nào tốt hơn {bound}; "
                        "khoảng cách {gap}"},
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
#: Short courses (tập huấn): classes, person-times against targets, spending long / short.
SHORT_TEXT: dict[str, dict[Lang, str]] = {
    "short_classes": {"en": "Short courses: classes and person-times by year and place",
                      "vi": "Tập huấn: số lớp và lượt người theo năm và địa điểm"},
    "short_targets": {"en": "Short-course person-times against targets",
                      "vi": "Lượt người tập huấn so với chỉ tiêu"},
    "short_split": {"en": "Spending: long courses {long}, short courses {short}, total {total} "
                          "million VND",
                    "vi": "Kinh phí: đào tạo dài hạn {long}, tập huấn {short}, tổng {total} "
                          "triệu đồng"},
    "short_place": {"en": "Place", "vi": "Địa điểm"},
    "short_course": {"en": "Course", "vi": "Khóa tập huấn"},
    "short_class_count": {"en": "Classes", "vi": "Số lớp"},
    "short_people": {"en": "Person-times", "vi": "Lượt người"},
    "short_target": {"en": "Target", "vi": "Chỉ tiêu"},
    "short_years": {"en": "Years", "vi": "Năm"},
    "short_at_least": {"en": "At least", "vi": "Tối thiểu"},
    "short_at_most": {"en": "At most", "vi": "Tối đa"},
    "short_cost": {"en": "Cost (million VND)", "vi": "Kinh phí (triệu đồng)"},
    "short_long": {"en": "Long courses", "vi": "Đào tạo dài hạn"},
    "short_kind": {"en": "Training", "vi": "Loại đào tạo"},
    "short_short": {"en": "Short courses", "vi": "Tập huấn"},
    "short_roster": {"en": "Classes", "vi": "Lớp tập huấn"},
    "short_not_in_workbook": {
        "en": "{file}: the short_courses section is not in the workbook (it is YAML-only); "
              "keep the YAML file for it",
        "vi": "{file}: phần short_courses (tập huấn) không có trong tệp Excel (chỉ có trong "
              "YAML); hãy giữ tệp YAML cho phần này"},
}
TEXT |= SHORT_TEXT
#: The goals' short labels (`goal_<id>`), from their declarations in models.rules.
TEXT |= {f"goal_{g.id}": {"en": g.label, "vi": g.label_vi} for g in GOALS.values()}

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
    if rule not in RULES:
        return rule
    return RULES[rule].label_vi if lang == "vi" else RULES[rule].label


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


# ----- goals, command-line messages, explanations and what-ifs in the planner's words -----

#: Each goal as what it means, with its value in place of `{value}`.
#: Each goal said with its value, from its declaration in models.rules.
GOAL_WORDS: dict[str, dict[Lang, str]] = {
    g.id: {"en": g.words, "vi": g.words_vi} for g in GOALS.values()}

#: Messages of the command line itself.
CLI_TEXT: dict[str, dict[Lang, str]] = {
    "warning": {"en": "warning: {text}", "vi": "cảnh báo: {text}"},
    "wrote": {"en": "wrote {path}", "vi": "đã ghi {path}"},
    "check_verdict": {"en": "{name}: {verdict}", "vi": "{name}: {verdict}"},
    "feasible": {"en": "feasible", "vi": "khả thi"},
    "resumed": {"en": "resumed: {done} done, {todo} to go",
                "vi": "tiếp tục: đã xong {done}, còn {todo}"},
    "solving": {"en": "solving", "vi": "đang giải"},
    "cores": {"en": "{jobs} solves x {workers} solver threads exceed the {cores} cores",
              "vi": "{jobs} lượt giải x {workers} luồng vượt quá {cores} lõi máy"},
    "interrupted": {"en": "interrupted: {done} of {total} points saved{where}; run the same "
                          "command to resume",
                    "vi": "đã dừng: lưu {done} trên {total} điểm{where}; chạy lại đúng lệnh "
                          "này để tiếp tục"},
    "saved_in": {"en": " in {path}", "vi": " trong {path}"},
    "eta": {"en": "about {time} left", "vi": "còn khoảng {time}"},
    "eta_unknown": {"en": "estimating time left", "vi": "đang ước tính thời gian"},
}

#: The explanation of an infeasible plan.
EXPLAIN_TEXT: dict[str, dict[Lang, str]] = {
    "feasible": {"en": "{name}: feasible; there is no conflict to explain.",
                 "vi": "{name}: khả thi; không có mâu thuẫn nào cần giải thích."},
    "infeasible": {"en": "{name}: infeasible", "vi": "{name}: không khả thi"},
    "why": {"en": "Why: these {n} rules cannot all hold together:",
            "vi": "Lý do: {n} quy tắc sau không thể cùng được đáp ứng:"},
    "irreducible": {"en": "Irreducible: dropping any one of them makes the rest feasible "
                          "(proved by re-solving without each).",
                    "vi": "Không thể rút gọn: bỏ bất kỳ quy tắc nào trong số đó thì phần còn lại "
                          "khả thi (đã chứng minh bằng cách giải lại khi bỏ từng quy tắc)."},
    "figures": {"en": "The figures:", "vi": "Các con số:"},
    "not_irreducible": {"en": "Together they cannot hold (proved); not every one was proved "
                              "necessary within the time limit.",
                        "vi": "Các quy tắc này không thể cùng được đáp ứng (đã chứng minh); chưa "
                              "chứng minh được từng quy tắc đều cần thiết trong thời gian cho "
                              "phép."},
    "unfinished": {"en": "The explanation could not finish: {why}",
                   "vi": "Chưa giải thích xong: {why}"},
    "priced_repairs": {"en": "Priced repairs: {command}",
                       "vi": "Các cách sửa có tính chi phí: {command}"},
    "no_answer": {"en": "{name}: no answer within the time limit (neither a plan nor a proof "
                        "that none exists); raise --time-limit.",
                  "vi": "{name}: chưa có câu trả lời trong thời gian cho phép (chưa tìm được kế "
                        "hoạch, cũng chưa chứng minh được là không có); hãy tăng --time-limit."},
    "flat_ceiling_open": {"en": "Least flat yearly ceiling (no total budget): at most {money}, "
                                "at least {bound} (not proven within the time limit)",
                          "vi": "Mức trần hằng năm đồng đều tối thiểu (không giới hạn tổng): "
                                "không quá {money}, không dưới {bound} (chưa chứng minh xong "
                                "trong thời gian cho phép)"},
    "plan_at_total": {"en": "The plan at the least total budget:",
                      "vi": "Kế hoạch với tổng kinh phí tối thiểu:"},
    "plan_at_flat": {"en": "The plan at the least flat yearly ceiling (no total budget):",
                     "vi": "Kế hoạch với mức trần hằng năm đồng đều tối thiểu (không giới hạn "
                           "tổng):"},
    "repairs": {"en": "Repairs, one lever at a time (each checked by solving the repaired plan; "
                      "'smallest' = one step less would still be infeasible):",
                "vi": "Cách sửa, mỗi lần một yếu tố (mỗi cách đã được kiểm tra bằng cách giải "
                      "lại kế hoạch đã sửa; 'nhỏ nhất' = bớt một bước nữa thì vẫn không khả "
                      "thi):"},
    "minimal": {"en": "smallest", "vi": "nhỏ nhất"},
    "enough": {"en": "enough", "vi": "đủ"},
    "no_single": {"en": "No single lever (budget, places, seats, milestones, quotas, completion) "
                        "repairs this plan on its own.",
                  "vi": "Không yếu tố đơn lẻ nào (kinh phí, chỉ tiêu tuyển, chỗ học, mốc, chỉ "
                        "tiêu đào tạo, tỷ lệ tốt nghiệp) tự nó sửa được kế hoạch này."},
    "combination": {"en": "Cheapest combination (changing {order}): {words} [{state}]",
                    "vi": "Kết hợp ít tốn kém nhất (thay đổi {order}): {words} [{state}]"},
    "first_then": {"en": "{first} first, then {rest}", "vi": "{first} trước, rồi đến {rest}"},
    "only": {"en": "only {first}", "vi": "chỉ {first}"},
    "checked": {"en": "checked feasible", "vi": "đã kiểm tra: khả thi"},
    "not_checked": {"en": "NOT feasible when re-solved", "vi": "KHÔNG khả thi khi giải lại"},
    "raise": {"en": "raise the {what} from {old} to {new} ({diff} more {unit})",
              "vi": "tăng {what} từ {old} lên {new} (thêm {diff} {unit})"},
    "lower": {"en": "lower the {what} from {old} to {new} ({diff} fewer {unit})",
              "vi": "giảm {what} từ {old} xuống {new} (bớt {diff} {unit})"},
    "raise_money": {"en": "raise the {what} from {old} to {new} ({diff} more)",
                    "vi": "tăng {what} từ {old} lên {new} (thêm {diff})"},
    "lower_money": {"en": "lower the {what} from {old} to {new} ({diff} less)",
                    "vi": "giảm {what} từ {old} xuống {new} (bớt {diff})"},
    "later": {"en": "move the {what} from {old} to {new} ({diff} later)",
              "vi": "lùi {what} từ {old} sang {new} (muộn hơn {diff})"},
    "infeasible_always": {"en": "{name}: infeasible even with unlimited money (run `trainplan "
                                "explain`).",
                          "vi": "{name}: không khả thi kể cả khi không giới hạn kinh phí (chạy "
                                "`trainplan explain`)."},
    "least_total": {"en": "{name}: least total training budget {money} ({proof})",
                    "vi": "{name}: tổng kinh phí đào tạo tối thiểu {money} ({proof})"},
    "proven": {"en": "proven", "vi": "đã chứng minh"},
    "not_proven": {"en": "not all proven optimal within the time limit",
                   "vi": "chưa chứng minh hết là tối ưu trong thời gian cho phép"},
    "flat_ceiling": {"en": "Least flat yearly ceiling (no total budget): {money} (proven: any "
                           "lower ceiling is infeasible)",
                     "vi": "Mức trần hằng năm đồng đều tối thiểu (không giới hạn tổng): {money} "
                           "(đã chứng minh: mọi mức trần thấp hơn đều không khả thi)"},
    "curve": {"en": "Lowest cost by share of every quota met:",
              "vi": "Kinh phí thấp nhất theo tỷ lệ đạt mọi chỉ tiêu:"},
    "curve_infeasible": {"en": "infeasible", "vi": "không khả thi"},
}

#: Levers (what a repair may change), as the planner calls them.
LEVER_TEXT: dict[str, dict[Lang, str]] = {
    "places": {"en": "training places", "vi": "chỉ tiêu tuyển mới"},
    "seats": {"en": "seats", "vi": "chỗ học"},
    "minimum_intake": {"en": "minimum starters per year",
                       "vi": "số người bắt đầu học tối thiểu mỗi năm"},
    "annual_budget": {"en": "yearly budget ceilings", "vi": "mức trần kinh phí hằng năm"},
    "total_budget": {"en": "the total budget", "vi": "tổng kinh phí"},
    "source_amount": {"en": "funding sources' amounts", "vi": "số tiền của các nguồn kinh phí"},
    "milestone_size": {"en": "milestone sizes", "vi": "số người của các mốc"},
    "quota": {"en": "quotas", "vi": "chỉ tiêu đào tạo"},
    "milestone_year": {"en": "milestone years", "vi": "năm của các mốc"},
    "completion_rate": {"en": "completion rates", "vi": "tỷ lệ tốt nghiệp"},
    "staff": {"en": "staff per unit", "vi": "số cán bộ mỗi đơn vị"},
    "recruits": {"en": "qualified recruits a year", "vi": "số tuyển dụng đã có trình độ mỗi năm"},
}

#: The scenario value a repair changes, by the pattern of its dotted key:
#: (key pattern, what it is in English, in Vietnamese, the unit counted: people, places,
#: seats, money, percent or years).
#: Short-course values a repair may change: key pattern, en / vi words, counted unit.
SHORT_CHANGES: list[tuple[str, str, str, str]] = [
    (r"short_courses\.places\.(?P<p>[^.]+)\.classes_per_year", "classes a year at {p}",
     "số lớp mỗi năm tại {p}", "classes"),
    (r"short_courses\.trainer_days_by_year\.(?P<y>\d+)", "trainer-days of {y}",
     "số ngày giảng viên năm {y}", "trainer-days"),
    (r"short_courses\.targets\.(?P<t>[^.]+)\.at_least", "least person-times of target {t}",
     "số lượt tối thiểu của chỉ tiêu {t}", "person-times"),
    (r"short_courses\.targets\.(?P<t>[^.]+)\.at_most", "most person-times of target {t}",
     "số lượt tối đa của chỉ tiêu {t}", "person-times"),
    (r"short_courses\.max_per_unit_per_year\.(?P<u>[^.]+)", "short-course person-times per "
     "{u} unit a year", "số lượt tập huấn mỗi đơn vị {u} mỗi năm", "person-times"),
    (r"short_courses\.courses\.(?P<c>[^.]+)\.holders", "staff holding the qualification "
     "for {c}", "số cán bộ có trình độ yêu cầu cho {c}", "staff"),
]
CHANGE_TEXT: list[tuple[str, str, str, str]] = [
    (r"capacity\.starts_by_year\.(?P<y>\d+)", "training places in {y}",
     "chỉ tiêu tuyển mới năm {y}", "places"),
    (r"capacity\.by_level\.(?P<l>[^.]+)\.starts_by_year\.(?P<y>\d+)",
     "{l} training places in {y}", "chỉ tiêu tuyển mới {l} năm {y}", "places"),
    (r"capacity\.min_starts_per_year", "minimum starters per year",
     "số người bắt đầu học tối thiểu mỗi năm", "people"),
    (r"capacity\.by_level\.(?P<l>[^.]+)\.min_starts_per_year",
     "minimum {l} starters per year", "số người bắt đầu học {l} tối thiểu mỗi năm", "people"),
    (r"capacity\.seats_by_year\.(?P<y>\d+)", "seats in {y}", "số chỗ học năm {y}", "seats"),
    (r"capacity\.by_level\.(?P<l>[^.]+)\.seats_by_year\.(?P<y>\d+)", "{l} seats in {y}",
     "số chỗ học {l} năm {y}", "seats"),
    (r"budget\.total", "total training budget", "tổng kinh phí đào tạo", "money"),
    (r"budget\.by_year\.(?P<y>\d+)", "budget ceiling of {y}", "mức trần kinh phí năm {y}",
     "money"),
    (r"budget\.sources\.(?P<s>[^.]+)\.amount", "amount of funding source {s}",
     "số tiền của nguồn kinh phí {s}", "money"),
    (r"milestones\.(?P<m>[^.]+)\.people", "graduates required by milestone {m}",
     "số người tốt nghiệp mốc {m} yêu cầu", "people"),
    (r"milestones\.(?P<m>[^.]+)\.by_year", "year of milestone {m}", "năm của mốc {m}", "years"),
    (r"unit_types\.(?P<u>[^.]+)\.quotas\.(?P<l>[^.]+)", "{u} quota at {l}",
     "chỉ tiêu {l} của {u}", "people"),
    (r"levels\.(?P<l>[^.]+)\.completion_rate_percent", "completion rate of {l}",
     "tỷ lệ tốt nghiệp {l}", "percent"),
    (r"unit_types\.(?P<u>[^.]+)\.staff_per_unit", "staff per {u} unit",
     "số cán bộ mỗi đơn vị {u}", "staff"),
    (r"workforce\.staff\.(?P<u>[^.]+)\.recruits\.(?P<q>[^.]+)\.per_year",
     "{u} recruits arriving with {q} a year", "số người {u} tuyển dụng đã có {q} mỗi năm",
     "people"),
    *SHORT_CHANGES,
]

#: Counted things, singular and plural (Vietnamese has one form).
UNIT_NOUNS: dict[str, dict[Lang, tuple[str, str]]] = {
    "classes": {"en": ("class", "classes"), "vi": ("lớp", "lớp")},
    "trainer-days": {"en": ("trainer-day", "trainer-days"), "vi": ("ngày giảng", "ngày giảng")},
    "person-times": {"en": ("person-time", "person-times"), "vi": ("lượt người", "lượt người")},
    "people": {"en": ("person", "people"), "vi": ("người", "người")},
    "places": {"en": ("place", "places"), "vi": ("chỗ tuyển", "chỗ tuyển")},
    "seats": {"en": ("seat", "seats"), "vi": ("chỗ học", "chỗ học")},
    "percent": {"en": ("percentage point", "percentage points"),
                "vi": ("điểm phần trăm", "điểm phần trăm")},
    "years": {"en": ("year", "years"), "vi": ("năm", "năm")},
    "staff": {"en": ("person", "people"), "vi": ("người", "người")},
}

#: The comparison table's fixed measures (the CSV and JSON keep the English ones).
MEASURE_VI: dict[str, str] = {
    "status": "trạng thái",
    "feasible": "khả thi",
    "verified": "đã kiểm tra",
    "scenario hash": "mã kịch bản",
    "total cost (million VND)": "tổng kinh phí (triệu đồng)",
    "people trained": "số người được đào tạo",
    "spending": "chi tiêu",
    "starts": "bắt đầu học",
    "quota": "chỉ tiêu",
    "milestone": "mốc",
}

WHATIF_TEXT: dict[str, dict[Lang, str]] = {
    "compare_head": {"en": "Comparison of {n} scenarios ('*': the values differ):",
                     "vi": "So sánh {n} kịch bản ('*': các giá trị khác nhau):"},
    "measure": {"en": "measure", "vi": "chỉ số"},
    "roster_diff": {"en": "Roster rows that differ (starters): {n}",
                    "vi": "Các dòng danh sách khác nhau (số người bắt đầu học): {n}"},
    "more_rows": {"en": "... and {n} more (--out DIR writes them all)",
                  "vi": "... và {n} dòng nữa (--out THƯ_MỤC ghi tất cả)"},
    "of": {"en": "{got} of {need}", "vi": "{got} trên {need}"},
    "by": {"en": "{got} of {need} by {year}", "vi": "{got} trên {need} đến năm {year}"},
    "met": {"en": "met", "vi": "đạt"},
    "not_met": {"en": "NOT met", "vi": "KHÔNG đạt"},
    "yes": {"en": "yes", "vi": "có"},
    "no": {"en": "no", "vi": "không"},
    "points": {"en": "{name}: {n} points ({tally})", "vi": "{name}: {n} điểm ({tally})"},
    "hidden": {"en": "({n} columns left out to fit 100 characters: {names}; --wide shows them)",
               "vi": "({n} cột được ẩn cho vừa 100 ký tự: {names}; --wide để hiện)"},
    "frontier": {"en": "Feasibility frontier: least {axis} with a verified plan",
                 "vi": "Ngưỡng khả thi: {axis} nhỏ nhất có phương án đã kiểm tra"},
    "all_points": {"en": "all points", "vi": "mọi điểm"},
    "frontier_hit": {"en": "{axis}={value} (cost {cost})",
                     "vi": "{axis}={value} (kinh phí {cost})"},
    "none_feasible": {"en": "none feasible on this grid",
                      "vi": "không điểm nào khả thi trên lưới này"},
}

#: Sweep table columns: short headers, in the order they are kept when space is short.
SWEEP_HEADERS: dict[str, dict[Lang, str]] = {
    "status": {"en": "status", "vi": "trạng thái"},
    "total_cost": {"en": "cost", "vi": "kinh phí"},
    "people": {"en": "people", "vi": "số người"},
    "verified": {"en": "verified", "vi": "kiểm tra"},
    "peak_starts": {"en": "peak starts", "vi": "tuyển cao nhất"},
    "peak_spending": {"en": "peak spending", "vi": "chi cao nhất"},
    "error": {"en": "error", "vi": "lỗi"},
}

STATUS_NAMES: dict[str, dict[Lang, str]] = {
    "optimal": {"en": "optimal", "vi": "tối ưu"},
    "feasible": {"en": "feasible", "vi": "khả thi"},
    "infeasible": {"en": "infeasible", "vi": "không khả thi"},
    "unknown": {"en": "no answer", "vi": "chưa có kết quả"},
    "unassigned": {"en": "unassigned", "vi": "chưa phân được"},
    "invalid": {"en": "invalid", "vi": "không hợp lệ"},
    "error": {"en": "error", "vi": "lỗi"},
}


def words(table: dict[str, dict[Lang, str]], key: str, lang: Lang, **values: object) -> str:
    """An entry of one of the tables above in `lang`, with its placeholders filled."""
    text = table[key][lang]
    return text.format(**values) if values else text


def goal_words(name: str, value: int, lang: Lang) -> str:
    """A goal and its value as what they mean: 'lowest total training cost: 37,640 million VND'.

    `value` is in model units: the cost goal counts money x MONEY_SCALE.
    """
    shown = goal_figure(name, value, lang)
    if name not in GOAL_WORDS:
        return f"{name}: {shown}"
    return words(GOAL_WORDS, name, lang, value=shown)


def goal_figure(name: str, value: int, lang: Lang) -> str:
    """A goal's value alone: money (from model units) for the cost goal, a count otherwise."""
    if name == "min_cost":
        return money(Decimal(value) / MONEY_SCALE, lang)
    return number(value, lang)


def count(n: int | Decimal, unit: str, lang: Lang) -> str:
    """A count with its noun: '1 person', '3 people', '2.500 triệu đồng' (money)."""
    if unit == "money":
        return money(n, lang)
    singular, plural = UNIT_NOUNS[unit][lang]
    return f"{amount(n, lang)} {singular if n == 1 else plural}"


def duration(seconds: float, lang: Lang) -> str:
    """A time span for people: '45 s', '3 min 20 s', '2 h 05 min' ('2 giờ 05 phút' in vi)."""
    hour, minute, second = ("h", "min", "s") if lang == "en" else ("giờ", "phút", "giây")
    total = max(0, round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} {hour} {minutes:02d} {minute}"
    if minutes:
        return f"{minutes} {minute} {secs:02d} {second}"
    return f"{secs} {second}"


#: Words of the plan-against-actual report (`trainplan replan`).
REPLAN_TEXT: dict[str, dict[Lang, str]] = {
    "title": {"en": "Plan against actual, {first}-{last}; re-planned from {year}",
              "vi": "Kế hoạch so với thực hiện, {first}-{last}; lập lại kế hoạch từ năm {year}"},
    "sheet": {"en": "Plan vs actual", "vi": "KH so với TH"},
    "planned_starters": {"en": "Planned starters", "vi": "Tuyển mới theo KH"},
    "actual_starters": {"en": "Actual starters", "vi": "Tuyển mới thực tế"},
    "gap": {"en": "Gap", "vi": "Chênh lệch"},
    "planned_graduates": {"en": "Planned graduates", "vi": "Tốt nghiệp theo KH"},
    "actual_graduates": {"en": "Actual graduates", "vi": "Tốt nghiệp thực tế"},
    "remaining_planned": {"en": "From {year}: first plan", "vi": "Từ {year}: KH ban đầu"},
    "remaining_replanned": {"en": "From {year}: re-plan", "vi": "Từ {year}: KH mới"},
    "change": {"en": "Change", "vi": "Thay đổi"},
    "planned_spending": {"en": "Planned spending (million VND)",
                         "vi": "Chi theo KH (triệu đồng)"},
    "actual_spending": {"en": "Actual spending (million VND)",
                        "vi": "Chi thực tế (triệu đồng)"},
    "past_milestone": {"en": "{label} (by {year}): {got} of {need} graduates, {verdict}",
                       "vi": "{label} (đến năm {year}): {got}/{need} người tốt nghiệp, {verdict}"},
    "first_plan": {"en": "first plan", "vi": "kế hoạch ban đầu"},
    "actual": {"en": "actual", "vi": "thực hiện"},
    "replan": {"en": "re-plan", "vi": "kế hoạch mới"},
    "chart_title": {"en": "Starters per year: first plan, actual and re-plan",
                    "vi": "Số người bắt đầu học theo năm: kế hoạch ban đầu, thực hiện và "
                          "kế hoạch mới"},
    "staff_count": {"en": "{type}, end of {year}: {counted} staff in post counted ({planned} "
                          "planned), {qualified} holding a qualification ({planned_q} planned)",
                    "vi": "{type}, cuối năm {year}: {counted} người tại vị trí ({planned} theo "
                          "KH), {qualified} người có trình độ ({planned_q} theo KH)"},
    "must_do": {"en": "The remaining years must start {n} people ({change:+d} against the "
                      "first plan).",
                "vi": "Các năm còn lại phải tuyển {n} người ({change:+d} so với kế hoạch "
                      "ban đầu)."},
    "no_replan": {"en": "No re-plan of the remaining years meets every rule (why: below).",
                  "vi": "Không có kế hoạch mới nào cho các năm còn lại đáp ứng mọi quy tắc "
                        "(lý do: bên dưới)."},
    "planned_classes": {"en": "Planned classes", "vi": "Số lớp theo KH"},
    "actual_classes": {"en": "Actual classes", "vi": "Số lớp thực tế"},
    "planned_person_times": {"en": "Planned person-times", "vi": "Lượt người theo KH"},
    "actual_person_times": {"en": "Actual person-times", "vi": "Lượt người thực tế"},
    "cannot": {"en": "The targets can no longer be met from {year}: why, and the cheapest "
                     "repair:",
               "vi": "Từ năm {year} không còn đạt được các chỉ tiêu: lý do, và cách sửa rẻ "
                     "nhất:"},
}


#: Words of the risk report (`trainplan simulate`).
SIMULATE_TEXT: dict[str, dict[Lang, str]] = {
    "title": {"en": "{name}: {runs} runs with random course completion (seed {seed})",
              "vi": "{name}: {runs} lần mô phỏng với tỷ lệ hoàn thành khóa học ngẫu nhiên "
                    "(seed {seed})"},
    "target": {"en": "Target", "vi": "Chỉ tiêu"},
    "kind": {"en": "Kind", "vi": "Loại"},
    "quota": {"en": "quota", "vi": "chỉ tiêu"},
    "milestone": {"en": "milestone", "vi": "mốc thời gian"},
    "coverage": {"en": "coverage", "vi": "tỷ lệ đạt chuẩn"},
    "trained": {"en": "trained share", "vi": "tỷ lệ được đào tạo"},
    "staffed_units": {"en": "staffed units", "vi": "đơn vị có cán bộ"},
    "required": {"en": "Required", "vi": "Yêu cầu"},
    "met_in": {"en": "Met in", "vi": "Đạt trong"},
    "line": {"en": "{label}: met in {share} of {runs} runs",
             "vi": "{label}: đạt trong {share} của {runs} lần"},
    "plan": {"en": "The plan drawn on ({status}): {goals}",
             "vi": "Kế hoạch được mô phỏng ({status}): {goals}"},
    "fan_title": {"en": "Cumulative graduates by year: 5-95% and 25-75% of runs, median",
                  "vi": "Số tốt nghiệp lũy kế theo năm: 5-95% và 25-75% số lần, trung vị"},
    "fan_title_qualified": {"en": "Staff holding a qualification by year: 5-95% and 25-75% "
                                  "of runs, median",
                            "vi": "Số cán bộ có trình độ theo năm: 5-95% và 25-75% số lần, "
                                  "trung vị"},
    "median": {"en": "median", "vi": "trung vị"},
    "planned": {"en": "plan (completion rates)", "vi": "kế hoạch (tỷ lệ hoàn thành)"},
    "band_outer": {"en": "5-95% of runs", "vi": "5-95% số lần"},
    "band_inner": {"en": "25-75% of runs", "vi": "25-75% số lần"},
}

# ----- the workforce over time ----------------------------------------------------------

WORKFORCE_TEXT: dict[str, dict[Lang, str]] = {
    "stock_head": {"en": "Staff by qualification at the end of each year: {unit_type}",
                   "vi": "Cán bộ theo trình độ cuối mỗi năm: {unit_type}"},
    "targets_head": {"en": "Workforce targets", "vi": "Mục tiêu về đội ngũ cán bộ"},
    "sheet": {"en": "Workforce", "vi": "Đội ngũ cán bộ"},
    "year": {"en": "year", "vi": "năm"},
    "in_post": {"en": "in post", "vi": "đang làm việc"},
    "leavers": {"en": "leavers", "vi": "nghỉ việc"},
    "recruits": {"en": "recruits", "vi": "tuyển mới"},
    "qualified_recruits": {"en": "of whom qualified", "vi": "trong đó đã có trình độ"},
    "graduates": {"en": "graduates", "vi": "tốt nghiệp"},
    "none": {"en": "no qualification", "vi": "chưa qua đào tạo"},
    "target": {"en": "target", "vi": "mục tiêu"},
    "when": {"en": "by", "vi": "đến"},
    "required": {"en": "required", "vi": "yêu cầu"},
    "achieved": {"en": "achieved", "vi": "đạt được"},
    "met": {"en": "met", "vi": "đạt"},
    "not_met": {"en": "NOT met", "vi": "KHÔNG đạt"},
    "chart_title": {"en": "{unit_type}: staff holding at least each qualification",
                    "vi": "{unit_type}: số cán bộ có trình độ từ mỗi mức trở lên"},
    "chart_target": {"en": "target {id}", "vi": "mục tiêu {id}"},
    "people_axis": {"en": "staff (persons)", "vi": "cán bộ (người)"},
    "at_least": {"en": "{q} or higher", "vi": "{q} trở lên"},
    "robust": {"en": "robust: every attrition raised by {points} percentage points",
               "vi": "phương án an toàn: tỷ lệ nghỉ việc tăng thêm {points} điểm phần trăm"},
    "robust_expected": {
        "en": "the same plan at the expected attrition: {rules} rules, {violations} violations",
        "vi": "cùng phương án với tỷ lệ nghỉ việc dự kiến: {rules} quy tắc, {violations} vi phạm"},
}


def qualification_label(sc: Scenario, qualification: str, lang: Lang) -> str:
    """A qualification's name: the level's (when it is one), 'no qualification' for none."""
    if qualification == "none":
        return words(WORKFORCE_TEXT, "none", lang)
    if any(lv.id == qualification for lv in sc.levels):
        return level_label(sc, qualification, lang)
    return qualification
def place_label(sc: Scenario, place_id: str, lang: Lang) -> str:
    """A short-course place's name in `lang` (its id when the name is not given)."""
    assert sc.short_courses is not None
    place = next(p for p in sc.short_courses.places if p.id == place_id)
    return (place.label_vi if lang == "vi" else place.label_en) or place.id


def course_label(sc: Scenario, course_id: str, lang: Lang) -> str:
    """A short course's name in `lang`."""
    assert sc.short_courses is not None
    course = sc.short_courses.course(course_id)
    return course.label_vi if lang == "vi" else course.label_en
