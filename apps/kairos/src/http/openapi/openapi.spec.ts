import { Body, Controller, Post } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsNumberString } from 'class-validator';
import { Type } from '@sinclair/typebox';
import { instant, integer, nullable, oneOf, record, text } from '@kairos/core';
import { requestClasses, withIntegers } from './request-schemas';
import { openApiSchemaOf } from './schema-objects';

describe('openApiSchemaOf (event shapes in the dialect of OpenAPI 3.0)', () => {
  it('writes nullables as type + nullable, one-value unions as enums, and drops $id', () => {
    const schema = { ...record({ at: nullable(instant()), size: nullable(integer(undefined, 1)), kind: nullable(oneOf(['A', 'B'])) }), $id: 'urn:x' };
    expect(openApiSchemaOf(schema)).toEqual({
      type: 'object',
      required: ['at', 'size', 'kind'],
      properties: {
        at: { type: 'string', format: 'date-time', nullable: true },
        size: { type: 'integer', minimum: 1, nullable: true },
        kind: { type: 'string', enum: ['A', 'B', null], nullable: true },
      },
    });
  });

  it("reads TypeBox's own forms too: anyOf with null, literals, nested items and maps", () => {
    const schema = Type.Object({
      note: Type.Union([Type.String({ minLength: 1 }), Type.Null()], { description: 'why' }),
      tags: Type.Array(Type.Union([Type.Literal('X'), Type.Literal('Y')])),
      byDay: Type.Record(Type.String(), Type.Union([text(), Type.Null()])),
    });
    const converted = openApiSchemaOf(schema) as { properties: Record<string, unknown> };
    expect(converted.properties.note).toEqual({ type: 'string', minLength: 1, description: 'why', nullable: true });
    expect(converted.properties.tags).toEqual({ type: 'array', items: { type: 'string', enum: ['X', 'Y'] } });
    expect(JSON.stringify(converted.properties.byDay)).toContain('"nullable":true');
    expect(JSON.stringify(converted)).not.toContain('"null"');
  });

  it('refuses a schema of several types, which OpenAPI 3.0 cannot say', () => {
    expect(() => openApiSchemaOf({ type: ['string', 'integer'] })).toThrow(/several types/);
  });
});

describe('requestClasses', () => {
  const dtoNamed = () => {
    class PaymentDto {
      @ApiProperty() rateType!: string;
    }
    return PaymentDto;
  };
  const ServicePayment = dtoNamed();
  const BookingPayment = dtoNamed();
  class CreateServiceDto {
    @ApiProperty({ type: ServicePayment }) payment!: InstanceType<typeof ServicePayment>;
  }
  class PayBookingDto {
    @ApiProperty({ type: BookingPayment }) payment!: InstanceType<typeof BookingPayment>;
  }

  @Controller('v1/services')
  class ServicesController {
    @Post()
    create(@Body() _dto: CreateServiceDto) {}
  }
  @Controller('v1/bookings')
  class BookingsController {
    @Post(':id/payment')
    payment(@Body() _dto: PayBookingDto) {}
  }

  it('fails when two request classes share a name, however deep one of them is', () => {
    expect(() => requestClasses([ServicesController, BookingsController])).toThrow('two request schemas are named PaymentDto');
  });

  it('passes the same class met twice', () => {
    expect(() => requestClasses([ServicesController, ServicesController])).not.toThrow();
  });
});

describe('withIntegers', () => {
  class PartyDto {
    @ApiProperty() @IsInt() size!: number;
    @ApiProperty({ type: [Number] }) @IsInt({ each: true }) minutes!: number[];
    @ApiProperty() @IsNumberString() amount!: string;
  }

  it('types as integers the numbers class-validator holds to integers, and leaves the rest', () => {
    const schemas = { PartyDto: { type: 'object', properties: { size: { type: 'number' }, minutes: { type: 'array', items: { type: 'number' } }, amount: { type: 'string' } } } };
    expect(withIntegers(schemas, new Map([['PartyDto', PartyDto]]))).toEqual({
      PartyDto: { type: 'object', properties: { size: { type: 'integer' }, minutes: { type: 'array', items: { type: 'integer' } }, amount: { type: 'string' } } },
    });
  });
});
