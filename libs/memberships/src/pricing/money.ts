import { Static } from '@sinclair/typebox';
import { DomainError, integer, record, text } from '@kairos/core';

/** An amount as services and requests write it: a decimal string in an ISO 4217 currency. */
export interface DecimalMoney {
  amount: string;
  currency: string;
}

/** An amount in the currency's minor unit (cents for EUR, yen for JPY): an integer, never a float. */
export const MinorMoney = record({ amountMinor: integer('in minor units of the currency, e.g. 2500 for 25.00 EUR', 0), currency: text('ISO 4217 code') });
export type MinorMoney = Static<typeof MinorMoney>;

// The runtime's ICU data is the one list of ISO 4217 codes and their minor digits, so nothing here goes stale on its own.
const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

export const isCurrency = (code: string): boolean => CURRENCIES.has(code);

/** How many digits the currency's minor unit has: 2 for EUR, 0 for JPY, 3 for KWD. */
export const minorDigitsOf = (currency: string, field = 'currency'): number => {
  if (!isCurrency(currency)) throw new DomainError('validation', `${currency} is not an ISO 4217 currency`, [{ field, reason: 'not an ISO 4217 currency' }]);
  return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
};

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/**
 * The exact number of minor units of a decimal amount: "25.50" EUR is 2550. Digits past the minor
 * unit are refused unless they are zeros ("25.500" is still 2550), so nothing is ever rounded.
 */
export const toMinorUnits = (money: DecimalMoney, field = 'amount'): number => {
  const digits = minorDigitsOf(money.currency, field.replace(/amount$/, 'currency'));
  const match = DECIMAL.exec(money.amount);
  if (!match) throw new DomainError('validation', `${money.amount} is not a decimal amount`, [{ field, reason: 'not a decimal amount' }]);
  const [, whole, fraction = ''] = match;
  if (/[^0]/.test(fraction.slice(digits))) {
    throw new DomainError('validation', `${money.currency} has ${digits} decimals; ${money.amount} has more`, [{ field, reason: `more than ${digits} decimals for ${money.currency}` }]);
  }
  const minor = BigInt(whole) * 10n ** BigInt(digits) + BigInt(fraction.slice(0, digits).padEnd(digits, '0') || '0');
  if (minor > BigInt(Number.MAX_SAFE_INTEGER)) throw new DomainError('validation', `${money.amount} is too large`, [{ field, reason: 'too large' }]);
  return Number(minor);
};

/** Whether a decimal amount is a whole number of its currency's minor units (and the currency an ISO 4217 one). */
export const isExactMoney = (money: DecimalMoney): boolean => {
  try {
    toMinorUnits(money);
    return true;
  } catch (error) {
    if (error instanceof DomainError) return false;
    throw error;
  }
};

/** The decimal string of an amount in minor units, with the currency's digits: 2550 EUR is "25.50". */
export const fromMinorUnits = ({ amountMinor, currency }: MinorMoney): string => {
  const digits = minorDigitsOf(currency);
  if (!Number.isSafeInteger(amountMinor) || amountMinor < 0) throw new Error(`${amountMinor} is not an amount in minor units`);
  if (digits === 0) return String(amountMinor);
  const text = String(amountMinor).padStart(digits + 1, '0');
  return `${text.slice(0, -digits)}.${text.slice(-digits)}`;
};
