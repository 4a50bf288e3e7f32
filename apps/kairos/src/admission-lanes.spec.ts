import 'reflect-metadata';
import { AvailabilityController } from './availability/availability.controller';
import { BookingPoliciesController } from './booking-policies/booking-policies.controller';
import { laneOf, queriesByPost } from './http/admission';

describe("the app's admission lanes", () => {
  it('queue the two queries sent as POST with the queries, as their routes declare, and every other write with the commands', () => {
    const isQuery = queriesByPost([AvailabilityController, BookingPoliciesController]);
    const lane = (request: string) => {
      const [method, path] = request.split(' ');
      return laneOf({ method, baseUrl: '/v1', path }, isQuery);
    };
    expect(['GET /bookings', 'HEAD /bookings', 'POST /availability/query', 'POST /booking-policies/strictest'].map(lane)).toEqual(Array(4).fill('query'));
    expect(['POST /bookings', 'PATCH /services/x', 'DELETE /bookings/x', 'POST /bookings/x/cancel', 'POST /booking-policies', 'POST /booking-policies/x/set-default'].map(lane)).toEqual(Array(6).fill('command'));
  });
});
