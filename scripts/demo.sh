#!/usr/bin/env bash
# The main job on embedded defaults, with no cluster: build the tool, then back up the sample cluster in samples/
# into a local directory store, verify the stored set and list the store.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -ntp -Dstyle.color=never -DskipTests package
java -cp backup-examples/target/rke-backup.jar dev.rkebackup.examples.QuickStart "$@"
