#!/usr/bin/env bash
# Benchmark: the same file (1 GiB by default) uploaded and downloaded through the SFTP, Azure and S3 stores (each a
# fresh JVM with -Xmx64m, the whole process timed) side by side with the raw tool of each protocol: OpenSSH scp and
# sftp against the same Debian sshd, curl PUT Blob / GET against the same Azurite, curl PUT/GET against the same
# s3proxy. Prints seconds, MiB/s and the store's ratio to the raw tool (goal >= 0.9). Everything on 127.0.0.1.
#
# Usage: bench/stores/run.sh   (root; needs mvn, java 17, /usr/sbin/sshd, scp, sftp, curl, azurite-blob, python3)
# Tuning: SIZE_MIB=1024 ROUNDS=1 BENCH_DIR=/tmp/... ; each figure is the median of ROUNDS rounds.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
SIZE_MIB="${SIZE_MIB:-1024}"
ROUNDS="${ROUNDS:-1}"
for tool in java mvn /usr/sbin/sshd scp sftp curl azurite-blob python3 ssh-keygen; do
  command -v "$tool" >/dev/null || { echo "missing $tool (Debian: openssh-server curl python3 maven; npm: azurite)" >&2; exit 1; }
done
work="${BENCH_DIR:-$(mktemp -d /tmp/rkb-stores-bench.XXXXXX)}"
mkdir -p "$work"; chmod 700 "$work"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

echo "== building the CLI jar (all stores) and the s3proxy class path"
(cd "$root" && mvn -B -q -DskipTests -pl backup-examples -am package >"$work/mvn.log" 2>&1 \
  && mvn -B -q -o -pl backup-s3 -am test-compile dependency:build-classpath -Dmdep.outputFile="$work/s3proxy.cp" \
     -DincludeScope=test >>"$work/mvn.log" 2>&1) || { cat "$work/mvn.log"; exit 1; }
jar="$root/backup-examples/target/rke-backup.jar"
mkdir -p "$work/classes"
javac -nowarn -d "$work/classes" -cp "$jar" "$here/src/StoreBench.java"
lib=(java -Xmx64m -cp "$jar:$work/classes" StoreBench)

echo "== test file: $SIZE_MIB MiB of random bytes"
head -c "$((SIZE_MIB << 20))" /dev/urandom >"$work/file.bin"

echo "== starting sshd, Azurite and s3proxy on 127.0.0.1"
mkdir -p /run/sshd "$work/sshd" "$work/sftp-data"
ssh-keygen -q -t ed25519 -N "" -f "$work/sshd/host_key"
ssh-keygen -q -t ed25519 -N "" -f "$work/id_ed25519"
sshd_port="$(free_port)"
cat >"$work/sshd/config" <<CONF
Port $sshd_port
ListenAddress 127.0.0.1
HostKey $work/sshd/host_key
PidFile $work/sshd/pid
AuthorizedKeysFile $work/id_ed25519.pub
UsePAM no
StrictModes no
PasswordAuthentication no
PermitRootLogin prohibit-password
Subsystem sftp internal-sftp
CONF
/usr/sbin/sshd -D -e -f "$work/sshd/config" 2>"$work/sshd/log" & pids+=($!)
az_port="$(free_port)"
azurite-blob --blobHost 127.0.0.1 --blobPort "$az_port" --location "$work/azurite" --skipApiVersionCheck --silent \
  --loose --disableTelemetry >"$work/azurite.log" 2>&1 & pids+=($!)
s3_port="$(free_port)"
ak="BENCH$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')"; sk="$(head -c 24 /dev/urandom | base64 | tr -d '/+=')"
mkdir -p "$work/s3data/bench"
cat >"$work/s3proxy.properties" <<CONF
s3proxy.endpoint=http://127.0.0.1:$s3_port
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=$ak
s3proxy.credential=$sk
s3proxy.ignore-unknown-headers=true
jclouds.provider=filesystem-nio2
jclouds.identity=$ak
jclouds.credential=$sk
jclouds.filesystem.basedir=$work/s3data
CONF
cp "$root/backup-s3/src/test/resources/logback-test.xml" "$work/logback.xml"
java -Dlogback.configurationFile="$work/logback.xml" -cp "$(tr ':' '\n' <"$work/s3proxy.cp" | grep -v slf4j-simple | paste -sd:)" \
  org.gaul.s3proxy.Main --properties "$work/s3proxy.properties" >"$work/s3proxy.log" 2>&1 & pids+=($!)
for port in "$sshd_port" "$az_port" "$s3_port"; do
  for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null && break; sleep 0.1; done
