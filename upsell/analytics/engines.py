"""The one place that chooses and opens the engine an analytics computation runs on.

DuckDB runs in-process and is the default. Spark runs the same Ibis expressions when the data
outgrows one machine: in local mode in tests and on the given master URL in production. Spark can
read its input rows straight from the database and write its results back to it over JDBC
(`DatabaseRows`, `DatabaseTable`), so that the rows never pass through this process.
"""

import os
import shutil
import tempfile
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import ibis
import ibis.expr.operations as ops
import pyarrow as pa
import pyarrow.parquet as pq
from ibis.backends.sql.compilers.duckdb import DuckDBCompiler

if TYPE_CHECKING:
    from ibis.expr.types import Table

SPARK_LOCAL_MASTER = "local[*]"
# Debian's PostgreSQL JDBC driver (libpostgresql-jdbc-java): Spark loads it from this path on
# the driver and on every executor; nothing is downloaded at run time.
POSTGRESQL_JDBC_JAR = "/usr/share/java/postgresql.jar"

# Compiling a large Ibis expression to SQL takes longer than DuckDB takes to run it on a
# million rows, and the SQL only depends on the computation, its settings and the engine.
_compiled_sql: dict[tuple["Engine", Hashable], str] = {}


class _DuckDBCompiler(DuckDBCompiler):  # type: ignore[misc]
    """Ibis writes a full frame (ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) on
    ranking and lag/lead windows. Such functions ignore frames in standard SQL, but DuckDB then
    takes its framed algorithm, tens of times slower on large partitions; without the frame the
    results are the same."""

    _FRAMELESS = (
        ops.RankBase,
        ops.RowNumber,
        ops.PercentRank,
        ops.CumeDist,
        ops.NTile,
        ops.Lag,
        ops.Lead,
    )

    @classmethod
    def _minimize_spec(cls, op: Any, spec: Any) -> Any:
        return None if isinstance(op.func, cls._FRAMELESS) else spec


class Engine(StrEnum):
    DUCKDB = "duckdb"
    SPARK = "spark"


@dataclass(frozen=True, kw_only=True)
class JdbcDatabase:
    """Where Spark reaches the database: a JDBC URL, its user and password (never shown)."""

    url: str
    user: str
    password: str = field(repr=False)
    driver: str = "org.postgresql.Driver"

    def options(self) -> dict[str, str]:
        return {"url": self.url, "user": self.user, "password": self.password,
                "driver": self.driver}  # fmt: skip


@dataclass(frozen=True, kw_only=True)
class DatabaseRows:
    """The rows of a query that Spark reads itself from the database, in place of an Arrow table
    handed over by this process."""

    database: JdbcDatabase
    query: str

    def until(self, *, column: str, last: int) -> "DatabaseRows":
        """The rows whose `column` is at most `last`; the database filters them."""
        return DatabaseRows(
            database=self.database,
            query=f"SELECT * FROM ({self.query}) AS rows WHERE {column} <= {int(last)}",  # noqa: S608
        )


@dataclass(frozen=True, kw_only=True)
class DatabaseTable:
    """A table of the database that Spark writes a result into (replacing what it held)."""

    database: JdbcDatabase
    name: str


