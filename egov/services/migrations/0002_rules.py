"""The one-stop time rules and forms in force, as dated rows (a later instrument adds a row, never edits one)."""

import datetime as dt

from django.db import migrations

RULES = [
    # Decree 61/2018/NĐ-CP Art. 18–20: supplement request within 3 working days; one apology, at least one
    # working day before the due date.
    {
        "effective_from": dt.date(2018, 8, 21),
        "instrument": "Nghị định 61/2018/NĐ-CP",
        "supplement_days": 3,
        "apology_lead_days": 1,
        "apologies_allowed": 1,
    },
    # Decree 118/2025/NĐ-CP replaced it from 1 July 2025 and kept these periods.
    {
        "effective_from": dt.date(2025, 7, 1),
        "instrument": "Nghị định 118/2025/NĐ-CP",
        "supplement_days": 3,
        "apology_lead_days": 1,
        "apologies_allowed": 1,
    },
]
FORMS = [
    ("receipt", "01", "Giấy tiếp nhận hồ sơ và hẹn trả kết quả", "A5"),
    ("supplement", "02", "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ", "A5"),
    ("refusal", "03", "Phiếu từ chối tiếp nhận giải quyết hồ sơ", "A5"),
    ("apology", "04", "Phiếu xin lỗi và hẹn lại ngày trả kết quả", "A5"),
    ("control", "05", "Phiếu kiểm soát quá trình giải quyết hồ sơ", "A5"),
    ("book", "06", "Sổ theo dõi hồ sơ", "A4"),
]


def load(apps, schema_editor):
    OneStopRule = apps.get_model("services", "OneStopRule")
    OfficialForm = apps.get_model("services", "OfficialForm")
    for rule in RULES:
        OneStopRule.objects.get_or_create(effective_from=rule["effective_from"], defaults=rule)
    for purpose, number, title, paper in FORMS:
        OfficialForm.objects.get_or_create(
            purpose=purpose,
            effective_from=dt.date(2019, 1, 8),
            defaults={"instrument": "Thông tư 01/2018/TT-VPCP", "number": number, "title": title, "paper": paper},
        )


class Migration(migrations.Migration):
    dependencies = [("services", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
