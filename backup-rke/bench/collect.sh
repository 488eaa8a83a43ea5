#!/usr/bin/env bash
# Benchmark: collect one etcd snapshot (about SIZE_MIB, default 100) from one SSH node versus from three SSH nodes in
# parallel (CollectionStrategy.ALL_NODES), through RkeBackup with real SSH/SFTP (in-JVM MINA servers on 127.0.0.1),
# the streaming snapshot check and a filesystem store; prints seconds and MiB/s side by side.
# The snapshot comes from a real etcd loaded with 4 KiB values (etcdctl snapshot save: bbolt + SHA-256 trailer).
# Not part of the default build.
#
# Usage: backup-rke/bench/collect.sh        (needs mvn, java 17, etcd-server, etcd-client, openssh-client)
# Tuning: SIZE_MIB=100 ROUNDS=3 LAYOUT=plain|zip BENCH_DIR=/tmp/...   (the work dir needs about 6 x SIZE_MIB)
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
SIZE_MIB="${SIZE_MIB:-100}"
ROUNDS="${ROUNDS:-3}"
LAYOUT="${LAYOUT:-plain}"
for tool in java mvn etcd etcdctl ssh-keygen; do
  command -v "$tool" >/dev/null || { echo "missing $tool (Debian: etcd-server etcd-client openssh-client maven)" >&2; exit 1; }
done

work="$(mktemp -d /tmp/rkb-collect-bench.XXXXXX)"
chmod 700 "$work"
trap 'rm -rf "$work"' EXIT

echo "== building (mvn test-compile) and resolving the test class path"
(cd "$root" && mvn -B -q -pl backup-rke -am test-compile dependency:build-classpath \
  -Dmdep.outputFile="$work/test.cp" -Dmdep.includeScope=test >"$work/mvn.log" 2>&1) || { cat "$work/mvn.log"; exit 1; }
cp="$root/backup-rke/target/test-classes:$root/backup-rke/target/classes:$(cat "$work/test.cp")"
bench_dir="${BENCH_DIR:-$work/run}"
mkdir -p "$bench_dir"
echo "== running (SIZE_MIB=$SIZE_MIB ROUNDS=$ROUNDS LAYOUT=$LAYOUT)"
java -Xmx256m -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$cp" dev.rkebackup.rke.backup.CollectBench \
  "$SIZE_MIB" "$ROUNDS" "$LAYOUT" "$bench_dir"
