import { RecordedEvent } from '@kairos/core';
import { ReadModelWriter } from '@kairos/read-store';

/** Folds the global log into read models. `apply` sees every event and ignores the ones it does not care about. */
export interface Projection {
  readonly name: string;
  readonly collections: string[];
  apply(event: RecordedEvent, writer: ReadModelWriter): Promise<void>;
}
