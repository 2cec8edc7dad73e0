import type Database from 'better-sqlite3';

/**
 * Rows per statement execution, largest first: full groups of 100 (800 values for the alert store's
 * widest table, far under SQLite's limit of 32,766), then the remainder as a sum of powers of two, so
 * any remainder under 100 takes at most 6 executions (99 = 64 + 32 + 2 + 1) instead of one per row.
 */
const GROUP_SIZES = [100, 64, 32, 16, 8, 4, 2, 1] as const;

/** What one execution of the statement did: how many rows it was given, how many it wrote, the last rowid. */
export interface StatementResult {
  rows: number;
  changes: number;
  /** The rowid of the last row written, by this execution or an earlier one when it wrote none. */
  lastRowid: number;
}

/**
 * One INSERT that writes many rows per statement execution (`VALUES (…), (…), …`). Executing a
 * statement per row costs a binding round trip between JavaScript and SQLite for each: a batch of 500
 * alerts with their tags and search text was about 2,000 of them in the web UI's store, and the
 * outbox writes two rows (alert, delivery) per alert it accepts. Rows go in groups of GROUP_SIZES,
 * each size with its own statement, prepared the first time it is needed (so at most eight, and a
 * store fed only full batches prepares one). No RETURNING: SQLite would collect the returned rows in
 * a temporary table and the driver make an object of each, which cost more than the insert itself;
 * the caller derives what it needs from each execution's result.
 */
export class MultiRowInsert {
  private readonly statements = new Map<number, Database.Statement<unknown[]>>();
  private readonly row: string;

  /**
   * @param head the statement up to `VALUES`, e.g. `INSERT INTO t (a, b)`
   * @param columns values per row
   */
  constructor(
    private readonly db: Database.Database,
    private readonly head: string,
    private readonly columns: number,
  ) {
    this.row = `(${new Array<string>(columns).fill('?').join(', ')})`;
    // Prepared now rather than on first use, so a typo in `head` fails when the store opens.
    this.statement(GROUP_SIZES[0]);
  }

  /**
   * Inserts the rows whose values `values` holds in order, `columns` per row; one result per execution,
   * in order. Rows are executed in the order given, so each execution's rows follow the previous ones.
   */
  run(values: readonly unknown[]): StatementResult[] {
    if (values.length % this.columns !== 0) throw new RangeError(`${values.length} values do not make rows of ${this.columns}`);
    const results: StatementResult[] = [];
    let left = values.length / this.columns;
    let at = 0;
    for (const rows of GROUP_SIZES) {
      for (; left >= rows; left -= rows) {
        const end = at + rows * this.columns;
        results.push(this.exec(this.statement(rows), values.slice(at, end), rows));
        at = end;
      }
    }
    return results;
  }

  private statement(rows: number): Database.Statement<unknown[]> {
    let statement = this.statements.get(rows);
    if (statement === undefined) {
      statement = this.db.prepare(`${this.head} VALUES ${new Array<string>(rows).fill(this.row).join(', ')}`);
      this.statements.set(rows, statement);
    }
    return statement;
  }

  private exec(statement: Database.Statement<unknown[]>, values: unknown[], rows: number): StatementResult {
    const { changes, lastInsertRowid } = statement.run(...values);
    return { rows, changes, lastRowid: Number(lastInsertRowid) };
  }
}
