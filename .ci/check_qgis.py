#!/usr/bin/env python3
"""Opens a carecover output folder's plan.qgs in QGIS (PyQGIS, headless) and checks that the
project CRS is WGS-84 and every layer loads valid, with the expected number of features and a
categorized style on the expected field; renders the map to a PNG as a smoke test.

    QT_QPA_PLATFORM=offscreen python3 .ci/check_qgis.py out/default [render.png]
"""
import json
import sys

from qgis.core import QgsApplication, QgsMapRendererParallelJob, QgsMapSettings, QgsProject, QgsRectangle
from qgis.PyQt.QtCore import QSize
from qgis.PyQt.QtGui import QColor

out = sys.argv[1]
summary = json.load(open(f"{out}/summary.json"))
n_open = sum(len(t["open_sites"]) for t in summary["tiers"])
# By source file: layer names are in the scenario's language (场地, 村, 服务关系, 服务范围).
expected = {
    "sites.geojson": (n_open, "tier"),
    "villages.geojson": (summary["inputs"]["n_villages"], "service"),
    "assignments.geojson": (sum(t["villages_covered"] for t in summary["tiers"]), "tier"),
    "service_areas.geojson": (n_open, "tier"),
}
source = lambda layer: layer.source().split("|")[0].replace("\\", "/").split("/")[-1]
app = QgsApplication([], False)
app.initQgis()
project = QgsProject.instance()
failures = []
if not project.read(f"{out}/plan.qgs"):
    failures.append("plan.qgs could not be read")
if project.crs().authid() != "EPSG:4326":
    failures.append(f"project CRS {project.crs().authid()!r} is not EPSG:4326")
layers = project.layerTreeRoot().layerOrder()
names = [layer.name() for layer in layers]
for layer in layers:
    count, field = expected.pop(source(layer), (None, None))
    renderer = layer.renderer()
    ok = layer.isValid() and layer.featureCount() == count and renderer.type() == "categorizedSymbol" and renderer.classAttribute() == field
    print(f"QGIS layer {layer.name()}: valid={layer.isValid()} features={layer.featureCount()} (expected {count}) style={renderer.type()} on {renderer.classAttribute()}: {'ok' if ok else 'FAILED'}")
    if not ok:
        failures.append(layer.name())
failures += [f"layer {name} missing" for name in expected]
# Chinese projects name the fields for people (the keys stay English for scripts).
if "<aliases>" in open(f"{out}/plan.qgs", encoding="utf-8").read():
    for layer in layers:
        if source(layer) == "villages.geojson":
            alias = layer.attributeAlias(layer.fields().indexOf("elders"))
            print(f"QGIS field alias of elders: {alias!r}")
            if alias != "老人数":
                failures.append("villages: no Chinese alias for elders")
settings = QgsMapSettings()
settings.setLayers(layers)
settings.setDestinationCrs(project.crs())
settings.setBackgroundColor(QColor(255, 255, 255))
extent = QgsRectangle()
for layer in layers:
    extent.combineExtentWith(layer.extent())
settings.setExtent(extent)
settings.setOutputSize(QSize(900, 700))
job = QgsMapRendererParallelJob(settings)
job.start()
job.waitForFinished()
image = job.renderedImage()
if image.isNull():
    failures.append("map did not render")
elif len(sys.argv) > 2:
    image.save(sys.argv[2], "png")
app.exitQgis()
print(f"{sum(n not in failures for n in names)} passed, {len(failures)} failed")
for f in failures:
    print("failed:", f)
sys.exit(1 if failures else 0)
