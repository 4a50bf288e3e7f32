import { PublishedMessage } from './cloud-events';

export interface Publisher {
  readonly engine: string;
  /** Resolves once every message is durably accepted, in order; rejects and may be retried whole. */
  publish(messages: PublishedMessage[]): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
