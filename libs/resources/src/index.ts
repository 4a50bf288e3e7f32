export * from './resource/resource';
export * from './location/location';
export * from './streams';
export * from './resources.projection';
export * from './capability';
