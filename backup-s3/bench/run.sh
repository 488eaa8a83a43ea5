#!/usr/bin/env bash
# Benchmark: upload and download the same file (1 GiB by default) to one local s3proxy with the library
# (JVM -Xmx64m), s3cmd, aws s3 cp and curl (raw PUT/GET, the practical ceiling), and print seconds, MiB/s and
# the library's ratio to each peer. Not part of the default build.
#
# Usage: backup-s3/bench/run.sh            (from anywhere; needs mvn, java 17, s3cmd, /usr/bin/aws, curl, python3)
# Tuning: SIZE_MIB=1024 ROUNDS=3 PART_MIB=8 CONCURRENCY=4 SHA256=false BENCH_DIR=/tmp/...
# Two library rows: "library" = default settings (multipart upload, parallel parts from bounded buffers) and
# "lib-1put" = multipartThreshold above the file size (one streamed PUT, like curl, for servers such as s3proxy whose
# multipart completion re-writes the whole object).
# Every time is wall-clock of the whole command, JVM or Python start-up included; each figure is the median of
# ROUNDS rounds, and tools take turns within a round so that background load hits them alike.
set -euo pipefail
shopt -s inherit_errexit

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
SIZE_MIB="${SIZE_MIB:-1024}"
ROUNDS="${ROUNDS:-3}"
PART_MIB="${PART_MIB:-8}"
CONCURRENCY="${CONCURRENCY:-4}"
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
mkdir -p "$work/classes"
javac -nowarn -d "$work/classes" -cp "$(cat "$work/runtime.cp"):$root/backup-s3/target/classes" \
  $(find "$here/src" -name '*.java')
lib_cp="$(cat "$work/runtime.cp"):$root/backup-s3/target/classes:$work/classes"
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
lib=(java -Xmx64m -Dbench.partMiB="$PART_MIB" -Dbench.concurrency="$CONCURRENCY" -Dbench.sha256="$SHA256"
  -cp "$lib_cp" dev.rkebackup.s3.bench.LibraryTransfer)
lib1=(java -Xmx64m -Dbench.multipartThresholdMiB="$((SIZE_MIB + 1))" -cp "$lib_cp" dev.rkebackup.s3.bench.LibraryTransfer)
up() {
  case "$1" in
    library) "${lib[@]}" upload "$endpoint" bench library.bin "$work/src.bin" >"$work/lib.out" 2>>"$work/lib.err" ;;
    lib-1put) "${lib1[@]}" upload "$endpoint" bench lib1.bin "$work/src.bin" >/dev/null 2>>"$work/lib.err" ;;
    s3cmd) s3cmd -c "$work/s3cfg" --no-progress -q put "$work/src.bin" s3://bench/s3cmd.bin ;;
    aws) "$AWS" --endpoint-url "$endpoint" --only-show-errors s3 cp "$work/src.bin" s3://bench/aws.bin ;;
    curl) curl "${curl_sig[@]}" -T "$work/src.bin" "$endpoint/bench/curl.bin" -o /dev/null ;;
  esac
}
down() {
  rm -f "$work/dl.bin"
  case "$1" in
    library) "${lib[@]}" download "$endpoint" bench library.bin "$work/dl.bin" >"$work/lib.out" 2>>"$work/lib.err" ;;
    lib-1put) "${lib1[@]}" download "$endpoint" bench lib1.bin "$work/dl.bin" >/dev/null 2>>"$work/lib.err" ;;
    s3cmd) s3cmd -c "$work/s3cfg" --no-progress -q --force get s3://bench/s3cmd.bin "$work/dl.bin" ;;
    aws) "$AWS" --endpoint-url "$endpoint" --only-show-errors s3 cp s3://bench/aws.bin "$work/dl.bin" ;;
    curl) curl "${curl_sig[@]}" "$endpoint/bench/curl.bin" -o "$work/dl.bin" ;;
  esac
}
timed() { local t0 t1; t0=$(date +%s.%N); "$@"; t1=$(date +%s.%N); python3 -c "print(f'{$t1-$t0:.3f}')"; }

tools=(library lib-1put s3cmd aws curl)
: >"$work/times"
echo "== $ROUNDS rounds; library: -Xmx64m, part ${PART_MIB} MiB, concurrency $CONCURRENCY, sha256 header $SHA256"
for r in $(seq 1 "$ROUNDS"); do
  for t in "${tools[@]}"; do
    u=$(timed up "$t")
    [[ "$t" != library ]] || uj=$(cut -d' ' -f1 "$work/lib.out")
    sync
    d=$(timed down "$t")
    [[ "$t" != library ]] || { dj=$(cut -d' ' -f1 "$work/lib.out"); echo "lib-jvm $uj $dj" >>"$work/times"; }
    got="$(sha256sum "$work/dl.bin" | cut -d' ' -f1)"
    [[ "$got" == "$src_sha" ]] || { echo "SHA-256 mismatch after $t download" >&2; exit 1; }
    echo "$t $u $d" >>"$work/times"
    printf '  round %s %-8s upload %7ss  download %7ss\n' "$r" "$t" "$u" "$d"
    rm -f "$work/dl.bin"
  done
done

python3 - "$work/times" "$SIZE_MIB" <<'EOF'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
mib = float(sys.argv[2])
tools = ["library", "lib-jvm", "lib-1put", "s3cmd", "aws", "curl"]
med = {t: (statistics.median(float(r[1]) for r in rows if r[0] == t),
           statistics.median(float(r[2]) for r in rows if r[0] == t)) for t in tools}
rounds = len([r for r in rows if r[0] == "curl"])
print(f"\n{mib:.0f} MiB, median of {rounds} rounds; wall-clock incl. process start-up, except"
      " lib-jvm: the same library runs timed inside its JVM after the client is built, as an embedding application"
      " sees it")
print(f"{'tool':8} {'up s':>7} {'up MiB/s':>9} {'down s':>7} {'down MiB/s':>10} {'lib/tool up':>12}"
      f" {'lib/tool down':>14}")
for t in tools:
    u, d = med[t]
    ru = med[t][0] / med["library"][0]
    rd = med[t][1] / med["library"][1]
    print(f"{t:8} {u:7.2f} {mib / u:9.1f} {d:7.2f} {mib / d:10.1f} {ru:11.2f}x {rd:13.2f}x")
best_cli = min(med["s3cmd"][0], med["aws"][0])
for lib in ["library", "lib-jvm", "lib-1put"]:
    r_cli = best_cli / med[lib][0]
    r_curl = med["curl"][0] / med[lib][0]
    print(f"\n{lib}: upload >= 1.5x the faster of s3cmd/aws: {r_cli:.2f}x -> {'PASS' if r_cli >= 1.5 else 'MISS'}")
    print(f"{lib}: upload >= 0.9x curl:                    {r_curl:.2f}x -> {'PASS' if r_curl >= 0.9 else 'MISS'}")
EOF
