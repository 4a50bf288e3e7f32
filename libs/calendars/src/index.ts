export * from './connection/connection.events';
export * from './connection/connection';
export * from './feed/feed.events';
export * from './feed/feed';
export * from './streams';
export * from './calendars.events';
export * from './calendars.projection';
export * from './capability';
