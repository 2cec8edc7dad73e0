import type Database from 'better-sqlite3';

/** Rows per statement: 100 alerts bind 800 values, far under SQLite's limit of 32,766. */
const ROWS_PER_STATEMENT = 100;

/** What one execution of the statement did: how many rows it was given, how many it wrote, the last rowid. */
export interface StatementResult {
  rows: number;
  changes: number;
  /** The rowid of the last row written, by this execution or an earlier one when it wrote none. */
  lastRowid: number;
}

/**
 * One INSERT that writes many rows per statement execution (`VALUES (…), (…), …`). Executing a
 * statement per row costs a binding round trip between JavaScript and SQLite for each; a batch of 500
 * alerts with their tags and search text was about 2,000 of them. Full groups use one statement; the
 * rest go one row at a time, so only two statements are ever prepared. No RETURNING: SQLite would
 * collect the returned rows in a temporary table and the driver make an object of each, which cost
 * more than the insert itself; the caller derives what it needs from each execution's result.
 */
export class MultiRowInsert {
  private readonly many: Database.Statement<unknown[]>;
  private readonly one: Database.Statement<unknown[]>;

  /**
   * @param head the statement up to `VALUES`, e.g. `INSERT INTO t (a, b)`
   * @param columns values per row
   */
  constructor(
    db: Database.Database,
    head: string,
    private readonly columns: number,
  ) {
    const row = `(${new Array<string>(columns).fill('?').join(', ')})`;
    this.many = db.prepare(`${head} VALUES ${new Array<string>(ROWS_PER_STATEMENT).fill(row).join(', ')}`);
    this.one = db.prepare(`${head} VALUES ${row}`);
  }

  /** Inserts the rows whose values `values` holds in order, `columns` per row; one result per execution, in order. */
  run(values: readonly unknown[]): StatementResult[] {
    const results: StatementResult[] = [];
    const step = this.columns * ROWS_PER_STATEMENT;
    let at = 0;
    for (; at + step <= values.length; at += step) results.push(this.exec(this.many, values.slice(at, at + step), ROWS_PER_STATEMENT));
    for (; at < values.length; at += this.columns) results.push(this.exec(this.one, values.slice(at, at + this.columns), 1));
    return results;
  }

  private exec(statement: Database.Statement<unknown[]>, values: unknown[], rows: number): StatementResult {
    const { changes, lastInsertRowid } = statement.run(...values);
    return { rows, changes, lastRowid: Number(lastInsertRowid) };
  }
}
