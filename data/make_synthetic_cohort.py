"""Writes data/synthetic_cohort.csv: synthetic (not real) DKD patients for the main job.

Seeded and deterministic. Creatinine is written in the unit a Beijing lab reports (µmol/L) for
most rows and in mg/dL for some, as mixed-unit data arrives in practice; a few rows lack
cystatin C or weight, and two rows carry deliberate errors (an unknown unit, an age under 18)
so that the report shows how bad input is reported instead of dropped.
"""
import pathlib
import random

rng = random.Random(6969807)
rows = ["id,sex,age,creatinine,creatinine_unit,cystatin_c,cystatin_c_unit,weight_kg"]
for i in range(1, 31):
    sex = rng.choice("FM")
    age = rng.randint(45, 80)
    # eGFR 20-90 region: creatinine 80-300 umol/L
    scr_umol = round(rng.uniform(80, 300), 0)
    if i % 4 == 0:
        scr, unit = f"{scr_umol / 88.4:.2f}", "mg/dL"
    else:
        scr, unit = f"{scr_umol:.0f}", "µmol/L" if i % 3 else "umol/L"
    # cystatin C loosely follows creatinine (both rise as GFR falls), with noise
    cys = "" if i % 7 == 0 else f"{0.9 * (scr_umol / 90) ** 0.8 * rng.uniform(0.8, 1.25):.2f}"
    cys_unit = "" if not cys else "mg/L"
    weight = "" if i % 9 == 0 else f"{rng.uniform(50, 95):.1f}"
    rows.append(f"SYN-{i:03d},{sex},{age},{scr},{unit},{cys},{cys_unit},{weight}")
rows.append("SYN-031,F,63,1.4,mg/furlong,1.8,mg/L,60.0")
rows.append("SYN-032,M,17,0.9,mg/dL,1.0,mg/L,70.0")
path = pathlib.Path(__file__).resolve().parent / "synthetic_cohort.csv"
path.write_text("\n".join(rows) + "\n", encoding="utf-8")
print(f"{len(rows) - 1} rows -> {path}")
