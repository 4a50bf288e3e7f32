import { PGlite } from '@electric-sql/pglite';
import { SqlClient, SqlTransaction } from './sql-client';

/** PGlite keeps one connection; a folder belongs to one process at a time. */
export class PgliteClient implements SqlClient {
  readonly dialect = 'pglite' as const;
  readonly concurrent = false;

  private constructor(private readonly db: PGlite) {}

  /** `dataDir` undefined keeps the database in memory. */
  static async open(dataDir?: string): Promise<PgliteClient> {
    const db = await PGlite.create(dataDir ? { dataDir } : {});
    return new PgliteClient(db);
  }

  static wrap(db: PGlite): PgliteClient {
    return new PgliteClient(db);
  }

  get database(): PGlite {
    return this.db;
  }

  async query<Row>(text: string, params?: unknown[]): Promise<Row[]> {
    return (await this.db.query<Row>(text, params)).rows;
  }

  transaction<T>(fn: (tx: SqlTransaction) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) =>
      fn({
        query: async <Row>(text: string, params?: unknown[]) => (await tx.query<Row>(text, params)).rows,
        // PGlite has no client stream: COPY reads its rows from a blob it is handed.
        copyIn: async (target, rows) => void (await tx.query(`copy ${target} from '/dev/blob'`, [], { blob: new Blob([rows]) })),
      }),
    );
  }

  async listen(channel: string, onNotify: () => void): Promise<() => Promise<void>> {
    return this.db.listen(channel, () => onNotify());
  }

  async close(): Promise<void> {
    if (!this.db.closed) await this.db.close();
  }
}
