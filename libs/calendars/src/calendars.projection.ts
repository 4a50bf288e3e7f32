import { DocumentWrite, ProjectedEvent, ProjectionDefinition, SYSTEM_TENANT, deleteDoc, putDoc } from '@kairos/core';
import { ConnectionEvent, ConnectionView, LastOutcome, READ_AFFECTING } from './connection/connection';
import { FeedEvent, FeedScope, FeedView } from './feed/feed';

/** Connections as `GET /v1/calendar-connections` answers them. */
export const CALENDAR_CONNECTIONS = 'calendar_connections';
/** When each connection is next due to be read, under the system tenant: what the sync sweep pages through. */
export const CALENDAR_SYNC_DUE = 'calendar_sync_due';
export const CALENDAR_FEEDS = 'calendar_feeds';
/** Live feed tokens by the digest of the token, under the system tenant: a calendar app sends no tenant. */
export const CALENDAR_FEED_TOKENS = 'calendar_feed_tokens';

export interface ConnectionDoc extends ConnectionView {
  lastSync: LastOutcome | null;
  /** Blocks recorded and not removed, past ones included. */
  blockCount: number;
  [key: string]: unknown;
}

export interface SyncDueDoc {
  id: string;
  tenant: string;
  dueAt: string;
  [key: string]: unknown;
}

export interface FeedTokenDoc {
  id: string;
  tenant: string;
  feedId: string;
  scope: FeedScope;
  ownerId: string;
  [key: string]: unknown;
}

const CONNECTION_TYPES = [
  'calendar-connection.created',
  'calendar-connection.updated',
  'calendar-connection.deleted',
  'calendar-connection.secret-set',
  'calendar-connection.cursor-moved',
  'external-busy.synced',
  'calendar-connection.sync-failed',
] as const satisfies readonly ConnectionEvent['type'][];
const FEED_TYPES = ['calendar-feed.issued', 'calendar-feed.revoked'] as const satisfies readonly FeedEvent['type'][];

const connectionWrites = (event: ProjectedEvent<ConnectionEvent>, current: ConnectionDoc | null): DocumentWrite[] => {
  const tenant = event.metadata.tenant;
  /** The connection, and (from `dueFrom`) when it is next read: an interval after its last recorded outcome. */
  const keep = (doc: ConnectionDoc, dueFrom: string | null): DocumentWrite[] => {
    if (dueFrom === null) return [putDoc(CALENDAR_CONNECTIONS, tenant, doc)];
    const due: SyncDueDoc = { id: doc.id, tenant, dueAt: new Date(Date.parse(dueFrom) + doc.syncIntervalMinutes * 60_000).toISOString() };
    return [putDoc(CALENDAR_CONNECTIONS, tenant, doc), putDoc(CALENDAR_SYNC_DUE, SYSTEM_TENANT, due)];
  };
  if (event.type === 'calendar-connection.created') {
    // A new connection is read at once.
    return [putDoc(CALENDAR_CONNECTIONS, tenant, { ...event.data, lastSync: null, blockCount: 0 }), putDoc(CALENDAR_SYNC_DUE, SYSTEM_TENANT, { id: event.data.id, tenant, dueAt: event.data.createdAt })];
  }
  if (!current) return [];
  switch (event.type) {
    case 'calendar-connection.updated': {
      const { changes, updatedAt } = event.data;
      const doc: ConnectionDoc = { ...current, ...changes, revision: current.revision + 1, updatedAt };
      // Another calendar (or the same read another way) is read at once; a new interval counts from the last outcome.
      if (READ_AFFECTING.some((field) => changes[field] !== undefined)) return [putDoc(CALENDAR_CONNECTIONS, tenant, doc), putDoc(CALENDAR_SYNC_DUE, SYSTEM_TENANT, { id: doc.id, tenant, dueAt: updatedAt })];
      return keep(doc, changes.syncIntervalMinutes !== undefined ? (current.lastSync?.at ?? updatedAt) : null);
    }
    case 'calendar-connection.deleted':
      return [
        putDoc(CALENDAR_CONNECTIONS, tenant, { ...current, revision: current.revision + 1, updatedAt: event.data.deletedAt, deletedAt: event.data.deletedAt }),
        deleteDoc(CALENDAR_SYNC_DUE, SYSTEM_TENANT, current.id),
      ];
    case 'calendar-connection.secret-set':
      // A new secret may open a calendar that refused the old one: read it at once.
      return current.deletedAt === null ? [putDoc(CALENDAR_SYNC_DUE, SYSTEM_TENANT, { id: current.id, tenant, dueAt: event.metadata.occurredAt })] : [];
    case 'calendar-connection.cursor-moved':
      // Not an outcome: a read that found its calendar unchanged but its cursor moved records no outcome, and the sweep remembers it read it.
      return [];
    case 'external-busy.synced': {
      const doc: ConnectionDoc = {
        ...current,
        blockCount: current.blockCount + event.data.added.length - event.data.removed.length,
        lastSync: { status: 'OK', at: event.data.at, reason: null, detail: null },
      };
      return current.deletedAt === null ? keep(doc, event.data.at) : [putDoc(CALENDAR_CONNECTIONS, tenant, doc)];
    }
    case 'calendar-connection.sync-failed': {
      const doc: ConnectionDoc = { ...current, lastSync: { status: 'FAILED', at: event.data.at, reason: event.data.reason, detail: event.data.detail } };
      return keep(doc, event.data.at);
    }
    default:
      return [];
  }
};

