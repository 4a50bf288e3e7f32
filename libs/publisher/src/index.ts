export * from './cloud-events';
export * from './publisher';
export * from './inprocess/in-process-publisher';
export * from './kafka/kafka-publisher';
