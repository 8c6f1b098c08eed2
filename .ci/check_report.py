#!/usr/bin/env python3
"""Opens report.html in headless Chromium: the interactive map must draw every feature of the
GeoJSON layers (data-drawn-features), the console must show no message, and a screenshot is
taken (report.png beside the report). A batch folder (batch.json) is the city page: every
solved county's villages and sites. Usage: check_report.py OUT_DIR"""
import json, pathlib, re, subprocess, sys

out = pathlib.Path(sys.argv[1]).resolve()
url = (out / "report.html").as_uri()
chrome = ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=10000"]
run = subprocess.run(chrome + ["--enable-logging=stderr", "--v=0", "--dump-dom", url],
                     capture_output=True, text=True, timeout=120)
m = re.search(r'id="map"[^>]*data-drawn-features="(\d+)"', run.stdout)
if not m:
    sys.exit("report.html: the map did not finish drawing (no data-drawn-features on #map)")
drawn = int(m.group(1))
count = lambda d, f: len(json.loads((d / f).read_text())["features"])
if (out / "batch.json").exists():
    dirs = [out / c["stem"] for c in json.loads((out / "batch.json").read_text()) if c["solved"]]
    # (Above 150,000 villages the city map draws the sites only.)
    many = sum(count(d, "villages.geojson") for d in dirs) > 150_000
    layers = ("sites.geojson",) if many else ("villages.geojson", "sites.geojson")
else:
    dirs, layers = [out], ("villages.geojson", "sites.geojson", "service_areas.geojson")
expected = sum(count(d, f) for d in dirs for f in layers)
villages = 0 if (out / "batch.json").exists() and many else sum(count(d, "villages.geojson") for d in dirs)
console = [l for l in run.stderr.splitlines() if ":CONSOLE" in l]
print(f"map drew {drawn} features (layers hold {expected}; {villages} villages); "
      f"{len(console)} console messages")
if console:
    sys.exit("console messages:\n" + "\n".join(console))
if drawn != expected or drawn < villages:
    sys.exit(f"drawn {drawn}, expected {expected}")
shot = out / "report.png"
subprocess.run(chrome + ["--window-size=1300,2400", f"--screenshot={shot}", url],
               capture_output=True, timeout=120, check=True)
if shot.stat().st_size < 10000:
    sys.exit("the screenshot is empty")
print(f"screenshot: {shot}")
