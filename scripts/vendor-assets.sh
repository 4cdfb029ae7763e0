#!/usr/bin/env bash
# Copies the front-end libraries pinned in web/package.json into crates/web/assets/vendor, with
# their licences. The result is committed, so building Pingan never needs npm or the internet.
set -euo pipefail
cd "$(dirname "$0")/../web"
npm ci --ignore-scripts --no-audit --no-fund
out=../crates/web/assets/vendor
rm -rf "$out" && mkdir -p "$out/leaflet/images" "$out/LICENSES"
cp node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css "$out/leaflet/"
cp node_modules/leaflet/dist/images/*.png "$out/leaflet/images/"
cp node_modules/leaflet/LICENSE "$out/LICENSES/leaflet-1.9.4.txt"
echo "vendored into $out"
