"""Backup and restore (数据备份恢复, 等保2.0 L3 8.1.4.11): one archive holding the database and
the uploaded files (MEDIA_ROOT).

- SQLite: a consistent copy through SQLite's online backup API (the same as ``.backup`` in the
  sqlite3 shell), safe while the service runs.
- PostgreSQL: ``pg_dump --format=custom``; restored with ``pg_restore --clean --if-exists``
  (triggers, the audit log's included, come back with the tables).

The archive is a ``.tar.gz`` with ``manifest.json``, ``db.sqlite3`` or ``db.pgdump``, and
``media/``. See docs/operations.md.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connection, connections
from django.utils import timezone

FORMAT = 1


class BackupError(Exception):
    pass


def _pg_env() -> dict[str, str]:
    db = connection.settings_dict
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if db.get(key):
            env[var] = str(db[key])
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return env


def _run(args: list[str]) -> None:
    result = subprocess.run(args, env=_pg_env(), capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{args[0]} failed: {result.stderr.strip()}")


def backup_create(path: str | Path) -> dict:
    """Write the archive to ``path``; returns its manifest."""
    path = Path(path)
    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"unsupported database: {vendor}")
    manifest = {
        "format": FORMAT,
        "vendor": vendor,
        "created_at": timezone.localtime().isoformat(),
    }
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        if vendor == "sqlite":
            db_file = tmp / "db.sqlite3"
            connection.ensure_connection()
            target = sqlite3.connect(db_file)
            try:
                connection.connection.backup(target)
            finally:
                target.close()
        else:
            db_file = tmp / "db.pgdump"
            _run(
                [
                    "pg_dump",
                    "--format=custom",
                    "--no-owner",
                    "--file",
                    str(db_file),
                    connection.settings_dict["NAME"],
                ]
            )
        with tarfile.open(path, "w:gz") as tar:
            data = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
            tar.add(db_file, arcname=db_file.name)
            media = Path(settings.MEDIA_ROOT)
            if media.is_dir():
                tar.add(media, arcname="media")
    return manifest


def backup_restore(path: str | Path) -> dict:
    """Replace the database and the uploaded files with the archive's; returns its manifest.
    The service should be stopped while restoring."""
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        with tarfile.open(path, "r:gz") as tar:
            tar.extractall(tmp, filter="data")
        manifest = json.loads((tmp / "manifest.json").read_text(encoding="utf-8"))
        if manifest.get("format") != FORMAT:
            raise BackupError(f"unknown archive format: {manifest.get('format')}")
        if manifest["vendor"] != connection.vendor:
            raise BackupError(
                f"the archive is of {manifest['vendor']}, this database is {connection.vendor}"
            )
        if connection.vendor == "sqlite":
            source = sqlite3.connect(tmp / "db.sqlite3")
            connection.ensure_connection()
            try:
                source.backup(connection.connection)
            finally:
                source.close()
        else:
            connections.close_all()
            _run(
                [
                    "pg_restore",
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--single-transaction",
                    "--dbname",
                    connection.settings_dict["NAME"],
                    str(tmp / "db.pgdump"),
                ]
            )
        media = Path(settings.MEDIA_ROOT)
        if (tmp / "media").is_dir():
            if media.exists():
                shutil.rmtree(media)
            shutil.copytree(tmp / "media", media)
    return manifest
