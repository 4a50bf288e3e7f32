export * from './resource/resource.events';
export * from './location/location.events';
export * from './resources.events';
export * from './resource/resource';
export * from './location/location';
export * from './streams';
export * from './resources.projection';
export * from './capability';
