import { notFound, type RecordKind } from './api-error.js';

export interface Row<T> {
  record: T;
  deletedAt: string | null;
}

/**
 * One kind of record in one org: soft-deleted rows stay (for DELETE's repeatable answer) but are
 * invisible to reads; every reference may be a cuid or display id digits.
 */
export class Table<T extends { id: string; display_id: number; created_at: string }> {
  private readonly rows = new Map<string, Row<T>>();
  private readonly idsByDisplayId = new Map<number, string>();
  private lastDisplayId = 0;

  constructor(
    readonly kind: RecordKind,
    /** Told of every write, so the sandbox can keep the data across restarts. */
    private readonly changed: () => void = () => {},
  ) {}

  nextDisplayId(): number {
    return ++this.lastDisplayId;
  }

  insert(record: T): T {
    this.rows.set(record.id, { record, deletedAt: null });
    this.idsByDisplayId.set(record.display_id, record.id);
    this.changed();
    return record;
  }

  /** Including soft-deleted rows. */
  find(ref: string): Row<T> | undefined {
    const id = /^\d+$/.test(ref) ? this.idsByDisplayId.get(Number(ref)) : ref;
    return id === undefined ? undefined : this.rows.get(id);
  }

  /** A live record, or the documented 404. */
  get(ref: string): T {
    const row = this.find(ref);
    if (!row || row.deletedAt) throw notFound(this.kind, ref);
    return row.record;
  }

  replace(record: T): T {
    const row = this.rows.get(record.id);
    if (row) row.record = record;
    this.changed();
    return record;
  }

  markDeleted(ref: string, at: string): T {
    const row = this.find(ref);
    if (!row) throw notFound(this.kind, ref);
    row.deletedAt ??= at;
    this.changed();
    return row.record;
  }

  /** Every row, soft-deleted ones too, and the last display id handed out: what a restart must find again. */
  dump(): { rows: Row<T>[]; lastDisplayId: number } {
    return { rows: [...this.rows.values()].map((row) => ({ ...row })), lastDisplayId: this.lastDisplayId };
  }

  load(dump: { rows: Row<T>[]; lastDisplayId: number }): void {
    for (const row of dump.rows) {
      this.rows.set(row.record.id, { ...row });
      this.idsByDisplayId.set(row.record.display_id, row.record.id);
    }
    this.lastDisplayId = Math.max(this.lastDisplayId, dump.lastDisplayId);
  }

  live(): T[] {
    const out: T[] = [];
    for (const row of this.rows.values()) if (!row.deletedAt) out.push(row.record);
    return out;
  }
}
