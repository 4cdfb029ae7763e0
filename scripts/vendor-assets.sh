#!/usr/bin/env bash
# Copies the front-end libraries pinned in web/package.json into crates/web/assets/vendor, with
# their licences. The result is committed, so building Pingan never needs npm or the internet.
set -euo pipefail
cd "$(dirname "$0")/../web"
npm ci --ignore-scripts --no-audit --no-fund
out=../crates/web/assets/vendor
rm -rf "$out/leaflet" "$out/echarts" && mkdir -p "$out/leaflet/images" "$out/echarts" "$out/LICENSES"
cp node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css "$out/leaflet/"
cp node_modules/leaflet/dist/images/*.png "$out/leaflet/images/"
cp node_modules/leaflet/LICENSE "$out/LICENSES/leaflet-1.9.4.txt"
cp node_modules/echarts/dist/echarts.min.js "$out/echarts/"
{ cat node_modules/echarts/NOTICE; printf "\n----\n\n"; cat node_modules/echarts/LICENSE; } > "$out/LICENSES/echarts-5.6.0.txt"
echo "vendored into $out"
