"""Copy a migrated template schema into a new provider schema, object for object.

Why not django-tenants' clone_schema: it renames unique constraints to PostgreSQL's default names
(so a later migration that drops one by name fails on cloned providers) and re-creates its
PL/pgSQL function on every call. Here the template is read from the catalog once per migration
state and replayed as plain DDL with every name kept: tables, columns (types, defaults, identity,
generated expressions, collations), constraints, indexes, sequences, comments, and the rows the
migrations seeded. tests/tenants/test_provisioning.py compares the result with a migrated schema.
"""

from dataclasses import dataclass

from django.db import connection
from psycopg import sql

from tenants.db import tenant_connection

_TABLES = """
    SELECT c.oid, c.relname
    FROM pg_class c
    WHERE c.relnamespace = %(ns)s AND c.relkind = 'r'
    ORDER BY c.relname
"""

_COLUMNS = """
    SELECT a.attrelid, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
           pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated,
           CASE WHEN a.attcollation <> t.typcollation THEN a.attcollation::regcollation::text END,
           col_description(a.attrelid, a.attnum),
           CASE WHEN a.attidentity <> '' THEN pg_get_serial_sequence(
               quote_ident(c.relname), a.attname) END
    FROM pg_attribute a
    JOIN pg_class c ON c.oid = a.attrelid
    JOIN pg_type t ON t.oid = a.atttypid
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    WHERE c.relnamespace = %(ns)s AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
    ORDER BY a.attrelid, a.attnum
"""

# Sequences not created by an identity column (those come with their column).
_FREE_SEQUENCES = """
    SELECT c.relname, format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement, s.seqmin,
           s.seqmax, s.seqcache, s.seqcycle, owner_table.relname, owner_column.attname
    FROM pg_sequence s
    JOIN pg_class c ON c.oid = s.seqrelid
    LEFT JOIN pg_depend dep ON dep.objid = c.oid AND dep.classid = 'pg_class'::regclass
         AND dep.refclassid = 'pg_class'::regclass AND dep.deptype IN ('a', 'i')
    LEFT JOIN pg_class owner_table ON owner_table.oid = dep.refobjid
    LEFT JOIN pg_attribute owner_column
         ON owner_column.attrelid = dep.refobjid AND owner_column.attnum = dep.refobjsubid
    WHERE c.relnamespace = %(ns)s AND (dep.deptype IS NULL OR dep.deptype = 'a')
    ORDER BY c.relname
"""

_ALL_SEQUENCES = """
    SELECT c.relname FROM pg_class c WHERE c.relnamespace = %(ns)s AND c.relkind = 'S'
    ORDER BY c.relname
"""

# Foreign keys last, so every referenced key exists; then the order the catalog gives.
_CONSTRAINTS = """
    SELECT rel.relname, con.conname, pg_get_constraintdef(con.oid)
    FROM pg_constraint con
    JOIN pg_class rel ON rel.oid = con.conrelid
    WHERE con.connamespace = %(ns)s AND con.contype IN ('p', 'u', 'c', 'x', 'f')
          AND NOT (con.contype = 'c' AND NOT con.conislocal)
    ORDER BY con.contype = 'f', rel.relname, con.conname
"""

_INDEXES = """
    SELECT pg_get_indexdef(i.indexrelid)
    FROM pg_index i
    JOIN pg_class c ON c.oid = i.indexrelid
    WHERE c.relnamespace = %(ns)s
          AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = i.indexrelid
                          AND con.contype IN ('p', 'u', 'x'))
    ORDER BY c.relname
"""

_TABLE_COMMENTS = """
    SELECT c.relname, obj_description(c.oid, 'pg_class')
    FROM pg_class c
    WHERE c.relnamespace = %(ns)s AND c.relkind = 'r'
          AND obj_description(c.oid, 'pg_class') IS NOT NULL
"""


@dataclass(frozen=True)
class CopyPlan:
    """DDL and data statements that rebuild the template inside whatever schema is first on the
    search_path; `{source}` in a statement stands for the template schema."""

    create: tuple[sql.Composable, ...]
    copy_rows: tuple[sql.Composable, ...]
    finish: tuple[sql.Composable, ...]


