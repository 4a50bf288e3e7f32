/** The driver's errors for a server it cannot reach or has lost; told apart by name, so checking loads no driver. */
const UNREACHABLE = new Set([
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoServerSelectionError',
  'MongoPoolClearedError',
  'MongoTopologyClosedError',
  'MongoNotConnectedError',
]);

export const isMongoUnreachable = (error: unknown): boolean => UNREACHABLE.has(String((error as { name?: unknown } | null)?.name));
