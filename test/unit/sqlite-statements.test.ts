import SqliteDatabase from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { keepingStatements } from '../../src/store/database.js';

describe('SQLite prepared statements kept between queries', () => {
  it('reuses the statement of the same SQL and keeps at most its capacity, the least recently used going first', () => {
    const raw = new SqliteDatabase(':memory:');
    const db = keepingStatements(raw, 2);
    const one = db.prepare('select 1 as n');
    expect(db.prepare('select 1 as n')).toBe(one);
    const two = db.prepare('select 2 as n');
    db.prepare('select 1 as n');
    db.prepare('select 3 as n');
    expect(db.prepare('select 1 as n')).toBe(one);
    expect(db.prepare('select 2 as n')).not.toBe(two);
    expect(db.prepare('select 2 as n').get()).toEqual({ n: 2 });
    db.close();
    expect(raw.open).toBe(false);
  });

  it('gives the SQL of a statement still being iterated a statement of its own', () => {
    const raw = new SqliteDatabase(':memory:');
    raw.exec('create table t (n integer); insert into t values (1), (2), (3)');
    const db = keepingStatements(raw);
    const sql = 'select n from t order by n';
    const rows = db.prepare(sql).iterate() as IterableIterator<{ n: number }>;
    expect(rows.next().value).toEqual({ n: 1 });
    expect(db.prepare(sql).all()).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect([...rows]).toEqual([{ n: 2 }, { n: 3 }]);
    db.close();
  });
});
