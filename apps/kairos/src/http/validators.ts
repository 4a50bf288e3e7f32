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
