import type Database from 'better-sqlite3';

/** Rows per statement: 100 alerts bind 800 values, far under SQLite's limit of 32,766. */
const ROWS_PER_STATEMENT = 100;

/**
 * One INSERT that writes many rows per statement execution (`VALUES (…), (…), …`). Executing a
 * statement per row costs a binding round trip between JavaScript and SQLite for each; a batch of 500
 * alerts with their tags and search text was about 2,000 of them. Full groups use one statement; the
 * rest go one row at a time, so only two statements are ever prepared.
 */
export class MultiRowInsert<Row = unknown> {
  private readonly many: Database.Statement<unknown[], Row>;
  private readonly one: Database.Statement<unknown[], Row>;

  /**
   * @param head the statement up to `VALUES`, e.g. `INSERT INTO t (a, b)`
   * @param columns values per row
   * @param tail what follows the rows, e.g. `RETURNING id`
   */
  constructor(
    db: Database.Database,
    head: string,
    private readonly columns: number,
    tail = '',
  ) {
    const row = `(${new Array<string>(columns).fill('?').join(', ')})`;
    this.many = db.prepare(`${head} VALUES ${new Array<string>(ROWS_PER_STATEMENT).fill(row).join(', ')} ${tail}`);
    this.one = db.prepare(`${head} VALUES ${row} ${tail}`);
  }

  /** Inserts the rows whose values `values` holds in order, `columns` per row; what RETURNING gives, if any. */
  run(values: readonly unknown[]): Row[] {
    const returned: Row[] = [];
    const step = this.columns * ROWS_PER_STATEMENT;
    let at = 0;
    for (; at + step <= values.length; at += step) this.exec(this.many, values.slice(at, at + step), returned);
    for (; at < values.length; at += this.columns) this.exec(this.one, values.slice(at, at + this.columns), returned);
    return returned;
  }

  private exec(statement: Database.Statement<unknown[], Row>, values: unknown[], returned: Row[]): void {
    if (statement.reader) returned.push(...statement.all(...values));
    else statement.run(...values);
  }
}
