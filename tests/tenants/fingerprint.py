"""Everything that makes up a schema, in a form two schemas can be compared by: object names,
definitions and rows, with the schema's own name taken out."""

from django.db import connection, transaction
from psycopg import sql


def _rows(cursor, query: str, params: dict) -> list[tuple]:
    cursor.execute(query, params)
    return [tuple(row) for row in cursor.fetchall()]


def schema_fingerprint(schema: str) -> dict[str, list]:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql.SQL("SET LOCAL search_path TO {}").format(sql.Identifier(schema)))
        params = {"schema": schema}
        fingerprint = {
            "relations": _rows(
                cursor,
                """
                SELECT relname, relkind, relpersistence FROM pg_class
                WHERE relnamespace = %(schema)s::regnamespace ORDER BY relname""",
                params,
            ),
            "columns": _rows(
                cursor,
                """
                SELECT c.relname,
                       -- the position among live columns: a dropped column leaves a gap in
                       -- attnum that no query can see
                       row_number() OVER (PARTITION BY c.relname ORDER BY a.attnum), a.attname,
                       format_type(a.atttypid, a.atttypmod),
                       a.attnotnull, pg_get_expr(d.adbin, d.adrelid), a.attidentity,
                       a.attgenerated, a.attcollation::regcollation::text,
                       col_description(a.attrelid, a.attnum)
                FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
                LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
                WHERE c.relnamespace = %(schema)s::regnamespace AND a.attnum > 0
                      AND NOT a.attisdropped
                ORDER BY c.relname, a.attnum""",
                params,
            ),
            "constraints": _rows(
                cursor,
                """
                SELECT c.relname, con.conname, con.contype, pg_get_constraintdef(con.oid),
                       con.condeferrable, con.condeferred, con.convalidated,
                       (SELECT relname FROM pg_class WHERE oid = con.conindid)
                FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid
                WHERE con.connamespace = %(schema)s::regnamespace
                ORDER BY c.relname, con.conname""",
                params,
            ),
            "indexes": _rows(
                cursor,
                """
                SELECT c.relname, replace(pg_get_indexdef(i.indexrelid), %(schema)s || '.', ''),
                       i.indisunique, i.indisprimary
                FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
                WHERE c.relnamespace = %(schema)s::regnamespace ORDER BY c.relname""",
                params,
            ),
            "sequences": _rows(
                cursor,
                """
                SELECT c.relname, s.seqtypid::regtype::text, s.seqstart, s.seqincrement,
                       s.seqmax, s.seqmin, s.seqcache, s.seqcycle
                FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid
                WHERE c.relnamespace = %(schema)s::regnamespace ORDER BY c.relname""",
                params,
            ),
            "dependencies": _rows(
                cursor,
                """
                SELECT c.relname, d.deptype, r.relname, d.refobjsubid
                FROM pg_depend d JOIN pg_class c ON c.oid = d.objid
                JOIN pg_class r ON r.oid = d.refobjid
                WHERE c.relnamespace = %(schema)s::regnamespace AND c.relkind = 'S'
                ORDER BY 1, 2, 3""",
                params,
            ),
            "other_objects": _rows(
                cursor,
                """
                SELECT 'function', proname FROM pg_proc
                WHERE pronamespace = %(schema)s::regnamespace
                UNION ALL SELECT 'type', typname FROM pg_type
                WHERE typnamespace = %(schema)s::regnamespace AND typrelid = 0
                      AND typelem = 0
                UNION ALL SELECT 'trigger', tgname FROM pg_trigger t JOIN pg_class c
                ON c.oid = t.tgrelid WHERE c.relnamespace = %(schema)s::regnamespace
                      AND NOT t.tgisinternal
                ORDER BY 1, 2""",
                params,
            ),
            "table_comments": _rows(
                cursor,
                """
                SELECT relname, obj_description(oid, 'pg_class') FROM pg_class
                WHERE relnamespace = %(schema)s::regnamespace ORDER BY relname""",
                params,
            ),
        }
        positions = []
        for (name,) in _rows(
            cursor,
            """
                SELECT relname FROM pg_class WHERE relnamespace = %(schema)s::regnamespace
                AND relkind = 'S' ORDER BY relname""",
            params,
        ):
            cursor.execute(
                sql.SQL("SELECT last_value, is_called FROM {}").format(sql.Identifier(schema, name))
            )
            positions.append((name, *cursor.fetchone()))
        fingerprint["sequence_positions"] = positions
        rows = {}
        for table, moments in _rows(
            cursor,
            """
                SELECT c.relname, coalesce(array_agg(a.attname::text) FILTER (
                    WHERE a.atttypid = 'timestamptz'::regtype), '{}')
                FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0
                WHERE c.relnamespace = %(schema)s::regnamespace AND c.relkind = 'r'
                GROUP BY c.relname ORDER BY c.relname""",
            params,
        ):
            # When a migration ran (django_migrations.applied, a seeded row's updated_at) differs
            # between any two schemas; what it wrote does not.
            cursor.execute(
                sql.SQL("SELECT (to_jsonb(t) - %s::text[])::text FROM {} t ORDER BY 1").format(
                    sql.Identifier(schema, table)
                ),
                [moments],
            )
            rows[table] = [row[0] for row in cursor.fetchall()]
        fingerprint["rows"] = sorted(rows.items())
    return fingerprint
