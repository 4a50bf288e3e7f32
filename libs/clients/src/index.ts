export * from './contact/contact.events';
export * from './contact/contact';
export * from './contact/contact-email';
export * from './contact/contact-search';
export * from './streams';
export * from './clients.events';
export * from './clients.projection';
export * from './capability';
