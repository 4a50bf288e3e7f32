import { PublishedMessage } from '../cloud-events';
import { publisherContract } from '../contract';
import { InProcessPublisher } from './in-process-publisher';

describe('in-process publisher', () => {
  publisherContract(async () => {
    const publisher = new InProcessPublisher();
    const received: PublishedMessage[] = [];
    publisher.subscribe((message) => void received.push(message));
    return { publisher, received: () => received, dispose: () => publisher.close() };
  });

  it('fails the batch when a listener throws, so the runner retries it', async () => {
    const publisher = new InProcessPublisher();
    publisher.subscribe(() => {
      throw new Error('listener down');
    });
    await expect(publisher.publish([{ topic: 't', key: 'k', value: '{}', headers: {} }])).rejects.toThrow('listener down');
  });
});
