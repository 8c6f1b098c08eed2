#!/usr/bin/env python3
"""Opens every GeoJSON layer of a carecover output folder with GDAL's ogrinfo (a real GIS
client) and checks feature counts, geometry types and fields against summary.json.

    python3 .ci/check_layers.py out/default
"""
import json
import re
import subprocess
import sys

out = sys.argv[1]
summary = json.load(open(f"{out}/summary.json"))
n_open = sum(len(t["open_sites"]) for t in summary["tiers"])
n_assigned = sum(t["villages_covered"] for t in summary["tiers"])
tier_fields = [f"{t['name']}_min" for t in summary["tiers"]]
policy = summary.get("policy")
# Policy plans also list closed sites, and say how each village is served.
n_sites = n_open + (policy["sites"]["closed"] if policy else 0)
policy_village_fields = ["served_by", "served_site", "served_min", "served_from", "over_capacity", "reason"] if policy else []
expected = {
    "villages": (summary["inputs"]["n_villages"], "Point", ["id", "name", "town", "elders", "covered"] + tier_fields + policy_village_fields),
    "sites": (n_sites, "Point", ["id", "tier", "town", "status", "build_year", "cost", "elders_served"]),
    "service_areas": (n_open, "Multi Polygon", ["site", "tier", "minutes", "area_km2"]),
    "assignments": (n_assigned, "Line String", ["village", "site", "minutes"]),
}
if policy:
    # GDAL's XLSX driver reads the task table like a layer: one row per town plus the total.
    expected["task_table"] = (policy["towns"] + 1, "None", ["town", "villages", "existing_points", "point_gap", "elders_served"])
failures = 0
for layer, (count, geometry, fields) in expected.items():
    ext = "xlsx" if layer == "task_table" else "geojson"
    # The workbook's first sheet is the annex as published; the table is the sheet `task_table`.
    which = ["task_table"] if ext == "xlsx" else ["-al"]
    info = subprocess.run(["ogrinfo", "-ro", "-so", f"{out}/{layer}.{ext}"] + which, capture_output=True, text=True)
    text = info.stdout
    got = re.search(r"Feature Count: (\d+)", text)
    geom = re.search(r"Geometry: (.+)", text)
    problems = []
    if info.returncode != 0:
        problems.append(f"ogrinfo failed: {info.stderr.strip()}")
    if not got or int(got.group(1)) != count:
        problems.append(f"feature count {got.group(1) if got else '?'} != {count}")
    if not geom or geom.group(1).strip() != geometry:
        problems.append(f"geometry {geom.group(1).strip() if geom else '?'} != {geometry}")
    if ext == "geojson" and "EPSG\",4326" not in text:
        problems.append("not read as WGS-84 (EPSG:4326)")
    for f in fields:
        if not re.search(rf"^{re.escape(f)}: ", text, re.M):
            problems.append(f"field {f} missing")
    status = "ok" if not problems else "FAILED: " + "; ".join(problems)
    print(f"ogrinfo {layer}.{ext}: {count} features, {geometry}: {status}")
    failures += bool(problems)
print(f"{len(expected) - failures} passed, {failures} failed")
sys.exit(1 if failures else 0)
