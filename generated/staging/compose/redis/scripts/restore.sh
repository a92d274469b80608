#!/bin/sh
# Loads the snapshot in /restore into a server on the empty data volume (no port, a socket
# only), turns the append-only file on so that Redis writes it from the loaded data, waits
# for that rewrite, and shuts the server down: the volume then holds both files.
set -eu
# A new volume may hold the file system's lost+found, nothing else.
if [ -n "$(ls -A /data | grep -vx 'lost+found' || true)" ]; then
  echo "restore: /data is not empty; restore into a fresh volume" >&2
  exit 1
fi
cp /restore/backup /data/dump.rdb
redis-server --port 0 --unixsocket /data/.restore.sock --dir /data \
  --dbfilename dump.rdb --appendonly no &
server=$!
cli() { redis-cli -s /data/.restore.sock "$@"; }
until cli ping 2>/dev/null | grep -q PONG; do
  kill -0 "$server"
  sleep 1
done
cli config set appendonly yes >/dev/null
until cli info persistence | grep -q '^aof_rewrite_in_progress:0' &&
  cli info persistence | grep -q '^aof_rewrite_scheduled:0'; do
  sleep 1
done
cli shutdown save >/dev/null 2>&1 || true
wait "$server" || true
rm -f /data/.restore.sock
echo "restore: done, $(ls /data | tr '\n' ' ')"
