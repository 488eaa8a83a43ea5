#!/usr/bin/env bash
# Runs the whole test suite. The tests start their own servers on 127.0.0.1 (etcd, OpenSSH, an S3-compatible
# server in the JVM) and use the real s3cmd, aws and age clients, so this first makes sure the Debian packages that
# provide them are installed, installing the missing ones when it can (root, or password-less sudo).
set -euo pipefail
cd "$(dirname "$0")/.."

# command -> Debian package that provides it
declare -A NEED=(
  [etcd]=etcd-server
  [etcdctl]=etcd-client
  [sshd]=openssh-server
  [ssh-keygen]=openssh-client
  [s3cmd]=s3cmd
  [aws]=awscli
  [python3]=python3
  [curl]=curl
  [unzip]=unzip
  [openssl]=openssl
  [sudo]=sudo
  [python3-yaml]=python3-yaml
  [age]=age
  [age-keygen]=age
)
have() {
  case "$1" in
    sshd) [ -x /usr/sbin/sshd ] ;;
    aws) [ -x /usr/bin/aws ] ;;   # a pyenv awscli v1 on PATH is not enough: the tests use Debian's v2
    python3-yaml) [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import yaml' 2>/dev/null ;;  # the rke stand-in
    python3) [ -x /usr/bin/python3 ] ;;
    *) command -v "$1" >/dev/null 2>&1 ;;
  esac
}
missing=()
for cmd in "${!NEED[@]}"; do
  have "$cmd" || missing+=("${NEED[$cmd]}")
done
if [ ${#missing[@]} -gt 0 ]; then
  mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
  echo "test.sh: installing missing packages: ${missing[*]}"
  if [ "$(id -u)" -eq 0 ]; then SUDO=(); elif sudo -n true 2>/dev/null; then SUDO=(sudo -n); else
    echo "test.sh: cannot install ${missing[*]}: not root and no password-less sudo." >&2
    echo "test.sh: install them yourself: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "test.sh: cannot install ${missing[*]}: this is not a Debian/Ubuntu machine (no apt-get)." >&2
    echo "test.sh: install etcd 3.4+, OpenSSH server, s3cmd, awscli v2, python3, curl, unzip and sudo yourself." >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${SUDO[@]}" apt-get update -q
  "${SUDO[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
# Azurite (the Azure Storage emulator) comes from npm; the Azure store's tests start it on 127.0.0.1
if ! command -v azurite-blob >/dev/null 2>&1; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "test.sh: installing npm (for the Azurite emulator)"
    if [ "$(id -u)" -eq 0 ]; then SUDO=(); else SUDO=(sudo -n); fi
    export DEBIAN_FRONTEND=noninteractive
    "${SUDO[@]}" apt-get update -q
    "${SUDO[@]}" apt-get install -y -q --no-install-recommends npm
  fi
  echo "test.sh: installing azurite (npm install -g azurite)"
  if [ "$(id -u)" -eq 0 ]; then npm install -g --no-fund --no-audit azurite; else sudo -n npm install -g --no-fund --no-audit azurite; fi
fi
exec mvn -B -ntp -Dstyle.color=never verify "$@"
