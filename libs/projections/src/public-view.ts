import { Identified } from '@kairos/read-store';

/** Strips query-only fields before a document leaves the service. */
export const publicView = <T extends Identified>(doc: T): T =>
  Object.fromEntries(Object.entries(doc).filter(([key]) => !key.startsWith('_'))) as T;
