import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsString, IsUUID, Length, Matches, Max, Min } from 'class-validator';
import { CouponFields, CouponPatch, DiscountType } from '@kairos/memberships';
import { plainData } from '../http/common.dto';
import { IsInstant, Nullable, Optional } from '../http/validators';

const COUNT_MAX = 1_000_000_000;
const DISCOUNT_TYPES: DiscountType[] = ['PERCENT', 'FIXED'];
/** Letters, digits, `-` and `_`: a code is typed by customers and names its claim stream. */
export const COUPON_CODE = /^[A-Za-z0-9_-]{3,40}$/;

export class CouponChangesDto {
  @ApiPropertyOptional({ type: 'integer', nullable: true, minimum: 1, maximum: 100, description: 'PERCENT only.' }) @Nullable() @IsInt() @Min(1) @Max(100) percentOff?: number | null;
  @ApiPropertyOptional({ type: 'integer', nullable: true, minimum: 1, description: "FIXED only: minor units of the service's or plan's currency (500 = 5.00 EUR)." })
  @Nullable()
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  amountOffMinor?: number | null;
  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true, description: 'null: from its creation.' }) @Nullable() @IsInstant() validFrom?: string | null;
  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true, description: 'null: open-ended.' }) @Nullable() @IsInstant() validUntil?: string | null;
  @ApiPropertyOptional({ type: 'integer', nullable: true, minimum: 1, description: 'Active uses at most; null: no limit.' }) @Nullable() @IsInt() @Min(1) @Max(COUNT_MAX) usageLimit?: number | null;
  @ApiPropertyOptional({ type: 'integer', nullable: true, minimum: 1, description: 'Active uses per contact at most; null: no limit.' })
  @Nullable()
  @IsInt()
  @Min(1)
  @Max(COUNT_MAX)
  perContactLimit?: number | null;
  @ApiPropertyOptional({ type: [String], format: 'uuid', description: 'The services it applies to (with planIds empty too: anything).' })
  @Optional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsUUID('all', { each: true })
  serviceIds?: string[];
  @ApiPropertyOptional({ type: [String], format: 'uuid', description: 'The plans it applies to.' })
  @Optional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsUUID('all', { each: true })
  planIds?: string[];
}

export class CreateCouponDto extends CouponChangesDto {
  @ApiPropertyOptional({ format: 'uuid' }) @Optional() @IsUUID() id?: string;
  @ApiProperty({ example: 'SPRING10', description: 'Unique per tenant whatever its case; 3–40 letters, digits, - or _. Immutable.' })
  @Matches(COUPON_CODE, { message: 'code must be 3–40 letters, digits, - or _' })
  code!: string;
  @ApiProperty({ minLength: 1, maxLength: 200 }) @IsString() @Length(1, 200) name!: string;
  @ApiProperty({ enum: DISCOUNT_TYPES }) @IsIn(DISCOUNT_TYPES) discountType!: DiscountType;
}

export class UpdateCouponDto extends CouponChangesDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 200 }) @Optional() @IsString() @Length(1, 200) name?: string;
  @ApiPropertyOptional({ enum: DISCOUNT_TYPES }) @Optional() @IsIn(DISCOUNT_TYPES) discountType?: DiscountType;
  @ApiPropertyOptional() @Optional() @IsInt() @Min(1) revision?: number;
}

const instantOf = (value: string | null | undefined) => (value === undefined || value === null ? value : new Date(value).toISOString());

export const couponFieldsOf = (dto: CreateCouponDto): CouponFields => ({
  code: dto.code,
  name: dto.name,
  discountType: dto.discountType,
  percentOff: dto.percentOff ?? null,
  amountOffMinor: dto.amountOffMinor ?? null,
  validFrom: instantOf(dto.validFrom) ?? null,
  validUntil: instantOf(dto.validUntil) ?? null,
  usageLimit: dto.usageLimit ?? null,
  perContactLimit: dto.perContactLimit ?? null,
  serviceIds: dto.serviceIds ?? [],
  planIds: dto.planIds ?? [],
});

export const couponPatchOf = (dto: UpdateCouponDto): CouponPatch => {
  const { revision: _revision, validFrom, validUntil, ...patch } = plainData<UpdateCouponDto>(dto);
  return { ...patch, ...(validFrom !== undefined ? { validFrom: instantOf(validFrom) } : {}), ...(validUntil !== undefined ? { validUntil: instantOf(validUntil) } : {}) } as CouponPatch;
};
