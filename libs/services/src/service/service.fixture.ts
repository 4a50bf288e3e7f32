/** The appointment service the services specs start from. */
import { ServiceFields } from './service';

export const haircut: ServiceFields = {
  name: 'Haircut',
  type: 'APPOINTMENT',
  category: null,
  hidden: false,
  defaultCapacity: 1,
  sessionDurations: [30],
  bufferBeforeMinutes: 0,
  bufferAfterMinutes: 10,
  slotSplitIntervalMinutes: null,
  resourceGroups: [{ resourceIds: ['r1', 'r2'], requiredCount: 1, selectable: true }],
  locations: [{ id: 'l1', type: 'BUSINESS' }],
  onlineBooking: { enabled: true, requireManualApproval: false, allowMultipleRequests: false },
  payment: { rateType: 'FIXED', price: { amount: '25.00', currency: 'EUR' }, deposit: null, planIds: [] },
  bookingPolicyId: null,
};
