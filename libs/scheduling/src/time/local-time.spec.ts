/**
 * Local time <-> instant. Conventions under test: local date-times 'YYYY-MM-DDTHH:mm[:ss]' in the given zone;
 * a nonexistent local time (gap) moves forward by the gap; an ambiguous one (overlap) takes the earlier instant.
 */
import fc from 'fast-check';
import { DateTime, IANAZone } from 'luxon';
import { DomainError } from '@kairos/core';
import { formatInstant, isValidZone, offsetMinutes, toInstant, toLocal } from './local-time';

const ZONES = [
  'Europe/London',
  'America/New_York',
  'America/Sao_Paulo',
  'Australia/Lord_Howe',
  'Asia/Kathmandu',
  'Pacific/Chatham',
  'Pacific/Apia',
  'Africa/Casablanca',
];

const at = (local: string, zone: string) => toInstant(local, zone).toISOString();

describe('toInstant / toLocal', () => {
  it('reads an ordinary local time with the offset in force', () => {
    expect(at('2026-01-15T09:00', 'Europe/London')).toBe('2026-01-15T09:00:00.000Z');
    expect(at('2026-07-15T09:00', 'Europe/London')).toBe('2026-07-15T08:00:00.000Z');
    expect(at('2026-07-15T09:00:30', 'America/New_York')).toBe('2026-07-15T13:00:30.000Z');
    expect(at('2026-06-01T09:00', 'Asia/Kathmandu')).toBe('2026-06-01T03:15:00.000Z'); // +05:45
    expect(toLocal(new Date('2026-06-01T03:15:00Z'), 'Asia/Kathmandu')).toBe('2026-06-01T09:00:00');
  });

  describe('spring-forward gap: moved forward by the gap', () => {
    it.each([
      // zone, local, instant, wall clock it lands on
      ['Europe/London', '2026-03-29T01:30', '2026-03-29T01:30:00.000Z', '2026-03-29T02:30:00'], // 01:00 -> 02:00
      ['America/New_York', '2026-03-08T02:30', '2026-03-08T07:30:00.000Z', '2026-03-08T03:30:00'], // 02:00 -> 03:00
      ['America/Sao_Paulo', '2018-11-04T00:00', '2018-11-04T03:00:00.000Z', '2018-11-04T01:00:00'], // midnight did not exist
      ['Australia/Lord_Howe', '2026-10-04T02:15', '2026-10-03T15:45:00.000Z', '2026-10-04T02:45:00'], // 30-minute jump
      ['Pacific/Chatham', '2026-09-27T03:00', '2026-09-26T14:15:00.000Z', '2026-09-27T04:00:00'], // 02:45 -> 03:45
      ['Africa/Casablanca', '2023-04-23T02:30', '2023-04-23T02:30:00.000Z', '2023-04-23T03:30:00'], // end of Ramadan
      ['Asia/Kathmandu', '1986-01-01T00:05', '1985-12-31T18:35:00.000Z', '1986-01-01T00:20:00'], // +05:30 -> +05:45
      ['Pacific/Apia', '2011-12-30T09:00', '2011-12-30T19:00:00.000Z', '2011-12-31T09:00:00'], // the whole day is gone
    ])('%s %s', (zone, local, instant, wall) => {
      expect(at(local, zone)).toBe(instant);
      expect(toLocal(new Date(instant), zone)).toBe(wall);
    });

    it('the edges of the gap: the last minute before it and its end are untouched', () => {
      expect(at('2026-03-29T00:59', 'Europe/London')).toBe('2026-03-29T00:59:00.000Z');
      expect(at('2026-03-29T01:00', 'Europe/London')).toBe('2026-03-29T01:00:00.000Z'); // = 02:00 BST
      expect(at('2026-03-29T02:00', 'Europe/London')).toBe('2026-03-29T01:00:00.000Z');
      expect(at('2011-12-29T23:59', 'Pacific/Apia')).toBe('2011-12-30T09:59:00.000Z');
      expect(at('2011-12-31T00:00', 'Pacific/Apia')).toBe('2011-12-30T10:00:00.000Z');
    });
  });

  describe('fall-back overlap: the earlier instant', () => {
    it.each([
      ['Europe/London', '2026-10-25T01:30', '2026-10-25T00:30:00.000Z'], // BST, not GMT (01:30Z)
      ['America/New_York', '2026-11-01T01:30', '2026-11-01T05:30:00.000Z'], // EDT, not EST (06:30Z)
      ['America/Sao_Paulo', '2019-02-16T23:30', '2019-02-17T01:30:00.000Z'], // -02, not -03
      ['Australia/Lord_Howe', '2026-04-05T01:45', '2026-04-04T14:45:00.000Z'], // +11, not +10:30
      ['Pacific/Chatham', '2026-04-05T03:00', '2026-04-04T13:15:00.000Z'], // +13:45, not +12:45
      ['Africa/Casablanca', '2023-03-19T02:30', '2023-03-19T01:30:00.000Z'], // +01, not +00 (Ramadan)
    ])('%s %s', (zone, local, instant) => {
      expect(at(local, zone)).toBe(instant);
      expect(toLocal(new Date(instant), zone)).toBe(`${local}:00`);
    });

    it('the second occurrence still reads as the same wall clock', () => {
      expect(toLocal(new Date('2026-10-25T01:30:00Z'), 'Europe/London')).toBe('2026-10-25T01:30:00');
      expect(at('2026-10-25T02:00', 'Europe/London')).toBe('2026-10-25T02:00:00.000Z'); // end of overlap: GMT
    });

    it('documents why the rule is enforced: luxon alone picks the later instant in some zones', () => {
      const native = (local: string, zone: string) => DateTime.fromISO(local, { zone }).toUTC().toISO();
      expect(native('2026-10-25T01:30', 'Europe/London')).toBe('2026-10-25T01:30:00.000Z');
      expect(native('2026-11-01T01:30', 'America/New_York')).toBe('2026-11-01T06:30:00.000Z');
      // ...and the earlier one in others (it guesses from the offset at the reading taken as UTC).
      expect(native('2026-04-05T01:45', 'Australia/Lord_Howe')).toBe('2026-04-04T14:45:00.000Z');
      // Gaps: luxon already moves forward by the gap.
      expect(native('2026-03-29T01:30', 'Europe/London')).toBe('2026-03-29T01:30:00.000Z');
    });
  });

  it('accepts seconds and writes them back', () => {
    expect(at('2026-03-29T01:30:15', 'Europe/London')).toBe('2026-03-29T01:30:15.000Z');
    expect(toLocal(new Date('2026-03-29T01:30:15.999Z'), 'Europe/London')).toBe('2026-03-29T02:30:15');
  });

  it('refuses malformed or impossible readings with a validation error naming the field', () => {
    for (const bad of ['2026-02-30T10:00', '2026-01-01T24:00', '2026-01-01 10:00', '2026-01-01T10:00Z', '2026-13-01T10:00', '2026-01-01T10:60', '']) {
      let error: unknown;
      try {
        toInstant(bad, 'Europe/London', 'sessions[0].localStart');
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(DomainError);
      expect(error).toMatchObject({ code: 'validation', errors: [{ field: 'sessions[0].localStart' }] });
    }
    expect(() => toInstant('2026-01-01T10:00', 'Europe/London')).not.toThrow();
    expect(() => toInstant('2026-01-01T10:00', 'Mars/Olympus')).toThrow(
      expect.objectContaining({ code: 'validation', errors: [expect.objectContaining({ field: 'timeZone' })] }),
    );
    expect(() => toInstant('x', 'Europe/London')).toThrow(expect.objectContaining({ errors: [expect.objectContaining({ field: 'localStart' })] }));
  });

  it('isValidZone', () => {
    expect(isValidZone('Europe/London')).toBe(true);
    expect(isValidZone('Pacific/Chatham')).toBe(true);
    expect(isValidZone('UTC')).toBe(true);
    expect(isValidZone('Europe/Lodnon')).toBe(false);
    expect(isValidZone('+05:00')).toBe(false);
    expect(isValidZone('')).toBe(false);
    expect(isValidZone(undefined)).toBe(false);
  });

  it('property: the cached offset table agrees with luxon/Intl at every instant (1900-2100)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ZONES), fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2100, 0, 1) }), (zone, ms) => {
        expect(offsetMinutes(new Date(ms), zone)).toBe(IANAZone.create(zone).offset(ms));
      }),
      { numRuns: 500 },
    );
  });

  it('the cached offset table agrees with luxon/Intl every 12 hours of 2011-2027 in every test zone (short DST periods included)', () => {
    for (const zone of ZONES) {
      const z = IANAZone.create(zone);
      for (let t = Date.UTC(2011, 0, 1); t < Date.UTC(2028, 0, 1); t += 12 * 3_600_000) {
        if (offsetMinutes(new Date(t), zone) !== z.offset(t)) throw new Error(`${zone} at ${new Date(t).toISOString()}`);
      }
    }
    expect(offsetMinutes(new Date('2023-04-01T12:00:00Z'), 'Africa/Casablanca')).toBe(0); // Ramadan 2023: +00
    expect(offsetMinutes(new Date('2023-05-01T12:00:00Z'), 'Africa/Casablanca')).toBe(60);
  });

  it('the offset table is exact to the millisecond at transitions', () => {
    const t = Date.parse('2026-03-29T01:00:00Z');
    expect(offsetMinutes(new Date(t - 1), 'Europe/London')).toBe(0);
    expect(offsetMinutes(new Date(t), 'Europe/London')).toBe(60);
    const apia = Date.parse('2011-12-30T10:00:00Z');
    expect(offsetMinutes(new Date(apia - 1), 'Pacific/Apia')).toBe(-600);
    expect(offsetMinutes(new Date(apia), 'Pacific/Apia')).toBe(840);
  });

  it('property: every instant reads back to itself unless it is the second pass of an overlap', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ZONES), fc.integer({ min: Date.UTC(2011, 0, 1) / 60000, max: Date.UTC(2028, 0, 1) / 60000 }), (zone, minute) => {
        const instant = new Date(minute * 60000);
        const local = toLocal(instant, zone);
        const back = toInstant(local, zone);
        expect(toLocal(back, zone)).toBe(local);
        if (back.getTime() !== instant.getTime()) {
          // Only an overlap's later pass maps to a different (earlier) instant showing the same wall clock.
          expect(back.getTime()).toBeLessThan(instant.getTime());
          expect(IANAZone.create(zone).offset(back.getTime())).toBeGreaterThan(IANAZone.create(zone).offset(instant.getTime()));
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe('formatInstant', () => {
  it('writes what Date#toISOString writes, for any instant in years 0–9999', () => {
    fc.assert(
      fc.property(fc.integer({ min: new Date('0000-01-01T00:00:00Z').getTime(), max: Date.UTC(9999, 11, 31, 23, 59, 59, 999) }), (ms) => {
        expect(formatInstant(ms)).toBe(new Date(ms).toISOString());
      }),
      { numRuns: 2000 },
    );
  });

  it('writes what Date#toISOString writes beyond years 0–9999 too, signed six-digit years', () => {
    const first = Date.parse('0000-01-01T00:00:00Z');
    const last = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
    expect([first - 1, first, last, last + 1].map(formatInstant)).toEqual([
      '-000001-12-31T23:59:59.999Z', '0000-01-01T00:00:00.000Z', '9999-12-31T23:59:59.999Z', '+010000-01-01T00:00:00.000Z',
    ]);
    fc.assert(
      fc.property(fc.integer({ min: -8.64e15, max: 8.64e15 }), (ms) => {
        expect(formatInstant(ms)).toBe(new Date(ms).toISOString());
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps days apart when called back and forth across midnight', () => {
    const midnight = Date.parse('2026-03-29T00:00:00Z');
    expect([midnight - 1, midnight, midnight - 60_000, midnight + 1].map(formatInstant)).toEqual([
      '2026-03-28T23:59:59.999Z', '2026-03-29T00:00:00.000Z', '2026-03-28T23:59:00.000Z', '2026-03-29T00:00:00.001Z',
    ]);
  });
});
