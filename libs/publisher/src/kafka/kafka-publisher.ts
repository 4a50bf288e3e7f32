import { Admin, Kafka, Producer, logLevel } from 'kafkajs';
import { StoreUnavailable } from '@kairos/core';
import { PublishedMessage } from '../cloud-events';
import { Publisher } from '../publisher';

export interface KafkaPublisherOptions {
  brokers: string[];
  /** Created on connecting when missing, so consumers can subscribe before the first event (`EventRoutes.topics`). */
  topics: readonly string[];
  clientId?: string;
  partitions?: number;
  /** Bounded so a dead broker fails the batch (and the runner backs off) instead of hanging. */
  retries?: number;
}

/** kafkajs reports a broker it cannot reach, or that does not answer in time, with its own errors once its retries are spent. */
const brokerUnavailable = (error: unknown) => ((error as Error)?.name?.startsWith('KafkaJS') ? new StoreUnavailable('kafka', error) : error);

/**
 * Produces with an idempotent producer (acks=all, one request in flight) so a retried batch is
 * neither duplicated by the broker nor reordered within a key. Delivery stays at-least-once:
 * a crash after the send and before the runner's checkpoint resends; consumers dedupe by ce_id.
 */
export class KafkaPublisher implements Publisher {
  readonly engine = 'kafka';
  private readonly kafka: Kafka;
  private producer: Producer;
  private readonly admin: Admin;
  private connected?: Promise<void>;

  constructor(private readonly options: KafkaPublisherOptions) {
    this.kafka = new Kafka({
      clientId: options.clientId ?? 'kairos',
      brokers: options.brokers,
      // Retriable broker errors would be logged as errors; failed batches surface through the runner instead.
      logLevel: logLevel.NOTHING,
      retry: { retries: options.retries ?? 5 },
    });
    this.producer = this.newProducer();
    this.admin = this.kafka.admin();
  }

  private newProducer(): Producer {
    return this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  }

  private connect(): Promise<void> {
    this.connected ??= (async () => {
      await this.admin.connect();
      const existing = new Set(await this.admin.listTopics());
      const missing = this.options.topics.filter((t) => !existing.has(t));
      if (missing.length > 0) {
        await this.admin.createTopics({
          waitForLeaders: true,
          topics: missing.map((topic) => ({ topic, numPartitions: this.options.partitions ?? 3, replicationFactor: 1 })),
        });
      }
      await this.producer.connect();
    })().catch((error: unknown) => {
      this.connected = undefined;
      throw error;
    });
    return this.connected;
  }

  async publish(messages: PublishedMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const byTopic = new Map<string, PublishedMessage[]>();
    for (const message of messages) {
      const batch = byTopic.get(message.topic);
      if (batch) batch.push(message);
      else byTopic.set(message.topic, [message]);
    }
    try {
      await this.connect();
      await this.producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, batch]) => ({
          topic,
          messages: batch.map((m) => ({ key: m.key, value: m.value, headers: m.headers })),
        })),
      });
    } catch (error) {
      // The batch is sent again whole, by a new producer: the old one's sequence numbers may no longer
      // match what the broker kept (it may have been restarted), which would refuse every later send.
      // Messages it did write come twice, with the same ce_id, still in order per key.
      const failed = this.producer;
      this.producer = this.newProducer();
      this.connected = undefined;
      await failed.disconnect().catch(() => undefined);
      throw brokerUnavailable(error);
    }
  }

  async ping(): Promise<void> {
    try {
      await this.connect();
      await this.admin.describeCluster();
    } catch (error) {
      throw brokerUnavailable(error);
    }
  }

  async close(): Promise<void> {
    await this.producer.disconnect().catch(() => undefined);
    await this.admin.disconnect().catch(() => undefined);
  }
}