const feedWrites = (event: ProjectedEvent<FeedEvent>, current: FeedView | null, digestOf: string | null): DocumentWrite[] => {
  const tenant = event.metadata.tenant;
  switch (event.type) {
    case 'calendar-feed.issued': {
      const { tokenDigest, ...view } = event.data;
      return [
        putDoc(CALENDAR_FEEDS, tenant, { ...view, revokedAt: null, tokenDigest }),
        putDoc(CALENDAR_FEED_TOKENS, SYSTEM_TENANT, { id: tokenDigest, tenant, feedId: view.id, scope: view.scope, ownerId: view.ownerId }),
      ];
    }
    case 'calendar-feed.revoked':
      if (!current) return [];
      return [putDoc(CALENDAR_FEEDS, tenant, { ...current, revokedAt: event.data.revokedAt }), ...(digestOf ? [deleteDoc(CALENDAR_FEED_TOKENS, SYSTEM_TENANT, digestOf)] : [])];
    default:
      return [];
  }
};

const isFeedEvent = (event: ProjectedEvent<ConnectionEvent | FeedEvent>): event is ProjectedEvent<FeedEvent> => (FEED_TYPES as readonly string[]).includes(event.type);

export const calendarsProjection: ProjectionDefinition<ConnectionEvent | FeedEvent> = {
  name: 'calendars',
  collections: [CALENDAR_CONNECTIONS, CALENDAR_SYNC_DUE, CALENDAR_FEEDS, CALENDAR_FEED_TOKENS],
  canHandle: [...CONNECTION_TYPES, ...FEED_TYPES],
  evolve(event, documents) {
    const tenant = event.metadata.tenant;
    if (isFeedEvent(event)) {
      const current = event.type === 'calendar-feed.issued' ? null : documents.get<FeedView & { tokenDigest: string }>(CALENDAR_FEEDS, tenant, event.data.id);
      if (!current) return feedWrites(event, null, null);
      const { tokenDigest, ...view } = current;
      return feedWrites(event, view, tokenDigest);
    }
    const id = event.type === 'external-busy.synced' ? event.data.connectionId : event.data.id;
    const current = event.type === 'calendar-connection.created' ? null : documents.get<ConnectionDoc>(CALENDAR_CONNECTIONS, tenant, id);
    return connectionWrites(event as ProjectedEvent<ConnectionEvent>, current);
  },
};
