import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsUUID, Matches, Max, Min } from 'class-validator';
import { Optional } from '../http/validators';
import { COUPON_CODE } from './coupons.dto';
import { PriceRequest } from './prices.queries';

export class PricedOfferDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'The service to price (one of serviceId, planId).' }) @Optional() @IsUUID() serviceId?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'The plan to price (one of serviceId, planId).' }) @Optional() @IsUUID() planId?: string;
  @ApiPropertyOptional({ default: 1, minimum: 1, maximum: 1000 }) @Optional() @IsInt() @Min(1) @Max(1000) partySize?: number;
  @ApiPropertyOptional({ format: 'uuid', description: "Whose per-contact limit of a coupon counts; without a coupon, a service is covered when one of the contact's ACTIVE plan orders would pay for the party now." }) @Optional() @IsUUID() contactId?: string;
}

export class PricePreviewDto extends PricedOfferDto {
  @ApiPropertyOptional({ example: 'SPRING10', description: 'A coupon to take off, matched whatever its case.' })
  @Optional()
  @Matches(COUPON_CODE, { message: 'couponCode must be 3–40 letters, digits, - or _' })
  couponCode?: string;
}

export class ValidateCouponDto extends PricedOfferDto {
  @ApiProperty({ example: 'SPRING10', description: 'Matched whatever its case.' }) @Matches(COUPON_CODE, { message: 'code must be 3–40 letters, digits, - or _' }) code!: string;
}

/** The priced offer as the queries take it: exactly one of serviceId and planId, checked by the query. */
export const pricedOfferOf = (dto: PricedOfferDto, couponCode: string | null): PriceRequest => ({
  serviceId: dto.serviceId ?? null,
  planId: dto.planId ?? null,
  partySize: dto.partySize ?? 1,
  contactId: dto.contactId ?? null,
  couponCode,
});
