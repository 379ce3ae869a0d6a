"""The one place that chooses and opens the engine an analytics computation runs on.

DuckDB runs in-process and is the default. Spark runs the same Ibis expressions when the data
outgrows one machine: in local mode in tests and on the given master URL in production.
"""

import os
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import ibis
import pyarrow as pa

if TYPE_CHECKING:
    from ibis.expr.types import Table

SPARK_LOCAL_MASTER = "local[*]"


class Engine(StrEnum):
    DUCKDB = "duckdb"
    SPARK = "spark"


class EngineSession:
    """An open engine: puts Arrow tables in, runs Ibis expressions, gives Arrow tables back."""

    def __init__(self, *, engine: Engine, backend: Any, spark: Any = None) -> None:
        self.engine = engine
        self.backend = backend
        self._spark = spark
        self._views: list[str] = []

    def table_upload(self, *, table: pa.Table) -> "Table":
        """The Arrow table as an Ibis table of this engine (until `tables_release`)."""
        name = f"upsell_{uuid.uuid4().hex}"
        if self._spark is None:
            # DuckDB scans the Arrow buffers in place.
            self.backend.con.register(name, table)
        else:
            self._spark.createDataFrame(table).createOrReplaceTempView(name)
        self._views.append(name)
        return self.backend.table(name)

    def table_fetch(self, *, expr: "Table") -> pa.Table:
        if self._spark is None:
            return expr.to_pyarrow()
        # Spark hands Arrow over directly; Ibis would go through pandas.
        return self._spark.sql(self.backend.compile(expr)).toArrow()

    def tables_release(self) -> None:
        for name in self._views:
            if self._spark is None:
                self.backend.con.unregister(name)
            else:
                self._spark.catalog.dropTempView(name)
        self._views.clear()

    def close(self) -> None:
        self.tables_release()
        if self._spark is None:
            self.backend.disconnect()
        else:
            self._spark.stop()


def engine_connect(
    *,
    engine: Engine = Engine.DUCKDB,
    spark_master: str | None = None,
    spark_driver_memory: str = "4g",
    spark_shuffle_partitions: int = 8,
) -> EngineSession:
    """Open a session of the engine; close it with `EngineSession.close()`.

    `spark_master` is the master URL of a cluster; without it Spark runs in local mode on this
    machine's cores.
    """
    if engine is Engine.DUCKDB:
        return EngineSession(engine=engine, backend=ibis.duckdb.connect())
    from pyspark.sql import SparkSession  # Spark is optional: imported on demand

    master = spark_master or SPARK_LOCAL_MASTER
    if master.startswith("local"):
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    session = (
        SparkSession.builder.master(master)
        .appName("upsell-analytics")
        .config("spark.sql.warehouse.dir", tempfile.mkdtemp(prefix="upsell-spark-"))
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", str(spark_shuffle_partitions))
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.driver.memory", spark_driver_memory)
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    return EngineSession(engine=engine, backend=ibis.pyspark.connect(session), spark=session)


@contextmanager
def engine_session_use(*, engine: "Engine | EngineSession") -> Iterator[EngineSession]:
    """The given open session, or a session of the given engine opened for one computation.

    Tables uploaded during the computation are released at its end either way.
    """
    if isinstance(engine, EngineSession):
        try:
            yield engine
        finally:
            engine.tables_release()
        return
    session = engine_connect(engine=engine)
    try:
        yield session
    finally:
        session.close()
