#!/usr/bin/env bash
# Benchmark: upload and download the same file (1 GiB by default) to one local s3proxy with the library
# (JVM -Xmx64m), s3cmd, aws s3 cp and curl (raw PUT/GET, the practical ceiling), and print seconds, MiB/s and
# the library's ratio to each peer. Not part of the default build.
#
# Usage: backup-s3/bench/run.sh            (from anywhere; needs mvn, java 17, s3cmd, /usr/bin/aws, curl, python3)
# Tuning: SIZE_MIB=1024 ROUNDS=3 PART_MIB=.. CONCURRENCY=.. (default: the store's) SHA256=false BENCH_DIR=/tmp/...
#         TOOLS='library lib-unsig lib-1put lib-1put-u lib-1put-u-fast s3cmd aws curl' (any subset; run in this order)
#         LIB_VARIANTS='lib-a=-Dbench.partMiB=8 -Dbench.concurrency=3;lib-b=...' (more library rows, named in TOOLS)
# Library rows: "library" = the store's defaults (multipart upload, parallel parts from bounded buffers, payloads
# signed); "lib-unsig" = the same with signPayloads(false) (no SHA-256 pass over the body, a CRC32C per part instead);
# "lib-1put"/"lib-1put-u" = multipartThreshold above the file size (one PUT streamed from the file, like curl), signed
# / unsigned, for servers such as s3proxy whose multipart completion re-writes the whole object; "lib-1put-u-fast" =
# lib-1put-u with launcher flags for a short-lived CLI (AppCDS archive, serial GC, C1 only).
# Then JOBS='plain enc' (default; JOBS= skips it; 'enc1m' adds 1 MiB Tink segments, which do not fit -Xmx64m next
# to the store's parallel ranged reads): the whole backup job (store + read-back verify, a fresh JVM, -Xmx64m)
# through BackupRepository into the same server, plaintext and encrypted (Argon2id unlock, Tink AES-GCM-HKDF 4 KiB
# segments) side by side, with the encryption overhead.
# Every time is wall-clock of the whole command, JVM or Python start-up included; each figure is the median of
# ROUNDS rounds, and tools take turns within a round so that background load hits them alike.
set -euo pipefail
shopt -s inherit_errexit

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
SIZE_MIB="${SIZE_MIB:-1024}"
ROUNDS="${ROUNDS:-3}"
PART_MIB="${PART_MIB:-}"
CONCURRENCY="${CONCURRENCY:-}"
SHA256="${SHA256:-false}"
AWS=/usr/bin/aws
for tool in java mvn s3cmd curl python3 "$AWS"; do
  command -v "$tool" >/dev/null || { echo "missing $tool (Debian: s3cmd awscli curl python3 maven)" >&2; exit 1; }
done

