import pytest

from upsell.analytics.engines import Engine, engine_connect


@pytest.fixture(scope="session")
def spark_session():
    """One local Spark session for every Spark test of the analytics package: it takes seconds
    to start.

    Whole-stage code generation costs more than it saves on the tests' small tables.
    """
    session = engine_connect(
        engine=Engine.SPARK,
        spark_shuffle_partitions=2,
        spark_conf={"spark.sql.codegen.wholeStage": "false"},
    )
    yield session
    session.close()
