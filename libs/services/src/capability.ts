import { Capability } from '@kairos/core';
import { servicesProjection } from './services.projection';

export const servicesCapability: Capability = { name: 'services', projections: [servicesProjection] };