work="${BENCH_DIR:-$(mktemp -d /tmp/rkb-s3-bench.XXXXXX)}"
mkdir -p "$work"
chmod 700 "$work"
proxy_pid=""
cleanup() {
  if [[ -n "$proxy_pid" ]]; then kill "$proxy_pid" 2>/dev/null || true; wait "$proxy_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

echo "== building (mvn test-compile) and resolving class paths"
(cd "$root" && mvn -B -q -pl backup-s3 -am test-compile dependency:build-classpath \
  -Dmdep.outputFile="$work/test.cp" -DincludeScope=test >"$work/mvn.log" 2>&1) || { cat "$work/mvn.log"; exit 1; }
(cd "$root" && mvn -B -q -o -pl backup-s3 -am test-compile dependency:build-classpath \
  -Dmdep.outputFile="$work/runtime.cp" -DincludeScope=runtime >>"$work/mvn.log" 2>&1) || { cat "$work/mvn.log"; exit 1; }
(cd "$root" && mvn -B -q -pl backup-crypto -am test-compile dependency:build-classpath \
  -Dmdep.outputFile="$work/crypto.cp" -DincludeScope=test >>"$work/mvn.log" 2>&1) || { cat "$work/mvn.log"; exit 1; }
mkdir -p "$work/classes"
javac -nowarn -d "$work/classes" -cp "$(cat "$work/runtime.cp"):$root/backup-s3/target/classes" \
  $(find "$here/src" -name '*.java')
# the library runs from jars, as an application ships it (an AppCDS archive also needs jars, not directories)
mkdir -p "$work/jars"
lib_cp=""
for entry in $(tr ':' ' ' <"$work/runtime.cp") "$root/backup-s3/target/classes" "$work/classes"; do
  if [[ -d "$entry" ]]; then
    jar_file="$work/jars/$(printf '%02d' "$(ls "$work/jars" | wc -l)").jar"
    jar --create --file "$jar_file" -C "$entry" .
    entry="$jar_file"
  fi
  lib_cp="${lib_cp:+$lib_cp:}$entry"
done
proxy_cp="$(tr ':' '\n' <"$work/test.cp" | grep -v slf4j-simple | paste -sd:)"

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
ak="BENCH$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')"
sk="$(head -c 24 /dev/urandom | base64 | tr -d '/+=')"
endpoint="http://127.0.0.1:$port"
mkdir -p "$work/data/bench"
umask 077
cat >"$work/s3proxy.properties" <<EOF
s3proxy.endpoint=$endpoint
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=$ak
s3proxy.credential=$sk
s3proxy.ignore-unknown-headers=true
jclouds.provider=filesystem-nio2
jclouds.identity=unused
jclouds.credential=unused
jclouds.filesystem.basedir=$work/data
EOF
cat >"$work/logback.xml" <<'EOF'
<configuration><appender name="E" class="ch.qos.logback.core.ConsoleAppender"><encoder>
<pattern>%d %level %logger - %msg%n</pattern></encoder></appender><root level="WARN"><appender-ref ref="E"/></root>
</configuration>
EOF
cat >"$work/s3cfg" <<EOF
[default]
access_key = $ak
secret_key = $sk
host_base = 127.0.0.1:$port
host_bucket = 127.0.0.1:$port
use_https = False
signature_v2 = False
bucket_location = us-east-1
EOF
printf 'user = "%s:%s"\n' "$ak" "$sk" >"$work/curl.cfg"

echo "== starting s3proxy 4.1.0 (filesystem-nio2) on $endpoint"
java -Dlogback.configurationFile="$work/logback.xml" -cp "$proxy_cp" org.gaul.s3proxy.Main \
  --properties "$work/s3proxy.properties" >"$work/s3proxy.log" 2>&1 &
proxy_pid=$!
for _ in $(seq 1 100); do
  curl -s -o /dev/null "$endpoint/" && break
  sleep 0.2
done

export AWS_ACCESS_KEY_ID="$ak" AWS_SECRET_ACCESS_KEY="$sk" AWS_DEFAULT_REGION=us-east-1
export AWS_CONFIG_FILE="$work/aws-config" AWS_SHARED_CREDENTIALS_FILE="$work/aws-credentials"
unset AWS_CA_BUNDLE AWS_PROFILE || true
export BENCH_ACCESS_KEY="$ak" BENCH_SECRET_KEY="$sk"

echo "== creating a $SIZE_MIB MiB random file"
head -c "$((SIZE_MIB * 1024 * 1024))" /dev/urandom >"$work/src.bin"
src_sha="$(sha256sum "$work/src.bin" | cut -d' ' -f1)"

curl_sig=(--aws-sigv4 "aws:amz:us-east-1:s3" -K "$work/curl.cfg" -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" -sf)
# Library variants: JVM options of each (all with -Xmx64m). Defaults of the bench = the store's defaults, except
# PART_MIB/CONCURRENCY when given.
lib_tune=()
[[ -z "$PART_MIB" ]] || lib_tune+=(-Dbench.partMiB="$PART_MIB")
[[ -z "$CONCURRENCY" ]] || lib_tune+=(-Dbench.concurrency="$CONCURRENCY")
one_put=-Dbench.multipartThresholdMiB="$((SIZE_MIB + 1))"
launcher_flags="-XX:SharedArchiveFile=$work/lib.jsa -XX:+UseSerialGC -XX:TieredStopAtLevel=1"
declare -A libopts=(
  [library]="${lib_tune[*]} -Dbench.sha256=$SHA256"
  [lib-unsig]="${lib_tune[*]} -Dbench.signPayloads=false"
  [lib-1put]="$one_put"
  [lib-1put-u]="$one_put -Dbench.signPayloads=false"
  # lib-1put-u with the flags a launcher of a short-lived CLI would ship: an application class-data archive (AppCDS,
  # made below by one small upload: the SDK's classes are mapped instead of loaded and verified one by one), the
  # serial GC and C1 only (no C2 compiler threads competing with the transfer on a small machine)
  [lib-1put-u-fast]="$one_put -Dbench.signPayloads=false $launcher_flags"
)
# more variants for tuning: LIB_VARIANTS='lib-p8c3=-Dbench.partMiB=8 -Dbench.concurrency=3;lib-x=...'
IFS=';' read -r -a extra <<<"${LIB_VARIANTS:-}"
for v in "${extra[@]}"; do [[ -z "$v" ]] || libopts[${v%%=*}]="${v#*=}"; done
lib() { # lib VARIANT upload|download KEY FILE
  local v="$1"; shift
  # shellcheck disable=SC2086 # the options are words
  java -Xmx64m ${libopts[$v]} -cp "$lib_cp" dev.rkebackup.s3.bench.LibraryTransfer "$1" "$endpoint" bench "$2" "$3" \
    >"$work/$v.out" 2>>"$work/lib.err"
}
up() {
  case "$1" in
    lib*) lib "$1" upload "$1.bin" "$work/src.bin" ;;
    s3cmd) s3cmd -c "$work/s3cfg" --no-progress -q put "$work/src.bin" s3://bench/s3cmd.bin ;;
    aws) "$AWS" --endpoint-url "$endpoint" --only-show-errors s3 cp "$work/src.bin" s3://bench/aws.bin ;;
    curl) curl "${curl_sig[@]}" -T "$work/src.bin" "$endpoint/bench/curl.bin" -o /dev/null ;;
  esac
}
down() {
  rm -f "$work/dl.bin"
  case "$1" in
    lib*) lib "$1" download "$1.bin" "$work/dl.bin" ;;
    s3cmd) s3cmd -c "$work/s3cfg" --no-progress -q --force get s3://bench/s3cmd.bin "$work/dl.bin" ;;
    aws) "$AWS" --endpoint-url "$endpoint" --only-show-errors s3 cp s3://bench/aws.bin "$work/dl.bin" ;;
    curl) curl "${curl_sig[@]}" "$endpoint/bench/curl.bin" -o "$work/dl.bin" ;;
  esac
}
timed() { local t0 t1; t0=$(date +%s.%N); "$@"; t1=$(date +%s.%N); python3 -c "print(f'{$t1-$t0:.3f}')"; }