class EngineSession:
    """An open engine: takes Arrow tables in, runs Ibis expressions, gives Arrow tables back.

    One computation at a time: uploaded tables are named views of the session.
    """

    def __init__(
        self, *, engine: Engine, backend: Any, spark: Any = None, scratch_dir: str = ""
    ) -> None:
        self.engine = engine
        self.backend = backend
        self._spark = spark
        self._scratch_dir = scratch_dir
        self._uploaded: set[str] = set()
        self._materialized: dict[str, Any] = {}

    @property
    def spark(self) -> Any:
        """The session's ``SparkSession`` (None on DuckDB), for Spark's own libraries."""
        return self._spark

    def table_upload(self, *, name: str, table: pa.Table | DatabaseRows) -> "Table":
        """The Arrow table, or the database's rows, as the Ibis table `name` of this engine (until
        `tables_release`). Only Spark reads rows from the database."""
        if isinstance(table, DatabaseRows):
            if self._spark is None:
                raise ValueError(f"{self.engine} reads no rows from a database: hand it a table")
            rows = self._spark.read.format("jdbc").options(
                **table.database.options(), query=table.query
            )
            rows.load().createOrReplaceTempView(name)
        elif self._spark is None:
            # DuckDB scans the Arrow buffers in place.
            self.backend.con.register(name, table)
        else:
            # Spark reads a Parquet file itself; a frame made from local rows would carry them in
            # every plan built on it.
            path = os.path.join(self._scratch_dir, f"{name}.parquet")
            pq.write_table(table, path)
            self._spark.read.parquet(path).createOrReplaceTempView(name)
        self._uploaded.add(name)
        return self.backend.table(name)

    def table_materialize(
        self, *, name: str, key: Hashable, build: Callable[[], "Table"]
    ) -> "Table":
        """The expression's rows computed once into the table `name` (until `tables_release`).

        Later expressions read the stored rows instead of repeating the computation wherever
        they use it.
        """
        sql = self._sql(key=key, build=build)
        if self._spark is None:
            self.backend.con.execute(f'CREATE OR REPLACE TEMP TABLE "{name}" AS {sql}')
            self._materialized[name] = None
        else:
            # A local checkpoint stores the rows and cuts the lineage, so that later plans stay
            # small instead of repeating every earlier step.
            frame = self._spark.sql(sql).localCheckpoint(eager=True)
            frame.createOrReplaceTempView(name)
            self._materialized[name] = frame
        return self.backend.table(name)

    def query_fetch(self, *, key: Hashable, build: Callable[[], "Table"]) -> pa.Table:
        """The rows of the expression `build` makes over the session's tables."""
        sql = self._sql(key=key, build=build)
        if self._spark is None:
            return self.backend.con.sql(sql).to_arrow_table()
        return self._spark.sql(sql).toArrow()

    def query_store(
        self, *, key: Hashable, build: Callable[[], "Table"], table: DatabaseTable
    ) -> None:
        """Write the rows of the expression `build` makes into the database's `table` (created
        or replaced), from Spark's executors straight to the database."""
        if self._spark is None:
            raise ValueError(f"{self.engine} writes no rows to a database: fetch them")
        sql = self._sql(key=key, build=build)
        self._spark.sql(sql).write.format("jdbc").options(
            **table.database.options(), dbtable=table.name
        ).mode("overwrite").save()

    def _sql(self, *, key: Hashable, build: Callable[[], "Table"]) -> str:
        """The SQL of the expression, compiled once per `key` and engine.

        `key` names the expression with everything it depends on besides the names and types of
        the tables it reads.
        """
        sql = _compiled_sql.get((self.engine, key))
        if sql is None:
            sql = str(self.backend.compile(build()))
            _compiled_sql[self.engine, key] = sql
        return sql

    def tables_release(self) -> None:
        for name in self._uploaded:
            if self._spark is None:
                self.backend.con.unregister(name)
            else:
                self._spark.catalog.dropTempView(name)
        for name, frame in self._materialized.items():
            if self._spark is None:
                self.backend.con.execute(f'DROP TABLE IF EXISTS "{name}"')
            else:
                self._spark.catalog.dropTempView(name)
                frame.unpersist()
        self._uploaded.clear()
        self._materialized.clear()

    def close(self) -> None:
        self.tables_release()
        if self._spark is None:
            self.backend.disconnect()
        else:
            self._spark.stop()
        if self._scratch_dir:
            shutil.rmtree(self._scratch_dir, ignore_errors=True)


def engine_connect(
    *,
    engine: Engine = Engine.DUCKDB,
    spark_master: str | None = None,
    spark_driver_memory: str = "4g",
    spark_shuffle_partitions: int = 8,
    spark_conf: Mapping[str, str] | None = None,
    spark_scratch_dir: str | None = None,
    spark_jars: Sequence[str] = (),
) -> EngineSession:
    """Open a session of the engine; close it with `EngineSession.close()`.

    `spark_master` is the master URL of a cluster; without it Spark runs in local mode on this
    machine's cores. Spark reads the tables handed to it from Parquet files in a scratch folder,
    removed when the session closes: a new temporary folder by default, on a cluster a folder
    that the driver and the executors share (`spark_scratch_dir`). `spark_conf` adds or
    overrides Spark settings; `spark_jars` are the jars (a JDBC driver) Spark loads on the driver
    and the executors, from the same path on every machine.
    """
    if engine is Engine.DUCKDB:
        backend = ibis.duckdb.connect()
        backend.compiler = _DuckDBCompiler()
        # Results are sorted on the way out, so the engine need not keep rows in input order:
        # stored steps and windows run faster and in less memory.
        backend.con.execute("SET preserve_insertion_order = false")
        return EngineSession(engine=engine, backend=backend)
    from pyspark.sql import SparkSession  # Spark is optional: imported on demand

    master = spark_master or SPARK_LOCAL_MASTER
    if master.startswith("local"):
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    scratch_dir = tempfile.mkdtemp(prefix="upsell-spark-", dir=spark_scratch_dir)
    builder = (
        SparkSession.builder.master(master)
        .appName("upsell-analytics")
        .config("spark.sql.warehouse.dir", os.path.join(scratch_dir, "warehouse"))
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", str(spark_shuffle_partitions))
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.driver.memory", spark_driver_memory)
    )
    # Spark's JVM outlives a stopped session and keeps the driver's class path it started with:
    # a later session's JDBC driver would load on the executors but not on the driver, which
    # reads the table's schema. So PostgreSQL's driver, where installed, is on it from the first
    # session a process opens, whatever that session reads.
    jars = list(dict.fromkeys(spark_jars))
    if os.path.exists(POSTGRESQL_JDBC_JAR) and POSTGRESQL_JDBC_JAR not in jars:
        jars.append(POSTGRESQL_JDBC_JAR)
    if jars:
        builder = builder.config("spark.jars", ",".join(jars))
    for key, value in (spark_conf or {}).items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return EngineSession(
        engine=engine,
        backend=ibis.pyspark.connect(session),
        spark=session,
        scratch_dir=scratch_dir,
    )


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
