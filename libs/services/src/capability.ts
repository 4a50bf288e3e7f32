import { Capability } from '@kairos/core';
import { servicesEvents } from './services.events';
import { servicesProjection } from './services.projection';

export const servicesCapability: Capability = { name: 'services', projections: [servicesProjection], events: servicesEvents };
