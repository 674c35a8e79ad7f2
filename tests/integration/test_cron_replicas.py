"""Crons across replicas (benchmarks/cron_replicas.py, shortened): a one-second cron on three
``toolloom serve`` replicas behind nginx on one real PostgreSQL, one replica killed with SIGKILL
half-way: every tick fires exactly once (none missed, none doubled), the killed replica fires
nothing after its death and the others carry on."""

from __future__ import annotations

import asyncio
from pathlib import Path

from benchmarks.cron_replicas import run
from harness.pg import PostgresCluster

TICKS = 20


def test_every_tick_fires_once_across_replicas_with_one_killed(
    postgres_cluster: PostgresCluster, tmp_path: Path
) -> None:
    result = asyncio.run(
        run(postgres_cluster.fresh_database(), ticks=TICKS, replicas=3, kill=2, workdir=tmp_path)
    )
    assert result["fired"] == TICKS, result
    assert result["missed"] == 0 and result["doubled"] == 0, result
    assert result["tick_rows"] == {"fired": TICKS} and result["skipped_in_rows"] == 0, result
    assert result["killed_after_s"] is not None
    # Whoever fired, the survivors fired the second half: the dead replica is not waited for.
    survivors = {k: v for k, v in result["fired_by_replica"].items() if k != "cron-2"}
    assert sum(survivors.values()) >= TICKS // 2 - 1, result
    assert result["runs"] == TICKS
    assert set(result["run_statuses"]) <= {"success", "interrupted", "pending", "running"}
