import { Client } from 'pg';
import { StoreUnavailable } from '@kairos/core';
import { isConnectionFailure } from './pg-client';
import { ident } from './sql-client';

export interface PgSessionLocksOptions {
  url: string;
  /** The schema the locks guard: two deployments in two schemas of one database do not contend. */
  schema?: string;
}

/** A session lock this process holds; `release` gives it back. */
export interface SessionLock {
  release(): Promise<void>;
}

/** How often a held lock's connection is checked. */
const HEARTBEAT_MS = 5_000;
/**
 * How long connecting, or any statement, may take before the connection counts as lost: a server
 * gone silent must not hold a runner's campaign (or the heartbeat) forever, nor the statements
 * queued behind it.
 */
const CONNECTION_TIMEOUT_MS = 5_000;

/**
 * Named PostgreSQL session advisory locks, held on one connection of their own: the process that
 * holds a name keeps it until it releases it or its connection ends, which the server notices
 * when the process dies (its socket closes) and, for a vanished host, through the short TCP
 * keepalives this session asks for. Whoever waits for a name gets it then.
 *
 * A lost connection loses every lock on it: each holder hears so once (`onLost`), and the next
 * `tryAcquire` opens a new connection. While it holds a lock the connection is checked every few
 * seconds, so a holder cut off from the server learns it has lost its locks.
 */
export class PgSessionLocks {
  private connection?: Promise<Client>;
  private readonly held = new Map<string, () => void>();
  private heartbeat?: NodeJS.Timeout;
  /** One statement at a time on the connection: several runners ask for their locks at once. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: PgSessionLocksOptions) {}

  /** Takes `name` if nobody holds it; null when another session does. */
  async tryAcquire(name: string, onLost: () => void): Promise<SessionLock | null> {
    if (this.held.has(name)) throw new Error(`session lock ${name} is already held here`);
    const client = await this.connect();
    const [row] = await this.query<{ locked: boolean }>(client, 'select pg_try_advisory_lock(hashtextextended($1, 0)) as locked', [this.key(name)]);
    if (!row.locked) return null;
    this.held.set(name, onLost);
    this.heartbeat ??= setInterval(() => void this.check(client), HEARTBEAT_MS).unref();
    return {
      release: async () => {
        if (this.held.get(name) !== onLost) return;
        this.held.delete(name);
        await this.query(client, 'select pg_advisory_unlock(hashtextextended($1, 0))', [this.key(name)]).catch(() => this.lose(client));
      },
    };
  }

  /** Ends the connection, and with it every lock held here; their holders hear so. */
  async close(): Promise<void> {
    const client = await this.connection?.catch(() => undefined);
    if (client) this.lose(client);
  }

  private query<Row>(client: Client, text: string, params?: unknown[]): Promise<Row[]> {
    const result = this.queue.then(async () => {
      try {
        return (await client.query(text, params)).rows as Row[];
      } catch (error) {
        if (!isConnectionFailure(error)) throw error;
        this.lose(client);
        throw new StoreUnavailable('postgres', error);
      }
    });
    this.queue = result.catch(() => undefined);
    return result;
  }

  private key(name: string): string {
    return `kairos:${this.options.schema ?? ''}:${name}`;
  }

  private connect(): Promise<Client> {
    this.connection ??= (async () => {
      const client = new Client({
        connectionString: this.options.url,
        keepAlive: true,
        connectionTimeoutMillis: CONNECTION_TIMEOUT_MS,
        query_timeout: CONNECTION_TIMEOUT_MS,
        // The server lets the locks of a vanished client go within about half a minute, not the system's two hours.
        options: `-c tcp_keepalives_idle=10 -c tcp_keepalives_interval=5 -c tcp_keepalives_count=3${this.options.schema ? ` -c search_path=${ident(this.options.schema)},public` : ''}`,
      });
      client.on('error', () => this.lose(client));
      client.on('end', () => this.lose(client));
      await client.connect().catch((error: unknown) => {
        throw isConnectionFailure(error) ? new StoreUnavailable('postgres', error) : error;
      });
      return client;
    })();
    const connecting = this.connection;
    // A failed connect leaves nothing behind: the next call tries again.
    connecting.catch(() => {
      if (this.connection === connecting) this.connection = undefined;
    });
    return connecting;
  }

  private async check(client: Client) {
    try {
      await this.query(client, 'select 1');
    } catch {
      this.lose(client);
    }
  }

  /** The connection is gone or cannot be trusted: its locks are (or soon will be) the server's to give to others. */
  private lose(client: Client) {
    void this.connection?.then((current) => {
      if (current !== client) return;
      this.connection = undefined;
      clearInterval(this.heartbeat);
      this.heartbeat = undefined;
      const holders = [...this.held.values()];
      this.held.clear();
      void client.end().catch(() => undefined);
      for (const onLost of holders) onLost();
    }, () => undefined);
  }
}
