#!/usr/bin/env bash
# Installs the logscale provider plugin that the environments' Pulumi.yaml files use, as every
# workflow runs it before Pulumi and as you can run it by hand:
#
#   LOGSCALE_PLUGIN_VERSION=0.1.0 \
#   LOGSCALE_PLUGIN_URL=https://github.com/<owner>/pulumi-logscale-tokens/releases/download/v0.1.0 \
#   bash ci/install-plugin.sh
#
# LOGSCALE_PLUGIN_URL is the folder that holds the release's tarballs, one per platform, as
# `npm run plugin:pack` names them (pulumi-resource-logscale-v<version>-<os>-<arch>.tar.gz): a
# release's download URL, any https:// folder, or file:///path/to/dist/plugin for a local pack.
# The tarball for this machine is downloaded and handed to
# `pulumi plugin install resource logscale <version> --file`, into ~/.pulumi/plugins (or $PULUMI_HOME).
# The plugin runs with the `node` on PATH (Node.js 22 or later).
set -euo pipefail

version="${LOGSCALE_PLUGIN_VERSION:?set LOGSCALE_PLUGIN_VERSION, e.g. 0.1.0}"
url="${LOGSCALE_PLUGIN_URL:?set LOGSCALE_PLUGIN_URL to the folder holding the plugin tarballs}"

# Pulumi's names for the platform, as the tarballs use them.
case "$(uname -s)" in
  Linux) os=linux ;;
  Darwin) os=darwin ;;
  *) echo "install-plugin.sh: the logscale plugin is packed for Linux and macOS, not $(uname -s)" >&2; exit 1 ;;
esac
case "$(uname -m)" in
  x86_64 | amd64) arch=amd64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) echo "install-plugin.sh: the logscale plugin is packed for amd64 and arm64, not $(uname -m)" >&2; exit 1 ;;
esac

tarball_name="pulumi-resource-logscale-v${version}-${os}-${arch}.tar.gz"
download="$(mktemp -d)"
trap 'rm -rf "$download"' EXIT

curl --fail --silent --show-error --location --output "$download/$tarball_name" "${url%/}/$tarball_name"
pulumi plugin install resource logscale "$version" --file "$download/$tarball_name"
