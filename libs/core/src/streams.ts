/** Where a stream belongs: its aggregate (or internal category), its tenant and its own id. */
export interface StreamName {
  category: string;
  tenant: string;
  id: string;
}

/** Stream ids are `<category>:<tenant>:<id>`, so a tenant can never reach another tenant's stream by id. */
export const streamId = (category: string, tenant: string, id: string) => `${category}:${tenant}:${id}`;

/** The parts of a stream id `streamId` built; the id is what follows the last `:`, the tenant what lies between. */
export const parseStreamId = (stream: string): StreamName => {
  const first = stream.indexOf(':');
  const last = stream.lastIndexOf(':');
  if (first <= 0 || first === last) throw new Error(`${stream} is not a <category>:<tenant>:<id> stream id`);
  return { category: stream.slice(0, first), tenant: stream.slice(first + 1, last), id: stream.slice(last + 1) };
};
