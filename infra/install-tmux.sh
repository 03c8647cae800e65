#!/usr/bin/env bash
# Resolve (and if needed install) tmux, the terminal the CLI test (apps/cli/test/) draws
# `ordo jobs watch` in, to check the display redraws in place and Ctrl-C.
#
# Usage: infra/install-tmux.sh    # prints the path of tmux
#
# Order: $TMUX_BIN if set; tmux on PATH; else Debian's `tmux` package through apt-get
# (install-debian-binary.sh). stdout carries ONLY the path; progress and errors go to stderr.
set -euo pipefail
exec bash "$(dirname "${BASH_SOURCE[0]}")/install-debian-binary.sh" install-tmux tmux tmux TMUX_BIN