read -r -a tools <<<"${TOOLS:-library lib-unsig lib-1put lib-1put-u lib-1put-u-fast s3cmd aws curl}"
if [[ " ${tools[*]} " == *" lib-1put-u-fast "* ]]; then
  head -c 1048576 /dev/urandom >"$work/small.bin"
  java -Xmx64m -XX:ArchiveClassesAtExit="$work/lib.jsa" $one_put -Dbench.signPayloads=false -cp "$lib_cp" \
    dev.rkebackup.s3.bench.LibraryTransfer upload "$endpoint" bench small.bin "$work/small.bin" >/dev/null \
    2>>"$work/lib.err" || { cat "$work/lib.err" >&2; exit 1; }
fi
: >"$work/times"
echo "== $ROUNDS rounds of: ${tools[*]}; library JVMs -Xmx64m; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
for t in "${tools[@]}"; do [[ "$t" != lib* ]] || echo "   $t: ${libopts[$t]:-?}"; done
for r in $(seq 1 "$ROUNDS"); do
  for t in "${tools[@]}"; do
    u=$(timed up "$t")
    [[ "$t" != lib* ]] || uj=$(cut -d' ' -f1 "$work/$t.out")
    sync
    d=$(timed down "$t")
    got="$(sha256sum "$work/dl.bin" | cut -d' ' -f1)"
    [[ "$got" == "$src_sha" ]] || { echo "SHA-256 mismatch after $t download" >&2; exit 1; }
    echo "$t $u $d" >>"$work/times"
    if [[ "$t" == lib* ]]; then
      dj=$(cut -d' ' -f1 "$work/$t.out")
      echo "$t-jvm $uj $dj" >>"$work/times"
    fi
    printf '  round %s %-10s upload %7ss  download %7ss\n' "$r" "$t" "$u" "$d"
    rm -f "$work/dl.bin"
  done
  "$AWS" --endpoint-url "$endpoint" --only-show-errors s3 rm --recursive s3://bench/ >/dev/null
done
echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

python3 - "$work/times" "$SIZE_MIB" <<'EOF'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
mib = float(sys.argv[2])
tools = list(dict.fromkeys(r[0] for r in rows))
med = {t: (statistics.median(float(r[1]) for r in rows if r[0] == t),
           statistics.median(float(r[2]) for r in rows if r[0] == t)) for t in tools}