done
echo "[127.0.0.1]:$sshd_port $(cut -d' ' -f1,2 "$work/sshd/host_key.pub")" >"$work/known_hosts"
ssh_opts=(-o UserKnownHostsFile="$work/known_hosts" -o StrictHostKeyChecking=yes -o BatchMode=yes -i "$work/id_ed25519" -P "$sshd_port")
az_key="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
az_ep="http://127.0.0.1:$az_port/devstoreaccount1"
export AZURE_STORAGE_ACCOUNT=devstoreaccount1 AZURE_STORAGE_KEY="$az_key"
sas="$("${lib[@]}" container "$az_ep" bench)" || { echo "cannot create the Azurite container" >&2; cat "$work/azurite.log"; exit 1; }
export AZURE_STORAGE_ACCOUNT=devstoreaccount1 AZURE_STORAGE_KEY="$az_key" AWS_ACCESS_KEY_ID="$ak" AWS_SECRET_ACCESS_KEY="$sk"
sftp_uri="sftp://root@127.0.0.1:$sshd_port$work/sftp-data/store?known-hosts=$work/known_hosts&identity=$work/id_ed25519"
az_uri="azure://devstoreaccount1/bench/store?endpoint=$az_ep"
s3_uri="s3://bench/store?endpoint=http://127.0.0.1:$s3_port&region=us-east-1&path-style=true"

declare -A T
timeit() { # name command...
  local s e; s=$(date +%s.%N); "${@:2}" >/dev/null 2>>"$work/errors.log" || { echo "$1 failed:"; tail -5 "$work/errors.log"; exit 1; }
  e=$(date +%s.%N); T[$1]="${T[$1]:-} $(python3 -c "print(f'{$e-$s:.3f}')")"
}
for round in $(seq "$ROUNDS"); do
  echo "== round $round"
  timeit "sftp-store put" "${lib[@]}" put "$sftp_uri" "$work/file.bin" big.bin
  timeit "scp put" scp -q "${ssh_opts[@]}" "$work/file.bin" "root@127.0.0.1:$work/sftp-data/scp.bin"
  timeit "sftp put" sh -c "echo 'put $work/file.bin $work/sftp-data/sftp.bin' | sftp -q -b - $(printf '%q ' "${ssh_opts[@]}") root@127.0.0.1"
  timeit "sftp-store get" "${lib[@]}" get "$sftp_uri" big.bin
  timeit "scp get" scp -q "${ssh_opts[@]}" "root@127.0.0.1:$work/sftp-data/scp.bin" "$work/scp-get.bin"
  rm -f "$work/scp-get.bin"
  timeit "azure-store put" "${lib[@]}" put "$az_uri" "$work/file.bin" big.bin
  timeit "curl blob put" curl -sf -X PUT -T "$work/file.bin" -H "x-ms-blob-type: BlockBlob" "$az_ep/bench/curl.bin?$sas"
  timeit "azure-store get" "${lib[@]}" get "$az_uri" big.bin
  timeit "curl blob get" curl -sf -o /dev/null "$az_ep/bench/curl.bin?$sas"
  timeit "s3-store put" "${lib[@]}" put "$s3_uri" "$work/file.bin" big.bin
  timeit "curl s3 put" curl -sf -X PUT -T "$work/file.bin" --aws-sigv4 aws:amz:us-east-1:s3 --user "$ak:$sk" -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" "http://127.0.0.1:$s3_port/bench/curl.bin"
  timeit "s3-store get" "${lib[@]}" get "$s3_uri" big.bin
  timeit "curl s3 get" curl -sf -o /dev/null --aws-sigv4 aws:amz:us-east-1:s3 --user "$ak:$sk" -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" "http://127.0.0.1:$s3_port/bench/curl.bin"
done
median() { python3 -c "import statistics,sys; print(f'{statistics.median(map(float,sys.argv[1:])):.2f}')" $1; }
echo
echo "== $SIZE_MIB MiB, whole process (JVM start included for the stores, -Xmx64m), median of $ROUNDS"
printf '%-18s %8s %9s   %s\n' tool seconds MiB/s "store / raw tool"
row() { # store raw
  local a b; a=$(median "${T[$1]}"); b=$(median "${T[$2]}")
  printf '%-18s %8s %9s\n' "$2" "$b" "$(python3 -c "print(f'{$SIZE_MIB/$b:.0f}')")"
  printf '%-18s %8s %9s   %.2fx\n' "$1" "$a" "$(python3 -c "print(f'{$SIZE_MIB/$a:.0f}')")" "$(python3 -c "print($b/$a)")"
}
row "sftp-store put" "scp put"
row "sftp-store put" "sftp put"
row "sftp-store get" "scp get"
row "azure-store put" "curl blob put"
row "azure-store get" "curl blob get"
row "s3-store put" "curl s3 put"
row "s3-store get" "curl s3 get"
