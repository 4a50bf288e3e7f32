import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsObject, IsString, IsUUID, Length, Matches, Max, Min, ValidateNested } from 'class-validator';
import { BenefitKind, CycleUnit, DurationUnit, PlanFields, PlanPatch, PricingType } from '@kairos/memberships';
import { ListQueryDto, booleanQuery } from '../http/common.dto';
import { IsTimeZone, Nullable, Optional } from '../http/validators';

const PRICING_TYPES = ['SUBSCRIPTION', 'SINGLE_PAYMENT', 'UNLIMITED'];
const BENEFIT_KINDS = ['LIMITED', 'UNLIMITED'];

export class MinorMoneyDto {
  @ApiProperty({ minimum: 0, maximum: 1e12, example: 3000, description: 'In minor units of the currency (cents): 3000 is 30.00 EUR. Never a float.' })
  @IsInt()
  @Min(0)
  @Max(1e12)
  amountMinor!: number;

  @ApiProperty({ example: 'EUR', description: 'ISO 4217 code.' })
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code such as EUR' })
  currency!: string;
}

export class CycleDto {
  @ApiProperty({ enum: ['WEEK', 'MONTH', 'YEAR'] }) @IsIn(['WEEK', 'MONTH', 'YEAR']) unit!: CycleUnit;
  @ApiProperty({ minimum: 1, maximum: 100 }) @IsInt() @Min(1) @Max(100) length!: number;
}

export class DurationDto {
  @ApiProperty({ enum: ['DAY', 'WEEK', 'MONTH', 'YEAR'] }) @IsIn(['DAY', 'WEEK', 'MONTH', 'YEAR']) unit!: DurationUnit;
  @ApiProperty({ minimum: 1, maximum: 1000 }) @IsInt() @Min(1) @Max(1000) length!: number;
}

export class PricingDto {
  @ApiProperty({ enum: PRICING_TYPES, description: 'SUBSCRIPTION renews every cycle; SINGLE_PAYMENT is valid for a duration; UNLIMITED never ends.' })
  @IsIn(PRICING_TYPES)
  type!: PricingType;

  @ApiPropertyOptional({ type: CycleDto, nullable: true, description: 'SUBSCRIPTION only, and required there.' })
  @Nullable()
  @ValidateNested()
  @Type(() => CycleDto)
  cycle?: CycleDto | null;

  @ApiPropertyOptional({ type: 'integer', nullable: true, minimum: 1, maximum: 1000, description: 'SUBSCRIPTION: how many paid cycles; null or absent: renews until canceled.' })
  @Nullable()
  @IsInt()
  @Min(1)
  @Max(1000)
  cycleCount?: number | null;

  @ApiPropertyOptional({ type: DurationDto, nullable: true, description: 'SINGLE_PAYMENT only, and required there.' })
  @Nullable()
  @ValidateNested()
  @Type(() => DurationDto)
  duration?: DurationDto | null;

  @ApiPropertyOptional({ minimum: 0, maximum: 365, default: 0, description: 'SUBSCRIPTION: free days before the first paid cycle.' })
  @Optional()
  @IsInt()
  @Min(0)
  @Max(365)
  freeTrialDays?: number;

  @ApiPropertyOptional({ type: MinorMoneyDto, nullable: true, description: 'Per cycle for a SUBSCRIPTION, once otherwise; null or absent: free.' })
  @Nullable()
  @ValidateNested()
  @Type(() => MinorMoneyDto)
  price?: MinorMoneyDto | null;
}

export class BenefitDto {
  @ApiProperty({ enum: BENEFIT_KINDS, description: 'LIMITED: a number of credits (a package or punch card); UNLIMITED: a membership.' })
  @IsIn(BENEFIT_KINDS)
  kind!: BenefitKind;

  @ApiPropertyOptional({ type: 'integer', nullable: true, minimum: 1, maximum: 10000, description: 'LIMITED: credits per cycle (for the whole plan unless a subscription).' })
  @Nullable()
  @IsInt()
  @Min(1)
  @Max(10000)
  credits?: number | null;

  @ApiPropertyOptional({ type: [String], format: 'uuid', description: 'Services it covers, besides those naming the plan in their payment.planIds.' })
  @Optional()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsUUID('all', { each: true })
  serviceIds?: string[];
}

