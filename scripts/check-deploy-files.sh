#!/usr/bin/env bash
# Checks the deployment examples in deploy/ with the tools that read them: `nginx -t` on the site
# file (inside a minimal main config, with a throwaway certificate in place of the real one) and
# `systemd-analyze verify` on the unit (pointing at the built binary). The Containerfile is not
# built here: CI has no container daemon.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=pingan-ci \
  -keyout "$work/privkey.pem" -out "$work/fullchain.pem" 2>/dev/null
sed "s#/etc/pingan/tls/#$work/#" "$repo/deploy/nginx-pingan.conf" >"$work/site.conf"
cat >"$work/nginx.conf" <<CONF
pid $work/nginx.pid;
error_log $work/error.log;
events {}
http {
    access_log off;
    client_body_temp_path $work/body;
    proxy_temp_path $work/proxy;
    fastcgi_temp_path $work/fastcgi;
    uwsgi_temp_path $work/uwsgi;
    scgi_temp_path $work/scgi;
    include $work/site.conf;
}
CONF
echo "== nginx -t deploy/nginx-pingan.conf"
nginx -t -q -c "$work/nginx.conf" -p "$work/"

echo "== systemd-analyze verify deploy/pingan.service"
sed "s#/usr/local/bin/pingan#$repo/target/release/pingan#g" "$repo/deploy/pingan.service" \
  >"$work/pingan.service"
out="$(systemd-analyze verify "$work/pingan.service" 2>&1 || true)"
if [ -n "$out" ]; then
  echo "$out" >&2
  exit 1
fi
echo "   both read cleanly"
