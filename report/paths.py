"""Where the shipped folders are: the project root, and the document folders of data/."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def data_root() -> Path:
    """`data/` of the working folder, else the shipped one."""
    return Path("data") if Path("data").is_dir() else ROOT / "data"


def data_folders() -> list[Path]:
    return sorted(p.parent for p in data_root().glob("*/document.md"))
