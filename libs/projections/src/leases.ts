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
  const lease = (id: string): LeaseDoc => ({ id, holder, token: randomUUID(), expiresAt: new Date(now() + ttlMs).toISOString() });

  return {
    async tryAcquire(name, onLost) {
      const current = await store.get<LeaseDoc>(LEASES, LEASE_TENANT, name);
      let mine = lease(name);
      const taken = current
        ? Date.parse(current.expiresAt) <= now() && (await store.replaceIf(LEASES, LEASE_TENANT, mine, 'token', current.token))
        : await store.insertIfAbsent(LEASES, LEASE_TENANT, mine);
      if (!taken) return null;
      let renewedAt = now();
      let ended = false;
      const end = () => {
        ended = true;
        clearInterval(timer);
        renewals.delete(timer);
      };
      const timer = setInterval(() => {
        const next = lease(name);
        store.replaceIf(LEASES, LEASE_TENANT, next, 'token', mine.token).then(
          (renewed) => {
            if (ended) return;
            if (renewed) {
              mine = next;
              renewedAt = now();
            } else {
              end();
              onLost();
            }
          },
          () => {
            // Unreachable store: give the lease up while it is still ours, before anyone else may take it.
            if (!ended && now() - renewedAt > (ttlMs * 2) / 3) {
              end();
              onLost();
            }
          },
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
