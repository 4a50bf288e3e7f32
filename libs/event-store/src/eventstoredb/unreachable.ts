/** @eventstore/db-client marks a server it cannot reach, or that did not answer in time, by the error's `type`; checking it loads no client. */
export const isEventStoreDbUnreachable = (error: unknown): boolean => {
  const type = (error as { type?: unknown } | null)?.type;
  return type === 'unavailable' || type === 'deadline-exceeded';
};
