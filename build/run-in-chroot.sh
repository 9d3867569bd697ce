#!/bin/sh
# Runs the installed executable inside a chroot, as the service user, under the EL7 kernel
# simulation: what test:package hands to the HTTP suites as RB_AIOUTLIERS_CMD.
# Usage: run-in-chroot.sh ROOT UID:GID ENOSYS310 [rb-aioutliers arguments...]
# (RB_AIOUTLIERS_CHROOT_EXE names another executable inside ROOT, e.g. test:package's probe.)
# The chroot gets the host's /tmp bind-mounted (in a private mount namespace, gone with the
# process), so the data dirs and config files the tests create in /tmp have the same paths inside.
# Those are created by root with mode 0700: every /tmp/<dir> named in an argument is handed to
# the service user first, as the RPM hands it /var/lib/rb-aioutliers. The process keeps the PID of
# this script (exec all the way), so the tests' SIGTERM and SIGKILL reach the service itself.
set -eu
root=$1 user=$2 enosys=$3
shift 3
# Also the /tmp paths a --config file and the RB_AIOUTLIERS_* variables name (a token file, say).
# Never the directory that holds the chroot itself (CI's clone is under /tmp): a test that names a
# file of the checkout (a fixture, readable by all) would hand the whole checkout over.
hand_over() {
  case $1 in
    /tmp/?*) top=/tmp/$(echo "${1#/tmp/}" | cut -d/ -f1)
             case $root/ in "$top"/*) return 0 ;; esac
             [ -e "$top" ] && chown -R "$user" "$top" ;;
  esac
  return 0
}
config=""
for arg in "$@"; do
  [ "$config" = next ] && config=$arg
  [ "$arg" = --config ] && config=next
  hand_over "${arg#*=}"
done
if [ -n "$config" ] && [ -f "$config" ]; then
  for path in $(grep -o '/tmp/[^[:space:]]*' "$config" || true); do hand_over "$path"; done
fi
for path in $(env | grep '^RB_AIOUTLIERS_[A-Z_]*=/tmp/' | grep -v '^RB_AIOUTLIERS_CMD=' | cut -d= -f2-); do hand_over "$path"; done
export RB_AIOUTLIERS_PATHS_CACHE_DIR=/var/cache/rb-aioutliers
# The host's Node settings mean nothing to the executable (its CA file is not in the chroot).
unset NODE_OPTIONS NODE_EXTRA_CA_CERTS
exe=${RB_AIOUTLIERS_CHROOT_EXE:-/usr/bin/rb-aioutliers}
unset RB_AIOUTLIERS_CHROOT_EXE
exec unshare --mount sh -c 'r=$0 e=$1 u=$2 x=$3; shift 3
  mount --bind /tmp "$r/tmp" && exec setarch x86_64 --uname-2.6 "$e" -- chroot --userspec="$u" "$r" "$x" "$@"' \
  "$root" "$enosys" "$user" "$exe" "$@"
