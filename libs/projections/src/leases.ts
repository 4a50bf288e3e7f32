import { randomUUID } from 'node:crypto';
import { ReadStore } from '@kairos/read-store';

/** The right to run one runner, held by one process at a time. */
export interface Lease {
  release(): Promise<void>;
}

/**
 * Decides which process runs each runner when several could: a runner writes its read models
 * (or publishes) only while it holds the lease on its name, so one process at a time does, and
 * the others stand by and try again. `onLost` is called once if the lease is lost while held
 * (connection gone, lease expired), after which the runner must stop writing.
 *
 * PostgreSQL: session advisory locks on a connection of their own (`PgSessionLocks`); an engine
 * without them: `leaseDocuments`; PGlite, owned by one process: `soleLeases`.
 */
export interface RunnerLeases {
  /** The lease on `name` if nobody holds it, null if another process does. */
  tryAcquire(name: string, onLost: () => void): Promise<Lease | null>;
  close(): Promise<void>;
}

/** One process owns the database (PGlite): its runners always lead. */
export const soleLeases = (): RunnerLeases => ({
  tryAcquire: async () => ({ release: async () => undefined }),
  close: async () => undefined,
});

export const LEASES = 'kairos_leases';
const LEASE_TENANT = '_system';

interface LeaseDoc {
  [field: string]: unknown;
  id: string;
  holder: string;
  /** Changes at every renewal: a renewal or release only lands if nobody took the lease since. */
  token: string;
  expiresAt: string;
}

export interface LeaseDocumentsOptions {
  /** How long a lease lasts unless renewed: a dead holder's runners resume elsewhere after at most this. */
  ttlMs?: number;
  now?: () => number;
}

/**
 * Leases as documents with an expiry in the read store, for engines without session locks
 * (MongoDB): taken with `insertIfAbsent`, renewed every third of their life with `replaceIf` on
 * a token that changes at each renewal, and taken over once expired. A holder that cannot renew
 * gives its lease up (`onLost`) before it expires, so two holders overlap only if their clocks
 * disagree by more than that margin. `ensureCollections([LEASES])` must have run.
 */
export const leaseDocuments = (store: ReadStore, { ttlMs = 15_000, now = Date.now }: LeaseDocumentsOptions = {}): RunnerLeases => {
  const holder = randomUUID();
  const renewals = new Set<NodeJS.Timeout>();
  const lease = (id: string, from: number): LeaseDoc => ({ id, holder, token: randomUUID(), expiresAt: new Date(from + ttlMs).toISOString() });

  return {
    async tryAcquire(name, onLost) {
      const current = await store.get<LeaseDoc>(LEASES, LEASE_TENANT, name);
      let renewedAt = now();
      let mine = lease(name, renewedAt);
      const taken = current
        ? Date.parse(current.expiresAt) <= renewedAt && (await store.replaceIf(LEASES, LEASE_TENANT, mine, 'token', current.token))
        : await store.insertIfAbsent(LEASES, LEASE_TENANT, mine);
      if (!taken) return null;
      let ended = false;
      const end = () => {
        ended = true;
        clearInterval(timer);
        renewals.delete(timer);
      };
      const lose = () => {
        if (ended) return;
        end();
        onLost();
      };
      const timer = setInterval(() => {
        // Renewals failing or unanswered: give the lease up while it is surely still ours, well before anyone else may take it.
        if (now() - renewedAt > ttlMs / 2) return lose();
        const sentAt = now();
        const next = lease(name, sentAt);
        store.replaceIf(LEASES, LEASE_TENANT, next, 'token', mine.token).then(
          (renewed) => {
            if (ended) return;
            if (!renewed) return lose();
            mine = next;
            renewedAt = sentAt;
          },
          () => undefined,
        );
      }, ttlMs / 3);
      renewals.add(timer);
      return {
        release: async () => {
          if (ended) return;
          end();
          await store.replaceIf(LEASES, LEASE_TENANT, { ...mine, expiresAt: new Date(0).toISOString() }, 'token', mine.token).catch(() => undefined);
        },
      };
    },
    async close() {
      for (const timer of renewals) clearInterval(timer);
      renewals.clear();
    },
  };
};
