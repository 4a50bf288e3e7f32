import { finished } from 'node:stream/promises';
import { Client, Pool, PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { StoreUnavailable } from '@kairos/core';
import { SqlClient, SqlTransaction, ident } from './sql-client';

export interface PgClientOptions {
  url: string;
  /** Schema to create (if missing) and work in; lets tests and rebuilds share one database. */
  schema?: string;
  poolSize?: number;
  /** Longest wait for a connection, new or from the pool, before the call fails as unavailable. */
  connectTimeoutMs?: number;
  /** Longest wait for a statement's answer before its connection is given up and the call fails as unavailable. */
  queryTimeoutMs?: number;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 5000;
/**
 * A server that stops answering without closing the socket (a host gone, packets dropped) would
 * otherwise hold a call forever: nothing here runs for more than a fraction of a second when the
 * server is well, so a quarter of a minute means the connection is lost.
 */
const DEFAULT_QUERY_TIMEOUT_MS = 15_000;
const LISTEN_RETRY_MS = 100;
const MAX_LISTEN_RETRY_MS = 5000;

const run = async <Row>(conn: Pool | PoolClient | Client, text: string, params?: unknown[]) =>
  (await conn.query(text, params as unknown[])).rows as Row[];

/** The stream finishes once the server has taken every row, and fails with what the server refused. */
const copyIn = async (conn: PoolClient, target: string, rows: string) => {
  await finished(conn.query(copyFrom(`copy ${target} from stdin`)).end(rows));
};

/** What the socket says of a server that is down, restarting or out of reach. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
/** What pg says of a connection it lost, or could not get in time. */
const LOST_CONNECTION = /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Client was closed|Query read timeout)/;

/**
 * Whether the connection failed rather than the statement: a refused or dropped socket, a timeout,
 * or a SQLSTATE of class 08 (connection exception), 57P0x (the server shutting down, crashed, or
 * still starting), 53300 (no connection slot free).
 */
export const isConnectionFailure = (error: unknown): boolean => {
  const e = error as { code?: unknown; message?: unknown; errors?: unknown[] } | null;
  if (!e) return false;
  const code = String(e.code ?? '');
  if (NETWORK_CODES.has(code) || code.startsWith('08') || code.startsWith('57P0') || code === '53300') return true;
  if (typeof e.message === 'string' && LOST_CONNECTION.test(e.message)) return true;
  // Node tries every address of a host name and reports each refusal in one AggregateError.
  return Array.isArray(e.errors) && e.errors.length > 0 && e.errors.every(isConnectionFailure);
};

/** An error the server answered with (it has a SQLSTATE) on a connection that is still fine to reuse. */
const isServerAnswer = (error: unknown) =>
  /^[0-9A-Z]{5}$/.test(String((error as { code?: unknown })?.code ?? '')) && !isConnectionFailure(error);

const unreachable = (error: unknown) => (isConnectionFailure(error) ? new StoreUnavailable('postgres', error) : error);

// pg clients emit 'error' when their socket dies; with no listener that would end the process. The
// call in flight is rejected with the same error anyway, so the listener has nothing left to do.
const ignore = () => undefined;

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
      // Bounds both the connect and the wait for a free pooled connection: no call hangs on a dead server.
      connectionTimeoutMillis: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      query_timeout: options.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS,
      keepAlive: true,
    });
    // pg-pool listens for errors of idle clients only; a checked-out one needs its own listener for good.
    this.pool.on('error', ignore);
    this.pool.on('connect', (client) => client.on('error', ignore));
  }

  private ready(): Promise<void> {
    if (!this.options.schema) return Promise.resolve();
    this.schemaReady ??= run(this.pool, `create schema if not exists ${ident(this.options.schema)}`)
      .then(() => undefined)
      .catch((error: unknown) => {
        // Two processes creating the same schema race on the catalog; the loser finds it there.
        if ((error as { code?: string }).code === '23505') return;
        // Not remembered: the next call tries again (the server may only have been down).
        this.schemaReady = undefined;
        throw error;
      });
    return this.schemaReady;
  }

  async query<Row>(text: string, params?: unknown[]): Promise<Row[]> {
    try {
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
    } catch (error) {
      throw unreachable(error);
    }
  }

  async transaction<T>(fn: (tx: SqlTransaction) => Promise<T>): Promise<T> {
    try {
      await this.ready();
      const conn = await this.pool.connect();
      let broken = false;
      try {
        await conn.query('begin');
        const result = await fn({ query: (text, params) => run(conn, text, params), copyIn: (target, rows) => copyIn(conn, target, rows) });
        await conn.query('commit');
        return result;
      } catch (error) {
        broken = isConnectionFailure(error);
        if (!broken) {
          try {
            await conn.query('rollback');
            // Session-level advisory locks outlive a rolled-back transaction; a pooled connection must not keep one.
            await conn.query('select pg_advisory_unlock_all()');
          } catch {
            broken = true;
          }
        }
        throw error;
      } finally {
        conn.release(broken);
      }
    } catch (error) {
      throw unreachable(error);
    }
  }

  /**
   * Listens on its own connection, which comes back by itself: a lost connection is opened again
   * with back-off, and every time it starts listening `onNotify` fires once, for whatever was
   * notified while nobody listened. Resolves at once; until the first connection is up, callers
   * rely on their polling, as they do for a notification lost any other way.
   */
  async listen(channel: string, onNotify: () => void): Promise<() => Promise<void>> {
    let stopped = false;
    let current: Client | undefined;
    let retry: NodeJS.Timeout | undefined;
    let failures = 0;

    const reconnectLater = (client: Client) => {
      if (stopped || client !== current) return;
      current = undefined;
      void client.end().catch(ignore);
      retry = setTimeout(connect, Math.min(LISTEN_RETRY_MS * 2 ** failures++, MAX_LISTEN_RETRY_MS));
    };
    const connect = () => {
      const client = new Client({ connectionString: this.options.url, connectionTimeoutMillis: this.options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS, keepAlive: true });
      current = client;
      client.on('error', () => reconnectLater(client));
      client.on('end', () => reconnectLater(client));
      client.on('notification', (message) => {
        if (message.channel === channel) onNotify();
      });
      client
        .connect()
        .then(() => client.query(`listen ${ident(channel)}`))
        .then(
          () => {
            if (client !== current) return;
            failures = 0;
            onNotify();
          },
          () => reconnectLater(client),
        );
    };
    connect();

    return async () => {
      stopped = true;
      clearTimeout(retry);
      await current?.end().catch(ignore);
    };
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
