import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsUUID, Matches, Max, Min } from 'class-validator';
import { Optional } from '../http/validators';
import { COUPON_CODE } from './coupons.dto';

export class PricedOfferDto {
  @ApiProperty({ format: 'uuid', description: 'The service to price.' }) @IsUUID() serviceId!: string;
  @ApiPropertyOptional({ default: 1, minimum: 1, maximum: 1000 }) @Optional() @IsInt() @Min(1) @Max(1000) partySize?: number;
  @ApiPropertyOptional({ format: 'uuid', description: 'Whose per-contact limit of a coupon counts.' }) @Optional() @IsUUID() contactId?: string;
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
