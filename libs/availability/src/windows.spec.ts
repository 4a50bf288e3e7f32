import { Doc, ReadModelWriter, ReadStore } from '@kairos/read-store';
import { WindowsTarget, windowsMatchRawExpansion } from './windows-property.fixture';

/** A map-backed read model: enough to run the projection's folding logic without a database (windows.int.spec.ts runs it on the real stores). */
const memoryStore = (): WindowsTarget => {
  const docs = new Map<string, Doc>();
  const key = (c: string, t: string, id: string) => `${c}/${t}/${id}`;
  const writer: ReadModelWriter = {
    get: async <T>(c: string, t: string, id: string) => (structuredClone(docs.get(key(c, t, id))) as T) ?? null,
    put: async (c, t, doc) => void docs.set(key(c, t, doc.id), structuredClone(doc)),
    delete: async (c, t, id) => void docs.delete(key(c, t, id)),
  };
  return {
    apply: (_event, write) => write(writer),
    reader: {
      getMany: async <T>(c: string, t: string, ids: string[]) => ids.flatMap((id) => (docs.has(key(c, t, id)) ? [structuredClone(docs.get(key(c, t, id))) as T] : [])),
    } as unknown as ReadStore,
  };
};

describe('availability windows', () => {
  it('give the same calendars as expanding every raw session, after any sequence of session changes', async () => {
    await windowsMatchRawExpansion(memoryStore(), 150);
  });
});
