"""Rows an engine reads from the database itself: only Spark does, and the password never shows."""

import pytest

from upsell.analytics.engines import DatabaseRows, Engine, JdbcDatabase, engine_connect

DATABASE = JdbcDatabase(
    url="jdbc:postgresql://db.example:5432/upsell", user="upsell", password="s3cret"
)


def test_the_password_is_not_in_what_a_database_shows():
    rows = DatabaseRows(database=DATABASE, query="SELECT 1 AS day")

    assert "s3cret" not in repr(rows)
    assert repr(DATABASE) == (
        "JdbcDatabase(url='jdbc:postgresql://db.example:5432/upsell', user='upsell', "
        "driver='org.postgresql.Driver')"
    )


def test_rows_until_a_day_are_filtered_by_the_database():
    rows = DatabaseRows(database=DATABASE, query="SELECT day FROM documents")

    assert rows.until(column="day", last=20619).query == (
        "SELECT * FROM (SELECT day FROM documents) AS rows WHERE day <= 20619"
    )


def test_duckdb_reads_no_rows_from_a_database():
    session = engine_connect(engine=Engine.DUCKDB)
    try:
        with pytest.raises(ValueError, match="duckdb reads no rows from a database"):
            session.table_upload(
                name="documents", table=DatabaseRows(database=DATABASE, query="SELECT 1")
            )
    finally:
        session.close()
