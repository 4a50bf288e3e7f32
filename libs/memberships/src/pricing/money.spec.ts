import { DomainError } from '@kairos/core';
import { fromMinorUnits, isCurrency, minorDigitsOf, toMinorUnits } from './money';

const refusal = (f: () => unknown) => {
  try {
    f();
  } catch (error) {
    return error instanceof DomainError ? { code: error.code, errors: error.errors } : error;
  }
  throw new Error('expected a refusal');
};

describe('money', () => {
  it('knows ISO 4217 codes and their minor digits', () => {
    expect([isCurrency('EUR'), isCurrency('eur'), isCurrency('ABC')]).toEqual([true, false, false]);
    expect(['EUR', 'JPY', 'KWD'].map((c) => minorDigitsOf(c))).toEqual([2, 0, 3]);
  });

  it('converts a decimal string to minor units exactly, with the currency’s digits', () => {
    expect(toMinorUnits({ amount: '25.00', currency: 'EUR' })).toBe(2500);
    expect(toMinorUnits({ amount: '0.1', currency: 'EUR' })).toBe(10);
    expect(toMinorUnits({ amount: '19.99', currency: 'EUR' })).toBe(1999);
    expect(toMinorUnits({ amount: '1500', currency: 'JPY' })).toBe(1500);
    expect(toMinorUnits({ amount: '1.234', currency: 'KWD' })).toBe(1234);
    expect(toMinorUnits({ amount: '25.5000', currency: 'EUR' })).toBe(2550);
  });

  it('refuses more decimals than the currency has, an unknown currency and what is not a decimal', () => {
    expect(refusal(() => toMinorUnits({ amount: '25.001', currency: 'EUR' }))).toEqual({ code: 'validation', errors: [{ field: 'amount', reason: 'more than 2 decimals for EUR' }] });
    expect(refusal(() => toMinorUnits({ amount: '1.5', currency: 'JPY' }, 'price.amount'))).toEqual({ code: 'validation', errors: [{ field: 'price.amount', reason: 'more than 0 decimals for JPY' }] });
    expect(refusal(() => toMinorUnits({ amount: '1.00', currency: 'ABC' }, 'price.amount'))).toEqual({ code: 'validation', errors: [{ field: 'price.currency', reason: 'not an ISO 4217 currency' }] });
    expect(refusal(() => toMinorUnits({ amount: '-1', currency: 'EUR' }))).toMatchObject({ code: 'validation' });
    expect(refusal(() => toMinorUnits({ amount: '1e3', currency: 'EUR' }))).toMatchObject({ code: 'validation' });
  });

  it('writes minor units back as the same decimal string', () => {
    expect(fromMinorUnits({ amountMinor: 2550, currency: 'EUR' })).toBe('25.50');
    expect(fromMinorUnits({ amountMinor: 5, currency: 'EUR' })).toBe('0.05');
    expect(fromMinorUnits({ amountMinor: 1500, currency: 'JPY' })).toBe('1500');
    expect(fromMinorUnits({ amountMinor: 1234, currency: 'KWD' })).toBe('1.234');
    for (const amount of ['0.00', '0.99', '123456789.01']) expect(fromMinorUnits({ amountMinor: toMinorUnits({ amount, currency: 'EUR' }), currency: 'EUR' })).toBe(amount);
  });
});
