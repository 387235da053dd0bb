#!/usr/bin/env bash
# Builds the root file system that the OCI image adds on top of `scratch` (run by `./mvnw package`, phase
# prepare-package, before Jib; see pom.xml and docs/operations.md#the-container-image):
#
#   /opt/java/            a jlinked Java runtime, made from the JDK that runs the build ($1)
#   /lib64, /lib/...      the shared libraries that runtime and sqlite-jdbc's native library need, copied from
#                         this machine (found with ldd), with their Debian copyright files when dpkg knows them
#   /etc/passwd, /etc/group, /etc/nsswitch.conf, /etc/hosts
#                         root and the user tollgate (uid and gid 65532) that the image runs as
#   /tmp                  (mode 1777 in the image: sqlite-jdbc extracts its native library there)
#   /data                 the data directory and volume (owned by 65532 in the image)
#
# No registry and no Docker engine are needed: the image's base is `scratch`, everything comes from here.
# Usage: scripts/image-runtime.sh JAVA_HOME OUTPUT_DIR [JAR [UID]]
#   JAR: default OUTPUT_DIR/../tollgate.jar; UID: the user's uid and gid, default 65532 (pom.xml: image.uid)
# The result is kept when its inputs (the JDK, the module list, this script) did not change, so a second
# `./mvnw package` costs nothing here.
set -euo pipefail

java_home="${1:?usage: image-runtime.sh JAVA_HOME OUTPUT_DIR}"
out="$(realpath -m "${2:?usage: image-runtime.sh JAVA_HOME OUTPUT_DIR}")"

# What the jar needs: `jdeps --ignore-missing-deps --multi-release 21 --print-module-deps target/tollgate.jar`
# (java.base ... jdk.unsupported), plus modules found only at run time (service loaders, reflection):
# jdk.crypto.ec (TLS with EC keys), jdk.management (com.sun.management MXBeans), jdk.zipfs (zip file systems).
MODULES=java.base,java.compiler,java.desktop,java.management,java.naming,java.net.http,java.security.jgss,java.sql
MODULES=$MODULES,jdk.jfr,jdk.unsupported,jdk.crypto.ec,jdk.management,jdk.zipfs
# The desktop module's X11 and sound libraries: the server runs headless, and they would drag libX11 in.
EXCLUDE='**/libawt_xawt.so,**/libjawt.so,**/libsplashscreen.so,**/libjsound.so'
USER_ID="${4:-65532}"

die() { echo "image-runtime: FAILED: $*" >&2; exit 1; }

[ "$(uname -m)" = x86_64 ] \
  || die "the image is linux/amd64 and takes its libraries from this machine, which is $(uname -m):" \
    "build it on x86_64, or skip it with -Djib.skip=true"
[ -x "$java_home/bin/jlink" ] || die "$java_home/bin/jlink is missing: the build needs a full JDK (21 or newer)"
command -v ldd >/dev/null || die "ldd is missing (package libc-bin)"

# sqlite-jdbc's native library for Linux x86_64, extracted from the jar, so that ldd says what it needs too.
jar="${3:-$(dirname "$out")/tollgate.jar}"
[ -f "$jar" ] || die "$jar is missing (run after the jar is built)"
jar="$(realpath "$jar")"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
sqlite_native="$scratch/org/sqlite/native/Linux/x86_64/libsqlitejdbc.so"
(cd "$scratch" && "$java_home/bin/jar" xf "$jar" org/sqlite/native/Linux/x86_64/libsqlitejdbc.so)
[ -f "$sqlite_native" ] || die "$jar holds no org/sqlite/native/Linux/x86_64/libsqlitejdbc.so"

stamp="$out.stamp"
inputs="$(
  "$java_home/bin/java" -version 2>&1
  echo "$java_home $MODULES $EXCLUDE $USER_ID"
  sha256sum <"$sqlite_native"
  cat "${BASH_SOURCE[0]}"
)"
inputs_sum="$(printf '%s' "$inputs" | sha256sum | cut -d' ' -f1)"
if [ -d "$out" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$inputs_sum" ]; then
  echo "image-runtime: $out is up to date"
  exit 0
fi

rm -rf "$out" "$stamp"
mkdir -p "$out/opt" "$out/etc" "$out/tmp" "$out/data"

# A JDK without jmods (JDK 24+ built with JEP 493, like Temurin 25) links from its own run-time image; a JDK
# 21 needs its jmods directory (Debian: package openjdk-21-jmods).
"$java_home/bin/jlink" --add-modules "$MODULES" --exclude-files="$EXCLUDE" \
  --strip-debug --no-header-files --no-man-pages --output "$out/opt/java" \
  || die "jlink failed (a JDK 21-23 needs its jmods: e.g. apt-get install openjdk-21-jmods)"

elves=("$out"/opt/java/bin/* "$out"/opt/java/lib/jspawnhelper "$sqlite_native")
while IFS= read -r -d '' so; do elves+=("$so"); done < <(find "$out/opt/java/lib" -name '*.so' -print0)

# Every library ldd resolves outside the runtime, at the path the dynamic loader looks for it. libgcc_s is
# not linked but loaded by glibc when a thread is cancelled or a stack unwound, so it comes along too.
libs="$(
  for elf in "${elves[@]}"; do
    ldd "$elf" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'
  done
  for extra in /lib/x86_64-linux-gnu/libgcc_s.so.1 /usr/lib/x86_64-linux-gnu/libgcc_s.so.1; do
    [ -f "$extra" ] && { echo "$extra"; break; }
  done
)"
libs="$(printf '%s\n' "$libs" | grep -v "^$out" | sort -u)"
[ -n "$libs" ] || die "ldd found no libraries for $out/opt/java/bin/java"
printf '%s\n' "$libs" | grep -q 'ld-linux' || die "ldd did not name the dynamic loader"
packages=()
while IFS= read -r lib; do
  mkdir -p "$out$(dirname "$lib")"
  cp -L "$lib" "$out$lib"
  if command -v dpkg >/dev/null; then
    pkg="$(dpkg -S "$lib" 2>/dev/null | head -n1 | cut -d: -f1 || true)"
    [ -n "$pkg" ] && packages+=("$pkg")
  fi
done <<<"$libs"
for pkg in $(printf '%s\n' "${packages[@]:-}" | sort -u); do
  if [ -f "/usr/share/doc/$pkg/copyright" ]; then
    mkdir -p "$out/usr/share/doc/$pkg"
    cp "/usr/share/doc/$pkg/copyright" "$out/usr/share/doc/$pkg/copyright"
  fi
done

cat >"$out/etc/passwd" <<EOF
root:x:0:0:root:/root:/sbin/nologin
tollgate:x:$USER_ID:$USER_ID:Tollgate:/data:/sbin/nologin
EOF
cat >"$out/etc/group" <<EOF
root:x:0:
tollgate:x:$USER_ID:
EOF
cat >"$out/etc/nsswitch.conf" <<'EOF'
passwd: files
group:  files
hosts:  files dns
EOF
cat >"$out/etc/hosts" <<'EOF'
127.0.0.1 localhost
::1       localhost
EOF
# A container runtime usually mounts its own /etc/hosts and /etc/resolv.conf over these.

echo "$inputs_sum" >"$stamp"
count="$(printf '%s\n' "$libs" | wc -l)"
echo "image-runtime: $out ($(du -sh "$out" | cut -f1)): Java runtime from $java_home and $count libraries"
