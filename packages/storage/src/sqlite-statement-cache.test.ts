import SqliteDatabase from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { cachingStatements } from './sqlite-statement-cache';

describe('cachingStatements', () => {
  it('prepares a statement once per SQL text and runs it with any parameters', () => {
    const sqlite = new SqliteDatabase(':memory:');
    const db = cachingStatements(sqlite);
    db.prepare('CREATE TABLE t (n INTEGER)').run([]);
    const insert = db.prepare('INSERT INTO t (n) VALUES (?)');
    expect(db.prepare('INSERT INTO t (n) VALUES (?)')).toBe(insert);
    insert.run([1]);
    db.prepare('INSERT INTO t (n) VALUES (?)').run([2]);
    expect(db.prepare('SELECT n FROM t ORDER BY n').all([])).toEqual([{ n: 1 }, { n: 2 }]);
    db.close();
  });

  it('never hands out a statement that is still iterating', () => {
    const sqlite = new SqliteDatabase(':memory:');
    const db = cachingStatements(sqlite);
    const select = db.prepare('SELECT 1 AS one UNION ALL SELECT 2');
    const rows = select.iterate([]);
    rows.next();
    const other = db.prepare('SELECT 1 AS one UNION ALL SELECT 2');
    expect(other).not.toBe(select);
    expect(other.all([])).toEqual([{ one: 1 }, { one: 2 }]);
    rows.return?.();
    expect(db.prepare('SELECT 1 AS one UNION ALL SELECT 2')).toBe(select);
    db.close();
  });
});