class PlanChangesDto {
  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 2000 })
  @Nullable()
  @IsString()
  @Length(0, 2000)
  description?: string | null;

  @ApiPropertyOptional({ example: 'Europe/Lisbon', default: 'UTC', description: "The zone its orders' cycles are counted in." })
  @Optional()
  @IsTimeZone()
  timeZone?: string;
}

export class CreatePlanDto extends PlanChangesDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Chosen by the caller; a taken id is 409.' })
  @Optional()
  @IsUUID()
  id?: string;

  @ApiProperty({ minLength: 1, maxLength: 200 })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiProperty({ type: PricingDto })
  @IsObject()
  @ValidateNested()
  @Type(() => PricingDto)
  pricing!: PricingDto;

  @ApiProperty({ type: BenefitDto })
  @IsObject()
  @ValidateNested()
  @Type(() => BenefitDto)
  benefit!: BenefitDto;
}

export class UpdatePlanDto extends PlanChangesDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 200 })
  @Optional()
  @IsString()
  @Length(1, 200)
  name?: string;

  @ApiPropertyOptional({ type: PricingDto, description: 'Replaces the pricing whole; orders already bought keep theirs.' })
  @Optional()
  @ValidateNested()
  @Type(() => PricingDto)
  pricing?: PricingDto;

  @ApiPropertyOptional({ type: BenefitDto, description: 'Replaces the benefit whole; orders already bought keep theirs.' })
  @Optional()
  @ValidateNested()
  @Type(() => BenefitDto)
  benefit?: BenefitDto;

  @ApiPropertyOptional({ description: 'Expected revision, if not sent as If-Match.' })
  @Optional()
  @IsInt()
  @Min(1)
  revision?: number;
}

export class ArchivePlanDto {
  @ApiPropertyOptional({ description: 'Expected revision, if not sent as If-Match.' })
  @Optional()
  @IsInt()
  @Min(1)
  revision?: number;
}

export class ListPlansDto extends ListQueryDto {
  @ApiPropertyOptional({ enum: PRICING_TYPES, description: 'Plans of this pricing type.' })
  @Optional()
  @IsIn(PRICING_TYPES)
  pricingType?: PricingType;

  @ApiPropertyOptional({ enum: BENEFIT_KINDS, description: 'Plans with this kind of benefit.' })
  @Optional()
  @IsIn(BENEFIT_KINDS)
  benefitKind?: BenefitKind;

  @ApiPropertyOptional({ format: 'uuid', description: 'Plans whose benefit names this service.' })
  @Optional()
  @IsString()
  serviceId?: string;

  @ApiPropertyOptional({ description: 'Only archived (true) or only current (false) plans.' })
  @Optional()
  @Transform(booleanQuery)
  @IsBoolean()
  archived?: boolean;
}

const pricingOf = (p: PricingDto): PlanFields['pricing'] => ({
  type: p.type,
  cycle: p.cycle ? { unit: p.cycle.unit, length: p.cycle.length } : null,
  cycleCount: p.cycleCount ?? null,
  duration: p.duration ? { unit: p.duration.unit, length: p.duration.length } : null,
  freeTrialDays: p.freeTrialDays ?? 0,
  price: p.price ? { amountMinor: p.price.amountMinor, currency: p.price.currency } : null,
});

const benefitOf = (b: BenefitDto): PlanFields['benefit'] => ({ kind: b.kind, credits: b.credits ?? null, serviceIds: b.serviceIds ?? [] });

export const planFieldsOf = (dto: CreatePlanDto): PlanFields => ({
  name: dto.name,
  description: dto.description ?? null,
  pricing: pricingOf(dto.pricing),
  benefit: benefitOf(dto.benefit),
  timeZone: dto.timeZone ?? 'UTC',
});

export const planPatchOf = (dto: UpdatePlanDto): PlanPatch => ({
  ...(dto.name === undefined ? {} : { name: dto.name }),
  ...(dto.description === undefined ? {} : { description: dto.description }),
  ...(dto.timeZone === undefined ? {} : { timeZone: dto.timeZone }),
  ...(dto.pricing ? { pricing: pricingOf(dto.pricing) } : {}),
  ...(dto.benefit ? { benefit: benefitOf(dto.benefit) } : {}),
});
