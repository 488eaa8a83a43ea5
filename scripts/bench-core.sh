#!/usr/bin/env bash
# Benchmark: stream a large file through BackupRepository into the filesystem store (hash + fsync + atomic rename)
# with a 64 MiB heap, side by side with `cp` (+ sync) and `sha256sum` of the same file, in one run; then the whole
# backup job (store + read-back verify, a fresh JVM each, -Xmx64m) into a plaintext and into an encrypted repository
# (Argon2id unlock, Tink AES-GCM-HKDF 4 KiB and 1 MiB segments), with the encryption overhead.
# Usage: scripts/bench-core.sh [SIZE_MIB=1024] [RUNS=3]
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE_MIB=${1:-1024}
RUNS=${2:-3}
work=$(mktemp -d "${TMPDIR:-/tmp}/rkb-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
mvn -B -q -ntp -Dstyle.color=never -pl backup-core test-compile dependency:build-classpath \
  -Dmdep.outputFile="$work/cp.txt" -Dmdep.includeScope=test >/dev/null
CP="backup-core/target/classes:backup-core/target/test-classes:$(cat "$work/cp.txt")"
mvn -B -q -ntp -Dstyle.color=never -pl backup-crypto -am test-compile dependency:build-classpath \
  -Dmdep.outputFile="$work/cp-crypto.txt" -Dmdep.includeScope=test >/dev/null
CCP="backup-crypto/target/classes:backup-crypto/target/test-classes:$(cat "$work/cp-crypto.txt")"
job() { java -Xmx64m -cp "$CCP" dev.rkebackup.crypto.bench.EncryptionBenchmark "$@"; }
(umask 077; head -c 24 /dev/urandom | base64 > "$work/pw")
echo "generating ${SIZE_MIB} MiB test file"
head -c $((SIZE_MIB << 20)) /dev/urandom > "$work/snapshot.db"
cat "$work/snapshot.db" > /dev/null  # warm the page cache for every contender alike
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
t() { local s e; s=$(date +%s.%N); "$@" >/dev/null; e=$(date +%s.%N); echo "$e - $s" | bc -l; }
cp_times=(); sha_times=(); lib_times=(); plain_times=(); enc_times=(); enc1m_times=()
for i in $(seq 1 "$RUNS"); do
  rm -rf "$work/out" "$work/store" "$work/plain" "$work/enc" "$work/enc1m"; mkdir -p "$work/out"
  job init "$work/enc" "$work/pw" 4096
  job init "$work/enc1m" "$work/pw" 1048576
  plain_times+=("$(t job backup plain "$work/plain" "$work/snapshot.db" "$work/pw")")
  enc_times+=("$(t job backup encrypted "$work/enc" "$work/snapshot.db" "$work/pw")")
  enc1m_times+=("$(t job backup encrypted "$work/enc1m" "$work/snapshot.db" "$work/pw")")
  rm -rf "$work/plain" "$work/enc" "$work/enc1m"
  cp_times+=("$(t bash -c "cp '$work/snapshot.db' '$work/out/x' && sync '$work/out/x'")")
  sha_times+=("$(t sha256sum "$work/snapshot.db")")
  lib_times+=("$(java -Xmx64m -cp "$CP" dev.rkebackup.core.bench.RepositoryBenchmark "$work/snapshot.db" \
      "$work/store" 2>/dev/null | awk '/^rke-backup/ {print $2}')")
done
expected=$(sha256sum "$work/snapshot.db" | cut -d' ' -f1)
got=$(java -Xmx64m -cp "$CP" dev.rkebackup.core.bench.RepositoryBenchmark "$work/snapshot.db" "$work/store2" \
      2>/dev/null | awk '/^rke-backup/ {print $3}')
[ "$expected" = "$got" ] || { echo "SHA-256 mismatch: $expected vs $got" >&2; exit 1; }
lib=$(printf '%s\n' "${lib_times[@]}" | median)
printf '\n%d MiB, median of %d runs (page cache warm, same disk)\n' "$SIZE_MIB" "$RUNS"
printf '%-44s %8s %9s %16s\n' tool seconds MiB/s "tool s / rke-backup s"
for row in "cp + sync:${cp_times[*]}" "sha256sum:${sha_times[*]}" "rke-backup store (-Xmx64m):${lib_times[*]}"; do
  name=${row%%:*}; s=$(printf '%s\n' ${row#*:} | median)
  printf '%-44s %8.2f %9.1f %16.2f\n' "$name" "$s" "$(echo "$SIZE_MIB / $s" | bc -l)" "$(echo "$s / $lib" | bc -l)"
done
echo "(last column < 1: the tool is faster. rke-backup does both jobs in one pass: SHA-256 + durable copy)"
plain=$(printf '%s\n' "${plain_times[@]}" | median)
printf '\nwhole backup job, a fresh JVM each (-Xmx64m): store + read-back verify, median of %d runs\n' "$RUNS"
printf '%-44s %8s %9s %16s\n' repository seconds MiB/s "s / plaintext s"
for row in "plaintext (not encrypted):${plain_times[*]}" "encrypted, Tink 4 KiB segments:${enc_times[*]}" \
    "encrypted, Tink 1 MiB segments:${enc1m_times[*]}"; do
  name=${row%%:*}; s=$(printf '%s\n' ${row#*:} | median)
  printf '%-44s %8.2f %9.1f %16.2f\n' "$name" "$s" "$(echo "2 * $SIZE_MIB / $s" | bc -l)" "$(echo "$s / $plain" | bc -l)"
done
echo "(MiB/s counts the file twice: written once, read back once. Goal: encrypted <= 1.10 x plaintext)"
