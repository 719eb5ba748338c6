"""Seed the receipt cut-off rules and the known make-up working days (ngày làm bù).

The `holidays` package lists the swapped days off (e.g. 2/5/2025) but not the Saturdays worked in
exchange, so those are seeded here; later years are added by an administrator in the swap table.
"""

import datetime as dt

from django.db import migrations

CUTOFF_RULES = [
    (dt.date(2018, 6, 21), dt.time(15, 0), "Nghị định 61/2018/NĐ-CP"),
    (dt.date(2025, 7, 1), dt.time(15, 0), "Nghị định 118/2025/NĐ-CP"),
]

# (make-up working day, the weekday given off in exchange, instrument)
MAKE_UP_DAYS = [
    (dt.date(2019, 1, 5), dt.date(2018, 12, 31), "Công văn 6519/VPCP-KGVX năm 2018 của Văn phòng Chính phủ"),
    (dt.date(2019, 5, 4), dt.date(2019, 4, 29), "Công văn 6519/VPCP-KGVX năm 2018 của Văn phòng Chính phủ"),
    (dt.date(2024, 5, 4), dt.date(2024, 4, 29), "Công văn 2450/VPCP-KGVX ngày 12/4/2024 của Văn phòng Chính phủ"),
    (dt.date(2025, 4, 26), dt.date(2025, 5, 2), "Thông báo 6150/TB-BLĐTBXH năm 2024 của Bộ Lao động – Thương binh và Xã hội"),
    (dt.date(2026, 8, 22), dt.date(2026, 8, 31), "Lịch nghỉ lễ Quốc khánh năm 2026"),
]


def seed(apps, schema_editor):
    ReceiptCutoffRule = apps.get_model("calendar", "ReceiptCutoffRule")
    CalendarDay = apps.get_model("calendar", "CalendarDay")
    for since, cutoff, instrument in CUTOFF_RULES:
        ReceiptCutoffRule.objects.get_or_create(effective_from=since, defaults={"cutoff": cutoff, "instrument": instrument})
    for day, off, instrument in MAKE_UP_DAYS:
        CalendarDay.objects.get_or_create(
            date=day,
            defaults={"kind": "working_day", "instrument": instrument,
                      "note": f"Làm bù cho ngày nghỉ {off:%d/%m/%Y}"},
        )


def unseed(apps, schema_editor):
    apps.get_model("calendar", "ReceiptCutoffRule").objects.filter(
        effective_from__in=[since for since, _c, _i in CUTOFF_RULES]
    ).delete()
    apps.get_model("calendar", "CalendarDay").objects.filter(date__in=[d for d, _o, _i in MAKE_UP_DAYS]).delete()


class Migration(migrations.Migration):
    dependencies = [("calendar", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
