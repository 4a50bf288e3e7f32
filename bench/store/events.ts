import { randomUUID } from 'node:crypto';
import { NewEvent } from '@kairos/core';

const TENANT = 'bench';
const SERVICE_ID = randomUUID();
const SLOT_MS = 30 * 60_000;
const FIRST_SLOT = Date.UTC(2026, 0, 5, 9);

export const bookingStream = () => `booking:${TENANT}:${randomUUID()}`;

/** Shaped like a booking request (ids, ISO instants, money), about 200 bytes of JSON. */
export const bookingEvent = (slot: number): NewEvent => {
  const startsAt = FIRST_SLOT + slot * SLOT_MS;
  return {
    id: randomUUID(),
    type: 'booking.requested',
    schemaVersion: 1,
    data: {
      bookingId: randomUUID(),
      serviceId: SERVICE_ID,
      startsAt: new Date(startsAt).toISOString(),
      endsAt: new Date(startsAt + SLOT_MS).toISOString(),
      price: { amount: '45.00', currency: 'EUR' },
      status: 'PENDING',
    },
    metadata: {
      tenant: TENANT,
      actor: { type: 'CUSTOMER', id: randomUUID() },
      correlationId: randomUUID(),
      occurredAt: new Date().toISOString(),
    },
  };
};
