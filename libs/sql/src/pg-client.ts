import { Client, Pool, PoolClient } from 'pg';
import { SqlClient, SqlExecutor, ident } from './sql-client';

export interface PgClientOptions {
  url: string;
  /** Schema to create (if missing) and work in; lets tests and rebuilds share one database. */
  schema?: string;
  poolSize?: number;
}

const run = async <Row>(conn: Pool | PoolClient | Client, text: string, params?: unknown[]) =>
  (await conn.query(text, params as unknown[])).rows as Row[];

/** An error the server answered with (it has a SQLSTATE): the connection is fine and can be reused. */
const isServerAnswer = (error: unknown) => /^[0-9A-Z]{5}$/.test(String((error as { code?: unknown })?.code ?? ''));

export class PgClient implements SqlClient {
  readonly dialect = 'postgres' as const;
  readonly concurrent = true;
  private readonly pool: Pool;
  private schemaReady?: Promise<void>;

  constructor(private readonly options: PgClientOptions) {
    this.pool = new Pool({
      connectionString: options.url,
      max: options.poolSize ?? 10,
      options: options.schema ? `-c search_path=${ident(options.schema)},public` : undefined,
    });
    // An idle client losing its server must not crash the process; the next query reports it.
    this.pool.on('error', () => undefined);
  }

  private ready(): Promise<void> {
    if (!this.options.schema) return Promise.resolve();
    this.schemaReady ??= run(this.pool, `create schema if not exists ${ident(this.options.schema)}`)
      .then(() => undefined)
      .catch((error: unknown) => {
        // Two processes creating the same schema race on the catalog; the loser finds it there.
        if ((error as { code?: string }).code !== '23505') throw error;
      });
    return this.schemaReady;
  }

  async query<Row>(text: string, params?: unknown[]): Promise<Row[]> {
    await this.ready();
    // Not `pool.query`: it closes the connection on any error, and conflicts (an expected revision
    // lost, a unique key taken) are everyday answers here, not broken connections.
    const conn = await this.pool.connect();
    let broken = false;
    try {
      return await run<Row>(conn, text, params);
    } catch (error) {
      broken = !isServerAnswer(error);
      throw error;
    } finally {
      conn.release(broken);
    }
  }

  async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    await this.ready();
    const conn = await this.pool.connect();
    let broken = false;
    try {
      await conn.query('begin');
      const result = await fn({ query: (text, params) => run(conn, text, params) });
      await conn.query('commit');
      return result;
    } catch (error) {
      try {
        await conn.query('rollback');
        // Session-level advisory locks outlive a rolled-back transaction; a pooled connection must not keep one.
        await conn.query('select pg_advisory_unlock_all()');
      } catch {
        broken = true;
      }
      throw error;
    } finally {
      conn.release(broken);
    }
  }

  async listen(channel: string, onNotify: () => void): Promise<() => Promise<void>> {
    const client = new Client({ connectionString: this.options.url });
    client.on('error', () => undefined);
    await client.connect();
    client.on('notification', (message) => {
      if (message.channel === channel) onNotify();
    });
    await client.query(`listen ${ident(channel)}`);
    return async () => {
      await client.end().catch(() => undefined);
    };
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
