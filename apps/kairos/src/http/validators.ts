import { ValidateIf, ValidationOptions, registerDecorator } from 'class-validator';
import { IANAZone } from 'luxon';

/** May be left out, but not sent as null: for fields where null means nothing. */
export const Optional = () => ValidateIf((_, value) => value !== undefined);

/** May be left out or sent as null (null clears it); anything else is validated. */
export const Nullable = () => ValidateIf((_, value) => value !== undefined && value !== null);

/**
 * An IANA time zone luxon knows (`Europe/Lisbon`, `Asia/Kathmandu`, and `UTC`), not an offset or an
 * abbreviation: `EST` is a zone in the database too, but one whose name misleads (no daylight time).
 */
export const IsTimeZone = (options?: ValidationOptions) => (object: object, propertyName: string) =>
  registerDecorator({
    name: 'isTimeZone',
    target: object.constructor,
    propertyName,
    options: { message: `${propertyName} must be an IANA time zone such as Europe/Lisbon`, ...options },
    validator: { validate: (value: unknown) => typeof value === 'string' && (value === 'UTC' || value.includes('/')) && IANAZone.isValidZone(value) },
  });

/** RFC 3339 `date-time`, seconds optional: no week or ordinal dates, no bare dates, no basic format. */
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))$/;

const isInstant = (value: unknown): boolean => {
  const parts = typeof value === 'string' ? INSTANT.exec(value) : null;
  if (!parts) return false;
  const [year, month, day, hour, minute, second = '0', offsetHours = '0', offsetMinutes = '0'] = parts.slice(1);
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  return (
    date.getUTCFullYear() === Number(year) &&
    date.getUTCMonth() === Number(month) - 1 &&
    date.getUTCDate() === Number(day) &&
    Number(hour) < 24 &&
    Number(minute) < 60 &&
    Number(second) < 60 &&
    Number(offsetHours) < 24 &&
    Number(offsetMinutes) < 60
  );
};

/** An instant as the contract takes it (api.md §1), such as `2026-03-30T09:00:00Z`; an offset says which instant too. */
export const IsInstant = (options?: ValidationOptions) => (object: object, propertyName: string) =>
  registerDecorator({
    name: 'isInstant',
    target: object.constructor,
    propertyName,
    options: { message: `${propertyName} must be an RFC 3339 instant such as 2026-03-30T09:00:00Z`, ...options },
    validator: { validate: isInstant },
  });
