#!/usr/bin/env bash
# Moves the API baseline on purpose: builds the jars of the published modules from the working
# tree and keeps their class files here as api-baseline/<module>.jar. The build's japicmp check
# (root pom) compares each module's jar with its baseline at verify and fails on a binary or
# source incompatible change. Run this, review `git diff --stat api-baseline/`, and commit the jars
# with a message that names the break (see docs/api-guarantees.md).
#   bash api-baseline/update.sh            all published modules
#   bash api-baseline/update.sh sdk-core   only the modules named
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# the published modules with a Java API (sdk-cli ships a shaded application jar: its contract is
# the command line, not its classes)
modules=(sdk-core sdk-testing sdk-jdbc sdk-redis sdk-kafka sdk-pubsub sdk-spring-boot-autoconfigure)
if [[ $# -gt 0 ]]; then
  modules=("$@")
fi

list=$(IFS=,; echo "${modules[*]}")
./mvnw -B -q -DskipTests -Djacoco.skip=true -Djapicmp.skip=true package -pl "$list" -am

version=$(sed -n 's|^  <version>\(.*\)</version>$|\1|p' pom.xml | head -1)
root=$PWD
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for module in "${modules[@]}"; do
  jar="$module/target/$module-$version.jar"
  [[ -f $jar ]] || { echo "no $jar" >&2; exit 1; }
  # class files only, with a fixed time stamp: the baseline is the API, and a rebuild of an
  # unchanged API gives the same bytes
  rm -rf "$work/classes" && mkdir -p "$work/classes"
  (cd "$work/classes" && jar xf "$root/$jar")
  (cd "$work/classes" && find . -type f ! -name '*.class' -delete && find . -type d -empty -delete)
  out="$root/api-baseline/$module.jar"
  rm -f "$out"
  (cd "$work/classes" && find . -name '*.class' | LC_ALL=C sort \
    | jar --create --file "$out" --date=2026-01-01T00:00:02Z --no-manifest @/dev/stdin)
  echo "api-baseline/$module.jar: $(unzip -l "$out" 2>/dev/null | tail -1 | awk '{print $2}') classes from $jar"
done
