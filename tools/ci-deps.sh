#!/bin/sh
# What the browser tests (tests/test_view_browser.py) need on a fresh Debian machine, as root:
# headless Chromium and its driver from Debian's packages, and a CJK font so that the
# screenshot they save shows Chinese, not boxes. Does nothing when both are already there.
set -eu
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
    echo "ci-deps: chromium and chromedriver already installed"
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "ci-deps: run as root (apt-get install)" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends chromium chromium-driver fonts-wqy-microhei
