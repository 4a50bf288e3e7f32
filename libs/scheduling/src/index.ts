export * from './schedule/schedule';
