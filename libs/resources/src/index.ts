export * from './resource/resource';
export * from './location/location';
export * from './streams';
