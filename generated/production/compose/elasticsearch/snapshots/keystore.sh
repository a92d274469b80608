#!/bin/sh
set -eu
home=${ES_HOME:-/usr/share/elasticsearch}
ks=$home/bin/elasticsearch-keystore
if [ -z "${S3_ACCESS_KEY:-}" ] || [ -z "${S3_SECRET_KEY:-}" ]; then
  echo "keystore: S3_ACCESS_KEY and S3_SECRET_KEY must be set" >&2
  exit 1
fi
if [ ! -f "$home/config/elasticsearch.keystore" ]; then
  "$ks" create
fi
printf '%s' "$S3_ACCESS_KEY" | "$ks" add --stdin --force s3.client.default.access_key
printf '%s' "$S3_SECRET_KEY" | "$ks" add --stdin --force s3.client.default.secret_key
