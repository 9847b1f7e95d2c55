#!/bin/sh
# Java for the Spark tests (tests/test_spark.py): OpenJDK 17 from the system's packages,
# installed only when no `java` is on PATH. Debian/Ubuntu, run as root (CI machines).
#   sh tools/ci-java.sh
set -eu

if command -v java >/dev/null 2>&1; then
    java -version 2>&1 | head -n 1
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "ci-java.sh: java is missing and installing it needs root (apt-get)" >&2
    exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "ci-java.sh: java is missing and there is no apt-get: install OpenJDK 17 by hand" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends openjdk-17-jre-headless
java -version 2>&1 | head -n 1
