#!/usr/bin/env bash
# scripts/data.sh implements `make data`: it fills ./data (gitignored) with
# CMS HCPCS release files for the server to load.
#
#   1. If ./data already holds release files, it does nothing.
#   2. Else, if $HCPCS_DATA_SOURCE is set, or ../shared/hcpcs-data exists
#      beside the checkout, each release folder of that directory (named
#      YYYY-MM or YYYY-MM_<anything>, e.g. 2017-01_annual) is symlinked into
#      ./data by absolute path. lookups/ and SOURCES.md are not linked.
#      Re-running it is harmless.
#   3. Else it downloads the CMS quarterly release in effect today:
#      hcpcs-server fetch --data-dir ./data (bin/hcpcs-server, which
#      `make data` and `make run` build first; else go run).
#
# `make run DATA=…` (or HCPCS_DATA set) does not call this script: data
# given explicitly is served as it is, never replaced by a download.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
data="$root/data"

# has_release_files DIR: true when DIR (following symlinks) holds a file the
# loader reads: a release ZIP, an ANWEB .txt, an .xlsx/.xls or a .csv.
has_release_files() {
	[[ -d "$1" ]] || return 1
	local found
	found="$(find -L "$1" -type f ! -name '.*' \( -iname '*.zip' -o -iname '*.txt' \
		-o -iname '*.xlsx' -o -iname '*.xls' -o -iname '*.csv' \) -print -quit 2>/dev/null || true)"
	[[ -n "$found" ]]
}

if has_release_files "$data"; then
	echo "data: $data already holds release files; nothing to do (remove it to start over)"
	exit 0
fi

source_dir=""
if [[ -n "${HCPCS_DATA_SOURCE:-}" ]]; then
	if [[ ! -d "$HCPCS_DATA_SOURCE" ]]; then
		echo "data: HCPCS_DATA_SOURCE=$HCPCS_DATA_SOURCE is not a directory" >&2
		exit 1
	fi
	source_dir="$(cd "$HCPCS_DATA_SOURCE" && pwd -P)"
	echo "data: using \$HCPCS_DATA_SOURCE $source_dir"
elif [[ -d "$root/../shared/hcpcs-data" ]]; then
	source_dir="$(cd "$root/../shared/hcpcs-data" && pwd -P)"
	echo "data: using $source_dir (beside the checkout)"
fi

if [[ -z "$source_dir" ]]; then
	fetch=(go run ./cmd/hcpcs-server fetch)
	if [[ -x bin/hcpcs-server ]]; then
		fetch=(bin/hcpcs-server fetch)
	fi
	echo "data: no local source (set HCPCS_DATA_SOURCE); downloading the CMS release in effect today"
	if ! "${fetch[@]}" --data-dir "$data"; then
		echo "data: download failed; set HCPCS_DATA_SOURCE to a directory of release folders," >&2
		echo "data: or run: bin/hcpcs-server fetch --data-dir ./data URL|YYYY-MM," >&2
		echo "data: or serve a CMS ZIP you have: make run DATA=path/to/file.zip" >&2
		exit 1
	fi
	echo "data: downloaded into $data"
	exit 0
fi

mkdir -p "$data"
linked=0
for src in "$source_dir"/*/; do
	[[ -d "$src" ]] || continue
	src="${src%/}"
	name="$(basename "$src")"
	# Release folders only: YYYY-MM or YYYY-MM_<kind>. This leaves out
	# lookups/ and anything else that is not a release.
	[[ "$name" =~ ^[0-9]{4}-(0[1-9]|1[0-2])(_.*)?$ ]] || continue
	dst="$data/$name"
	if [[ -L "$dst" ]]; then
		if [[ "$(readlink "$dst")" == "$src" ]]; then
			echo "data: $dst -> $src (already linked)"
		else
			ln -sfn "$src" "$dst"
			echo "data: $dst -> $src (relinked)"
		fi
	elif [[ -e "$dst" ]]; then
		echo "data: $dst exists and is not a symlink; left alone" >&2
		continue
	else
		ln -s "$src" "$dst"
		echo "data: $dst -> $src"
	fi
	linked=$((linked + 1))
done

if [[ "$linked" -eq 0 ]]; then
	echo "data: $source_dir has no release folders (YYYY-MM or YYYY-MM_*)" >&2
	exit 1
fi
echo "data: $linked release folder(s) available in $data"
