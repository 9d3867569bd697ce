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
for arg in "$@"; do
  path=${arg#*=}
  case $path in
    /tmp/?*) top=/tmp/$(echo "${path#/tmp/}" | cut -d/ -f1)
             [ -e "$top" ] && chown -R "$user" "$top" ;;
  esac
done
export RB_AIOUTLIERS_PATHS_CACHE_DIR=/var/cache/rb-aioutliers
# The host's Node settings mean nothing to the executable (its CA file is not in the chroot).
unset NODE_OPTIONS NODE_EXTRA_CA_CERTS
exe=${RB_AIOUTLIERS_CHROOT_EXE:-/usr/bin/rb-aioutliers}
unset RB_AIOUTLIERS_CHROOT_EXE
exec unshare --mount sh -c 'r=$0 e=$1 u=$2 x=$3; shift 3
  mount --bind /tmp "$r/tmp" && exec setarch x86_64 --uname-2.6 "$e" -- chroot --userspec="$u" "$r" "$x" "$@"' \
  "$root" "$enosys" "$user" "$exe" "$@"
