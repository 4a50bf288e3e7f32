import { randomUUID } from 'node:crypto';
import ICAL from 'ical.js';
import { buildOnce, describeWith } from '@kairos/testing';
import { TestCalendar, newCalendar, radicaleUrl } from '../../../../../test/support/caldav';
import { CalDavSource } from './caldav';
import { BookingEntry, CalDavWriter, EntryConflict } from './caldav-writer';
import { SourceConnection, SourceOptions } from './source';

const options: SourceOptions = { limits: { timeoutMs: 10_000, maxBytes: 1024 * 1024, maxOccurrences: 100 }, allowPrivateHosts: true };
const signal = () => new AbortController().signal;

const connectionOf = (calendar: TestCalendar): SourceConnection => ({
  id: randomUUID(),
  source: 'CALDAV',
  url: calendar.url,
  username: calendar.user,
  secret: calendar.password,
  ownerEmail: null,
  timeZone: 'Europe/Paris',
});

const entry = (over: Partial<BookingEntry> = {}): BookingEntry => ({
  bookingId: randomUUID(),
  sequence: 0,
  start: new Date('2027-05-03T07:30:00Z'),
  end: new Date('2027-05-03T08:15:00Z'),
  summary: 'Deep tissue massage',
  location: 'Room 2',
  ...over,
});

/** What a calendar client reading the collection sees: the time of each entry. */
const busy = async (calendar: TestCalendar) =>
  (await calendar.objects()).map(({ href, ics }) => {
    const event = new ICAL.Event(new ICAL.Component(ICAL.parse(ics)).getFirstSubcomponent('vevent')!);
    return { object: href, start: event.startDate.toJSDate().toISOString(), end: event.endDate.toJSDate().toISOString() };
  });

/** What the connection's own sync reads of the collection. */
const synced = async (calendar: TestCalendar) => {
  const answer = await new CalDavSource(options).read({
    connection: connectionOf(calendar),
    window: { from: new Date('2027-01-01T00:00:00Z'), to: new Date('2028-01-01T00:00:00Z') },
    cursor: null,
    incremental: false,
    signal: signal(),
  });
  if (answer.kind !== 'read') throw new Error('expected a read');
  return answer.snapshot.occurrences;
};

const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (e: unknown) => e,
  );

// The sources read calendars in a thread, which runs the built app.
beforeAll(buildOnce, 240_000);

describeWith('Radicale', radicaleUrl(), 'CalDavWriter against Radicale', () => {
  it('creates the booking as an entry with a stable UID and no METHOD, and never over an entry that already exists', async () => {
    const calendar = await newCalendar();
    const writer = new CalDavWriter(options);
    const booking = entry();

    const written = await writer.put(connectionOf(calendar), booking, null, signal());

    expect(written.etag).toBeTruthy();
    expect(await busy(calendar)).toEqual([{ object: new URL(written.href).pathname, start: '2027-05-03T07:30:00.000Z', end: '2027-05-03T08:15:00.000Z' }]);
    const stored = await (await fetch(written.href, { headers: { authorization: `Basic ${Buffer.from(`${calendar.user}:x`).toString('base64')}` } })).text();
    expect(stored).toContain(`UID:${booking.bookingId}@kairos`);
    expect(stored).not.toContain('METHOD:');
    expect(stored).toContain(`X-KAIROS-BOOKING:${booking.bookingId}`);
    // The connection's own sync leaves it out: the booking holds that time already.
    expect(await synced(calendar)).toEqual([]);
    expect(await rejection(writer.put(connectionOf(calendar), booking, null, signal()))).toBeInstanceOf(EntryConflict);
  });

  it('updates the entry it wrote, and refuses to write over one changed in the calendar since', async () => {
    const calendar = await newCalendar();
    const writer = new CalDavWriter(options);
    const booking = entry();
    const first = await writer.put(connectionOf(calendar), booking, null, signal());

    const moved = await writer.put(connectionOf(calendar), { ...booking, sequence: 1, start: new Date('2027-05-04T09:00:00Z'), end: new Date('2027-05-04T10:00:00Z') }, first.etag, signal());

    expect(moved.etag).not.toEqual(first.etag);
    expect((await busy(calendar)).map((b) => b.start)).toEqual(['2027-05-04T09:00:00.000Z']);
    expect(await rejection(writer.put(connectionOf(calendar), { ...booking, sequence: 2 }, first.etag, signal()))).toBeInstanceOf(EntryConflict);

    // Someone moves it in their calendar app: the ETag the writer holds no longer matches.
    const name = new URL(moved.href).pathname.split('/').pop()!;
    const stored = await (await fetch(moved.href, { headers: { authorization: `Basic ${Buffer.from(`${calendar.user}:x`).toString('base64')}` } })).text();
    await calendar.put(name, stored.replace('SUMMARY:', 'SUMMARY:Moved by hand - '));
    expect(await rejection(writer.put(connectionOf(calendar), { ...booking, sequence: 2 }, moved.etag, signal()))).toBeInstanceOf(EntryConflict);
  });

  it('deletes the entry of a cancelled booking, a second delete being no error, and not one changed since', async () => {
    const calendar = await newCalendar();
    const writer = new CalDavWriter(options);
    const kept = entry();
    const cancelled = entry({ start: new Date('2027-06-01T08:00:00Z'), end: new Date('2027-06-01T09:00:00Z') });
    const keptWritten = await writer.put(connectionOf(calendar), kept, null, signal());
    const cancelledWritten = await writer.put(connectionOf(calendar), cancelled, null, signal());

    expect(await rejection(writer.remove(connectionOf(calendar), kept.bookingId, cancelledWritten.etag, signal()))).toBeInstanceOf(EntryConflict);
    await writer.remove(connectionOf(calendar), cancelled.bookingId, cancelledWritten.etag, signal());
    await writer.remove(connectionOf(calendar), cancelled.bookingId, null, signal());

    expect((await busy(calendar)).map((b) => b.object)).toEqual([new URL(keptWritten.href).pathname]);
  });
});
