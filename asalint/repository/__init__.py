"""The configs of a repository: which config owns which address, which
peers each names, and which tunnels they form.

A pre-commit hook receives only the changed files, yet a tunnel has two
ends: the index says which unchanged config holds the other end, so that
only the changed files and their peers are parsed in full.

- `scan`: the light scan of one file (regexes, no parser library);
- `files`: which files of a repository may be configs;
- `index`: the index over the records, asalint.toml's pairs and peers,
  and its cache;
- `check`: `asalint check` over a repository, built on the index.
"""

from __future__ import annotations

from asalint.repository.files import (
    candidate_files,
    glob_matches,
    repository_root,
)
from asalint.repository.index import (
    PairSetting,
    PeerSetting,
    RepositoryIndex,
    RepositorySettings,
    TunnelPlan,
    build_index,
    settings_from_config,
)
from asalint.repository.scan import ScanRecord, scan_file, scan_text

__all__ = [
    "PairSetting",
    "PeerSetting",
    "RepositoryIndex",
    "RepositorySettings",
    "ScanRecord",
    "TunnelPlan",
    "build_index",
    "candidate_files",
    "glob_matches",
    "repository_root",
    "scan_file",
    "scan_text",
    "settings_from_config",
]
