#!/usr/bin/env bash
# Benchmark: `rke-backup backup --from-etcd` of a SIZE_MIB (1 GiB by default) etcd database into the filesystem
# store and into S3 (a local s3proxy), side by side in one run with `etcdctl snapshot save` to a local file of the
# same database (which then still has to be uploaded). Goal: the whole job within 1.2x of etcdctl alone.
# One etcd member with TLS and client-certificate auth on 127.0.0.1, certificates made with openssl (PKCS#1 keys),
# an .rkestate as RKE writes it. Every time is wall-clock of the whole command (JVM start-up included; the
# rke-backup job also runs member agreement, the structure check, the RKE zip and the read-back verify).
# Usage: backup-etcd/bench/run.sh     Tuning: SIZE_MIB=1024 ROUNDS=3 BENCH_DIR=/tmp/...
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
SIZE_MIB="${SIZE_MIB:-1024}"
ROUNDS="${ROUNDS:-3}"
for tool in java mvn etcd etcdctl openssl curl python3; do
  command -v "$tool" >/dev/null || { echo "missing $tool (Debian: etcd-server etcd-client openssl curl python3 maven)" >&2; exit 1; }
done
work="${BENCH_DIR:-$(mktemp -d /tmp/rkb-etcd-bench.XXXXXX)}"
mkdir -p "$work"; chmod 700 "$work"
etcd_pid=""; proxy_pid=""
cleanup() {
  for p in $etcd_pid $proxy_pid; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
umask 077

echo "== building the CLI jar and s3proxy's class path"
(cd "$root" && mvn -B -q -pl backup-examples -am package -DskipTests >"$work/mvn.log" 2>&1 \
  && mvn -B -q -pl backup-s3 -am test-compile dependency:build-classpath -Dmdep.outputFile="$work/test.cp" \
     -DincludeScope=test >>"$work/mvn.log" 2>&1) || { cat "$work/mvn.log"; exit 1; }
jar="$root/backup-examples/target/rke-backup.jar"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

echo "== PKI (openssl, PKCS#1 keys) and one TLS etcd member"
cd "$work"
openssl genrsa -traditional -out ca-key.pem 2048 2>/dev/null
openssl req -x509 -new -key ca-key.pem -days 30 -subj /CN=kube-ca -out ca.pem
for n in kube-node kube-etcd-127-0-0-1; do
  openssl genrsa -traditional -out $n-key.pem 2048 2>/dev/null
  openssl req -new -key $n-key.pem -subj "/CN=$n" -out $n.csr
  printf 'extendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n' >$n.ext
  openssl x509 -req -in $n.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 30 -extfile $n.ext \
    -out $n.pem 2>/dev/null
done
cport="$(free_port)"; pport="$(free_port)"
etcd --name etcd-127-0-0-1 --data-dir "$work/etcd" --listen-client-urls "https://127.0.0.1:$cport" \
  --advertise-client-urls "https://127.0.0.1:$cport" --listen-peer-urls "http://127.0.0.1:$pport" \
  --initial-advertise-peer-urls "http://127.0.0.1:$pport" --initial-cluster "etcd-127-0-0-1=http://127.0.0.1:$pport" \
  --cert-file kube-etcd-127-0-0-1.pem --key-file kube-etcd-127-0-0-1-key.pem --client-cert-auth \
  --trusted-ca-file ca.pem --listen-metrics-urls "" --quota-backend-bytes $((8 * 1024 * 1024 * 1024)) \
  --max-request-bytes 33554432 --max-txn-ops 100000 >"$work/etcd.log" 2>&1 &
etcd_pid=$!
export ETCDCTL_API=3 ETCDCTL_ENDPOINTS="https://127.0.0.1:$cport" ETCDCTL_CACERT="$work/ca.pem"
export ETCDCTL_CERT="$work/kube-node.pem" ETCDCTL_KEY="$work/kube-node-key.pem"
for _ in $(seq 1 100); do etcdctl endpoint health >/dev/null 2>&1 && break; sleep 0.2; done

echo "== loading $SIZE_MIB MiB of 1 MiB values under /registry/"
python3 - "$SIZE_MIB" <<'EOF' | while IFS= read -r -d $'\0' batch; do printf '%s' "$batch" | etcdctl txn >/dev/null; done
import base64, os, sys
n = int(sys.argv[1]); per = 1  # etcdctl sends at most 2 MiB per request
for start in range(0, n, per):
    lines = ["put /registry/configmaps/bench/cm-%06d %s" % (i, base64.b64encode(os.urandom(786432)).decode())
             for i in range(start, min(n, start + per))]
    sys.stdout.write("\n" + "\n".join(lines) + "\n\n\n\0")
EOF
db_size="$(etcdctl endpoint status -w json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["Status"]["dbSize"])')"
echo "   etcd database: $((db_size / 1024 / 1024)) MiB"

python3 - "$work" <<'EOF'
import json, sys
w = sys.argv[1]
read = lambda f: open(w + "/" + f).read()
entry = lambda n, c, k: {"certificatePEM": read(c), "keyPEM": read(k), "name": n, "commonName": n}
bundle = {"kube-ca": entry("kube-ca", "ca.pem", "ca-key.pem"), "kube-node": entry("kube-node", "kube-node.pem", "kube-node-key.pem"),
          "kube-etcd-127-0-0-1": entry("kube-etcd-127-0-0-1", "kube-etcd-127-0-0-1.pem", "kube-etcd-127-0-0-1-key.pem")}
nodes = [{"address": "127.0.0.1", "internal_address": "127.0.0.1", "user": "rke", "role": ["etcd", "controlplane", "worker"]}]
state = {p: {"rkeConfig": {"nodes": nodes}, "certificatesBundle": bundle} for p in ("desiredState", "currentState")}
json.dump(state, open(w + "/cluster.rkestate", "w"))
open(w + "/cluster.yml", "w").write("nodes:\n- address: 127.0.0.1\n  internal_address: 127.0.0.1\n  user: rke\n  role: [etcd, controlplane, worker]\n")
EOF

echo "== starting s3proxy (filesystem-nio2)"
sport="$(free_port)"; ak="BENCH$RANDOM$RANDOM"; sk="$(head -c 24 /dev/urandom | base64 | tr -d '/+=')"
mkdir -p "$work/s3/bench"
cat >"$work/s3proxy.properties" <<EOF
s3proxy.endpoint=http://127.0.0.1:$sport
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=$ak
s3proxy.credential=$sk
s3proxy.ignore-unknown-headers=true
jclouds.provider=filesystem-nio2
jclouds.identity=$ak
jclouds.credential=$sk
jclouds.filesystem.basedir=$work/s3
EOF
printf '<configuration><root level="WARN"/></configuration>\n' >"$work/logback.xml"
java -Dlogback.configurationFile="$work/logback.xml" -cp "$(tr ':' '\n' <"$work/test.cp" | grep -v slf4j-simple | paste -sd:)" \
  org.gaul.s3proxy.Main --properties "$work/s3proxy.properties" >"$work/s3proxy.log" 2>&1 &
proxy_pid=$!
for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$sport/" && break; sleep 0.2; done
export AWS_ACCESS_KEY_ID="$ak" AWS_SECRET_ACCESS_KEY="$sk" AWS_REGION=us-east-1
unset AWS_CA_BUNDLE AWS_PROFILE || true

now() { date +%s.%N; }
declare -A times
run() { # name command...
  local t0 t1; t0=$(now); "${@:2}" >"$work/$1.out" 2>&1 || { echo "$1 failed:"; tail -20 "$work/$1.out"; exit 1; }
  t1=$(now); times[$1]="${times[$1]:-} $(python3 -c "print(round($t1-$t0,2))")"
}
for round in $(seq 1 "$ROUNDS"); do
  rm -rf "$work/snap.db" "$work/fs-store"
  run etcdctl etcdctl snapshot save "$work/snap.db"
  run from-etcd-fs java -jar "$jar" backup --from-etcd --config "$work/cluster.yml" --rke-version v1.6.3 \
    --etcd-port "$cport" --store "$work/fs-store" --name "bench-$round"
  run from-etcd-s3 java -jar "$jar" backup --from-etcd --config "$work/cluster.yml" --rke-version v1.6.3 \
    --etcd-port "$cport" --store "s3://bench/r$round?endpoint=http://127.0.0.1:$sport&path-style=true&region=us-east-1" \
    --name "bench-$round" --allow-older-revision
done
median() { python3 -c "import statistics,sys; print(statistics.median([float(x) for x in sys.argv[1:]]))" $1; }
base="$(median "${times[etcdctl]}")"
echo
echo "== $SIZE_MIB MiB etcd database ($((db_size / 1024 / 1024)) MiB bbolt), median of $ROUNDS, wall-clock seconds"
printf '%-44s %8s %8s %8s\n' "command" "seconds" "MiB/s" "x etcdctl"
for k in etcdctl from-etcd-fs from-etcd-s3; do
  m="$(median "${times[$k]}")"
  label="$k"
  case $k in
    etcdctl) label="etcdctl snapshot save (local file only)";;
    from-etcd-fs) label="rke-backup backup --from-etcd -> file store";;
    from-etcd-s3) label="rke-backup backup --from-etcd -> S3 (s3proxy)";;
  esac
  python3 -c "print('%-44s %8.2f %8.1f %8.2f' % ('$label', $m, $db_size/1048576/$m, $m/$base))"
done
echo "(rke-backup rows include JVM start, member agreement, the structure check, the RKE zip, the upload and a"
echo " full read-back verify of the set; etcdctl's file still has to be uploaded)"
