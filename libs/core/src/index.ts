export * from './events';
export * from './errors';
export * from './decider';
export * from './ids';
export * from './changes';
export * from './aggregate';
export * from './freeze';
