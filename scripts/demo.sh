#!/usr/bin/env bash
# The main job on embedded defaults, with no cluster: build the rke-backup tool, create an encrypted, authenticated
# repository in a local directory (password generated into an owner-only file), back up the sample cluster in
# samples/cluster (a real etcd snapshot in RKE's zip layout, read with --local as if this machine were the etcd
# node) into it, verify every stored set and list the store.
set -euo pipefail
cd "$(dirname "$0")/.."
STORE=${1:-rke-backup-demo/encrypted-store}
PASSWORD_FILE=${RKE_BACKUP_PASSWORD_FILE:-rke-backup-demo/password}
# Maven 3.8 prints bare colour resets ("ESC[0m") even with -B -q; strip them so the demo starts clean
mvn -B -q -ntp -Dstyle.color=never -DskipTests package 2>&1 | sed -e 's/\x1b\[[0-9;]*m//g' -e '/^[[:space:]]*$/d'
rke_backup() { java -jar backup-examples/target/rke-backup.jar "$@"; }
if [ ! -s "$PASSWORD_FILE" ]; then
  mkdir -p "$(dirname "$PASSWORD_FILE")"
  (umask 077; head -c 24 /dev/urandom | base64 > "$PASSWORD_FILE")
  echo "== generated a repository password in $PASSWORD_FILE (0600); keep it: without it the backups cannot be read"
fi
export RKE_BACKUP_PASSWORD_FILE="$PASSWORD_FILE"
if [ ! -e "$STORE/rke-backup-repository.json" ]; then
  echo "== init"
  rke_backup init --store "$STORE"
fi
echo "== inspect"
rke_backup inspect --config samples/cluster/rancher-cluster.yml --rke-version v1.6.3
echo "== backup"
rke_backup backup --config samples/cluster/rancher-cluster.yml --rke-version v1.6.3 \
  --local --snapshot-dir samples/cluster/etcd-snapshots --no-snapshot --name demo-snapshot \
  --store "$STORE" --keep-last 5
echo "== verify"
rke_backup verify --store "$STORE"
echo "== list"
rke_backup list --store "$STORE"
echo "== keys"
rke_backup key list --store "$STORE"
