import { Capability } from '@kairos/core';
import { availabilityWindowsProjection } from './windows';

export const availabilityCapability: Capability = { name: 'availability', projections: [availabilityWindowsProjection] };