def build_copy_plan(template: str) -> CopyPlan:
    """Read the template schema's catalog and turn it into a CopyPlan.

    The catalog functions print names unqualified when their schema is the only one on the
    search_path, which is what lets the same text be replayed in another schema.
    """
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("SET LOCAL search_path TO {}").format(sql.Identifier(template)))
        cursor.execute("SELECT %s::regnamespace::oid", [template])
        params = {"ns": cursor.fetchone()[0]}
        cursor.execute(_TABLES, params)
        tables = cursor.fetchall()
        cursor.execute(_COLUMNS, params)
        columns = cursor.fetchall()
        cursor.execute(_FREE_SEQUENCES, params)
        free_sequences = cursor.fetchall()
        cursor.execute(_ALL_SEQUENCES, params)
        all_sequences = [row[0] for row in cursor.fetchall()]
        cursor.execute(_CONSTRAINTS, params)
        constraints = cursor.fetchall()
        cursor.execute(_INDEXES, params)
        indexes = [row[0] for row in cursor.fetchall()]
        cursor.execute(_TABLE_COMMENTS, params)
        table_comments = cursor.fetchall()
    tenant_connection().search_path_set_schemas = None

    columns_by_table: dict[int, list[tuple]] = {}
    for row in columns:
        columns_by_table.setdefault(row[0], []).append(row)

    create: list[sql.Composable] = [_create_sequence(row) for row in free_sequences]
    copy_rows: list[sql.Composable] = []
    finish: list[sql.Composable] = []
    for oid, table in tables:
        table_columns = columns_by_table.get(oid, [])
        create.append(_create_table(table, table_columns))
        finish.extend(_column_comments(table, table_columns))
        copy_rows.append(_copy_rows(template, table, table_columns))
    for owned in free_sequences:
        if owned[8]:
            finish.append(
                sql.SQL("ALTER SEQUENCE {} OWNED BY {}.{}").format(
                    sql.Identifier(owned[0]), sql.Identifier(owned[8]), sql.Identifier(owned[9])
                )
            )
    for table, name, definition in constraints:
        finish.append(
            sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} {}").format(
                sql.Identifier(table), sql.Identifier(name), sql.SQL(definition)
            )
        )
    # pg_get_indexdef always names the table with its schema; drop it to replay elsewhere.
    qualified = f" ON {template}."
    finish.extend(sql.SQL(definition.replace(qualified, " ON ", 1)) for definition in indexes)
    for table, comment in table_comments:
        finish.append(
            sql.SQL("COMMENT ON TABLE {} IS {}").format(sql.Identifier(table), sql.Literal(comment))
        )
    finish.extend(_sequence_position(template, name) for name in all_sequences)
    return CopyPlan(tuple(create), tuple(copy_rows), tuple(finish))


def apply_copy_plan(plan: CopyPlan, target: str) -> None:
    """Create schema `target` and rebuild the template in it; runs in the caller's transaction."""
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(target)))
        cursor.execute(sql.SQL("SET LOCAL search_path TO {}").format(sql.Identifier(target)))
        for statement in (*plan.create, *plan.copy_rows, *plan.finish):
            cursor.execute(statement)
    # The connection's search_path was changed behind django-tenants' back; make it set it again.
    tenant_connection().search_path_set_schemas = None


def _create_sequence(row: tuple) -> sql.Composable:
    name, data_type, start, increment, minimum, maximum, cache, cycle = row[:8]
    return sql.SQL(
        "CREATE SEQUENCE {} AS {} START WITH {} INCREMENT BY {} MINVALUE {} MAXVALUE {} CACHE {} {}"
    ).format(
        sql.Identifier(name),
        sql.SQL(data_type),
        sql.Literal(start),
        sql.Literal(increment),
        sql.Literal(minimum),
        sql.Literal(maximum),
        sql.Literal(cache),
        sql.SQL("CYCLE" if cycle else "NO CYCLE"),
    )


def _column_definition(row: tuple) -> sql.Composable:
    _, name, data_type, not_null, default, identity, generated, collation, _, sequence = row
    parts: list[sql.Composable] = [sql.Identifier(name), sql.SQL(data_type)]
    if collation:
        parts.append(sql.SQL("COLLATE {}").format(sql.SQL(collation)))
    if generated == "s":
        parts.append(sql.SQL("GENERATED ALWAYS AS ({}) STORED").format(sql.SQL(default)))
    elif default is not None:
        parts.append(sql.SQL("DEFAULT {}").format(sql.SQL(default)))
    if identity:
        sequence_name = sequence.rsplit(".", 1)[-1].strip('"')
        parts.append(
            sql.SQL("GENERATED {} AS IDENTITY (SEQUENCE NAME {})").format(
                sql.SQL("ALWAYS" if identity == "a" else "BY DEFAULT"),
                sql.Identifier(sequence_name),
            )
        )
    if not_null:
        parts.append(sql.SQL("NOT NULL"))
    return sql.SQL(" ").join(parts)


def _create_table(table: str, columns: list[tuple]) -> sql.Composable:
    return sql.SQL("CREATE TABLE {} ({})").format(
        sql.Identifier(table), sql.SQL(", ").join(_column_definition(row) for row in columns)
    )


def _copy_rows(template: str, table: str, columns: list[tuple]) -> sql.Composable:
    names = sql.SQL(", ").join(sql.Identifier(row[1]) for row in columns if row[6] != "s")
    return sql.SQL(
        "INSERT INTO {table} ({names}) OVERRIDING SYSTEM VALUE SELECT {names} FROM {src}"
    ).format(table=sql.Identifier(table), names=names, src=sql.Identifier(template, table))


def _column_comments(table: str, columns: list[tuple]) -> list[sql.Composable]:
    return [
        sql.SQL("COMMENT ON COLUMN {}.{} IS {}").format(
            sql.Identifier(table), sql.Identifier(row[1]), sql.Literal(row[8])
        )
        for row in columns
        if row[8] is not None
    ]


def _sequence_position(template: str, name: str) -> sql.Composable:
    return sql.SQL(
        "SELECT setval(quote_ident({})::regclass, s.last_value, s.is_called) FROM {} s"
    ).format(sql.Literal(name), sql.Identifier(template, name))
