import { RecordedEvent } from '@kairos/core';
import { Doc, Identified, ReadModelWriter } from '@kairos/read-store';

type Derive = (doc: Doc) => Record<string, unknown>;

/**
 * The read-model side of the created / updated / deleted events every aggregate here emits:
 * `created` carries the whole view, `updated` carries changed fields, the rest stamp a field.
 * `derive` adds query-only fields (prefixed `_`, never shown to callers).
 */
export const applyLifecycle = async (
  event: RecordedEvent,
  writer: ReadModelWriter,
  collection: string,
  derive: Derive = () => ({}),
): Promise<Doc | null> => {
  const tenant = event.metadata.tenant;
  const data = event.data as Record<string, unknown> & { id: string };
  const kind = event.type.slice(event.type.lastIndexOf('.') + 1);
  if (kind === 'created') {
    const doc = { ...(data as Doc), ...derive(data as Doc) };
    await writer.put(collection, tenant, doc);
    return doc;
  }
  const current = await writer.get(collection, tenant, data.id);
  if (!current) return null;
  const revision = (current.revision as number) + 1;
  let next: Doc;
  switch (kind) {
    case 'updated':
      next = { ...current, ...(data.changes as object), revision, updatedAt: data.updatedAt };
      break;
    case 'deleted':
      next = { ...current, deletedAt: data.deletedAt, revision, updatedAt: data.deletedAt };
      break;
    case 'archived':
      next = { ...current, archived: true, isDefault: false, revision, updatedAt: data.archivedAt };
      break;
    case 'canceled':
      next = { ...current, status: 'CANCELED', revision, updatedAt: data.canceledAt };
      break;
    default:
      return current;
  }
  next = { ...next, ...derive(next) };
  await writer.put(collection, tenant, next);
  return next;
};

/** Strips query-only fields before a document leaves the service. */
export const publicView = <T extends Identified>(doc: T): T =>
  Object.fromEntries(Object.entries(doc).filter(([key]) => !key.startsWith('_'))) as T;
