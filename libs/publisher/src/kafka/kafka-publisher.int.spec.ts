import { Kafka, logLevel } from 'kafkajs';
import { describeWith, testServers, uniqueName } from '@kairos/testing';
import { PublishedMessage } from '../cloud-events';
import { contractRoutes, publisherContract } from '../contract';
import { KafkaPublisher } from './kafka-publisher';

describeWith('Kafka', testServers.kafkaBrokers(), 'Kafka publisher on a real broker', () => {
  publisherContract(async () => {
    const brokers = testServers.kafkaBrokers()!.split(',');
    const publisher = new KafkaPublisher({ brokers, topics: contractRoutes.topics, clientId: uniqueName('test') });
    await publisher.ping(); // creates the topics before the consumer subscribes
    const consumer = new Kafka({ brokers, logLevel: logLevel.NOTHING }).consumer({ groupId: uniqueName('contract') });
    await consumer.connect();
    await consumer.subscribe({ topics: [...contractRoutes.topics], fromBeginning: true });
    const received: PublishedMessage[] = [];
    await consumer.run({
      eachMessage: async ({ topic, message }) => {
        received.push({
          topic,
          key: message.key?.toString() ?? '',
          value: message.value?.toString() ?? '',
          headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)])),
        });
      },
    });
    return {
      publisher,
      received: () => received,
      dispose: async () => {
        await consumer.disconnect();
        await publisher.close();
      },
    };
  });
});
