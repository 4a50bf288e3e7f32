import { PublishedMessage } from '../cloud-events';
import { Publisher } from '../publisher';

export type MessageListener = (message: PublishedMessage) => void | Promise<void>;

/**
 * The embedded default: messages go to listeners in this process (the app bridges them to the
 * Nest EventBus). It is fed by the same durable publisher runner as Kafka, so a listener that
 * throws makes the batch retry instead of losing it.
 */
export class InProcessPublisher implements Publisher {
  readonly engine = 'inprocess';
  private readonly listeners = new Set<MessageListener>();

  subscribe(listener: MessageListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async publish(messages: PublishedMessage[]): Promise<void> {
    for (const message of messages) for (const listener of this.listeners) await listener(message);
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    this.listeners.clear();
  }
}