rounds = len([r for r in rows if r[0] == tools[-1]])
print(f"\n{mib:.0f} MiB, median of {rounds} rounds; wall-clock incl. process start-up, except *-jvm rows: the same"
      " library run timed inside its JVM after the store is built, as an embedding application sees it")
print(f"{'tool':20} {'up s':>7} {'up MiB/s':>9} {'down s':>7} {'down MiB/s':>10}")
for t in tools:
    u, d = med[t]
    print(f"{t:20} {u:7.2f} {mib / u:9.1f} {d:7.2f} {mib / d:10.1f}")
peers = [p for p in ("s3cmd", "aws", "curl") if p in med]
print("\nlibrary throughput / peer throughput (upload|download); targets: upload >= 1.5x the faster of"
      " s3cmd/aws and >= 0.9x curl")
for lib in [t for t in tools if t.startswith("lib")]:
    ratios = "  ".join(f"{p} {med[p][0] / med[lib][0]:4.2f}x|{med[p][1] / med[lib][1]:4.2f}x" for p in peers)
    verdict = ""
    if "s3cmd" in med and "aws" in med and "curl" in med:
        r_cli = min(med["s3cmd"][0], med["aws"][0]) / med[lib][0]
        r_curl = med["curl"][0] / med[lib][0]
        verdict = (f"  => 1.5x CLI: {'PASS' if r_cli >= 1.5 else 'MISS'} ({r_cli:.2f}x),"
                   f" 0.9x curl: {'PASS' if r_curl >= 0.9 else 'MISS'} ({r_curl:.2f}x)")
    print(f"{lib:20} {ratios}{verdict}")
EOF

read -r -a jobs <<<"${JOBS-plain enc}"
if [[ ${#jobs[@]} -gt 0 ]]; then
  job_cp="$root/backup-crypto/target/classes:$root/backup-crypto/target/test-classes:$(cat "$work/crypto.cp"):$lib_cp"
  job() { # the job's own line goes to jobs.out, errors to stderr (the run stops on the first failure)
    java -Xmx64m -cp "$job_cp" dev.rkebackup.crypto.bench.EncryptionBenchmark "$@" >>"$work/jobs.out"
  }
  head -c 24 /dev/urandom | base64 >"$work/pw"
  s3uri() { echo "s3://bench/$1?endpoint=$endpoint&region=us-east-1&path-style=true"; }
  : >"$work/jobs"
  echo "== $ROUNDS rounds of the whole backup job (store + verify): ${jobs[*]}"
  for r in $(seq 1 "$ROUNDS"); do
    "$AWS" --endpoint-url "$endpoint" --only-show-errors s3 rm --recursive s3://bench/ >/dev/null
    job init "$(s3uri enc)" "$work/pw" 4096
    job init "$(s3uri enc1m)" "$work/pw" 1048576
    for j in "${jobs[@]}"; do
      mode=encrypted; [[ "$j" != plain ]] || mode=plain
      jt=$(timed job backup "$mode" "$(s3uri "$j")" "$work/src.bin" "$work/pw")
      echo "$j $jt" >>"$work/jobs"
      printf '  round %s job %-6s %7ss\n' "$r" "$j" "$jt"
    done
  done
  python3 - "$work/jobs" "$SIZE_MIB" <<'EOF'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
mib = float(sys.argv[2])
names = {"plain": "plaintext (not encrypted)", "enc": "encrypted, Tink 4 KiB segments",
         "enc1m": "encrypted, Tink 1 MiB segments"}
jobs = list(dict.fromkeys(r[0] for r in rows))
med = {j: statistics.median(float(r[1]) for r in rows if r[0] == j) for j in jobs}
print(f"\nwhole backup job to s3proxy, {mib:.0f} MiB, a fresh JVM each (-Xmx64m): store + read-back verify, median")
print(f"{'repository':34} {'s':>7} {'MiB/s':>7} {'s / plaintext s':>16}")
for j in jobs:
    ratio = f"{med[j] / med['plain']:16.2f}" if "plain" in med else ""
    print(f"{names.get(j, j):34} {med[j]:7.2f} {2 * mib / med[j]:7.1f} {ratio}")
print("(MiB/s counts the file twice: uploaded once, read back once. Goal: encrypted <= 1.10 x plaintext)")
EOF
fi
