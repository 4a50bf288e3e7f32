export interface SqlExecutor {
  query<Row = Record<string, unknown>>(text: string, params?: unknown[]): Promise<Row[]>;
}

/** A transaction's statements, and COPY: PostgreSQL's bulk path, which parses each value once and plans nothing. */
export interface SqlTransaction extends SqlExecutor {
  /**
   * Adds rows through `COPY <target> FROM STDIN`. `target` is a table and its columns as SQL
   * (`"t" (a, b)`), built from our own names; `rows` is COPY's text format, each line made by `copyLine`.
   */
  copyIn(target: string, rows: string): Promise<void>;
}

/** COPY's text format gives backslash, tab, newline and carriage return a meaning of their own. */
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
const COPY_SPECIAL = /[\\\t\n\r]/g;

/** One row of COPY's text format: the values, escaped, tab-separated, ending the line. */
export const copyLine = (values: readonly (string | number)[]): string =>
  `${values.map((value) => (typeof value === 'number' ? String(value) : value.replace(COPY_SPECIAL, (c) => COPY_ESCAPES[c]))).join('\t')}\n`;

/**
 * The part of PostgreSQL both engines (a server through `pg`, or PGlite in-process) share.
 * SQL adapters are written once against this.
 */
export interface SqlClient extends SqlExecutor {
  readonly dialect: 'postgres' | 'pglite';
  /** Runs `fn` in one transaction; commits when it resolves, rolls back when it throws. */
  transaction<T>(fn: (tx: SqlTransaction) => Promise<T>): Promise<T>;
  /**
   * Whether transactions can run at the same time. PGlite has one connection, so its
   * transactions are already serial and need no cross-transaction locks.
   */
  readonly concurrent: boolean;
  listen(channel: string, onNotify: () => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export const isUniqueViolation = (error: unknown, constraint?: string): boolean => {
  const e = error as { code?: string; constraint?: string; message?: string };
  if (e?.code !== '23505') return false;
  return constraint === undefined || e.constraint === constraint || (e.message ?? '').includes(constraint);
};

/**
 * The server refused this statement for what it asked (SQLSTATE 22021, a NUL byte in a text value,
 * say), not for the state of the connection or of the server (classes 08, 53, 57, 58, XX): the same
 * statement with other values would have run.
 */
export const isRefusedStatement = (error: unknown): boolean => {
  const code = String((error as { code?: unknown })?.code ?? '');
  return /^[0-9A-Z]{5}$/.test(code) && !/^(08|53|57|58|XX)/.test(code);
};

/** Quotes an identifier built from our own names (collection, schema); never from user input. */
export const ident = (name: string): string => {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a safe SQL identifier: ${name}`);
  return `"${name}"`;
};
