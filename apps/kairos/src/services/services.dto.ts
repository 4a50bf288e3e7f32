import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsString,
  IsUUID,
  Length,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { LocationType, Money, RateType, ResourceGroup, ServiceFields, ServicePatch, ServiceType } from '@kairos/services';
import { ListQueryDto, booleanQuery, plainData } from '../http/common.dto';
import { MoneyDto } from '../http/money.dto';
import { IsTimeZone, Nullable, Optional } from '../http/validators';

export class ResourceGroupDto {
  @ApiProperty({ type: [String], format: 'uuid' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10000)
  @IsUUID('all', { each: true })
  resourceIds!: string[];

  @ApiProperty({ minimum: 1 })
  @IsInt()
  @Min(1)
  requiredCount!: number;

  @ApiPropertyOptional({ default: false, description: 'The customer picks the resource; otherwise one is assigned.' })
  @Optional()
  @IsBoolean()
  selectable?: boolean;
}

export class ServiceLocationDto {
  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true, description: 'Required unless type is CUSTOMER.' })
  @Nullable()
  @IsUUID()
  id!: string | null;

  @ApiProperty({ enum: ['BUSINESS', 'CUSTOM', 'CUSTOMER'] })
  @IsIn(['BUSINESS', 'CUSTOM', 'CUSTOMER'])
  type!: LocationType;
}

export class OnlineBookingDto {
  @ApiProperty() @IsBoolean() enabled!: boolean;
  @ApiProperty() @IsBoolean() requireManualApproval!: boolean;
  @ApiProperty() @IsBoolean() allowMultipleRequests!: boolean;
}

export class PaymentDto {
  @ApiProperty({ enum: ['FIXED', 'VARIED', 'CUSTOM', 'NO_FEE'] })
  @IsIn(['FIXED', 'VARIED', 'CUSTOM', 'NO_FEE'])
  rateType!: RateType;

  @ApiPropertyOptional({ type: MoneyDto, nullable: true })
  @Nullable()
  @ValidateNested()
  @Type(() => MoneyDto)
  price?: MoneyDto | null;

  @ApiPropertyOptional({ type: MoneyDto, nullable: true })
  @Nullable()
  @ValidateNested()
  @Type(() => MoneyDto)
  deposit?: MoneyDto | null;

  @ApiPropertyOptional({ type: [String], format: 'uuid' })
  @Optional()
  @IsArray()
  @IsUUID('all', { each: true })
  planIds?: string[];
}

/** Fields a service can change after creation (not `type`). */
export class ServiceChangesDto {

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 100 })
  @Nullable()
  @IsString()
  @Length(1, 100)
  category?: string | null;

  @ApiPropertyOptional({ default: false })
  @Optional()
  @IsBoolean()
  hidden?: boolean;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 1 })
  @Optional()
  @IsInt()
  @Min(1)
  @Max(1000)
  defaultCapacity?: number;

  @ApiPropertyOptional({ type: [Number], description: 'Minutes; an appointment needs at least one.' })
  @Optional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsInt({ each: true })
  @Min(1, { each: true })
  @Max(1440, { each: true })
  sessionDurations?: number[];

  @ApiPropertyOptional({ minimum: 0, maximum: 720, default: 0 })
  @Optional()
  @IsInt()
  @Min(0)
  @Max(720)
  bufferBeforeMinutes?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 720, default: 0 })
  @Optional()
  @IsInt()
  @Min(0)
  @Max(720)
  bufferAfterMinutes?: number;

  @ApiPropertyOptional({ type: 'integer', nullable: true, minimum: 1, maximum: 1440, description: 'null: slots start every duration.' })
  @Nullable()
  @IsInt()
  @Min(1)
  @Max(1440)
  slotSplitIntervalMinutes?: number | null;

  @ApiPropertyOptional({ type: [ResourceGroupDto] })
  @Optional()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => ResourceGroupDto)
  resourceGroups?: ResourceGroupDto[];

  @ApiPropertyOptional({ type: [ServiceLocationDto] })
  @Optional()
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => ServiceLocationDto)
  locations?: ServiceLocationDto[];

  @ApiPropertyOptional({ type: OnlineBookingDto })
  @Optional()
  @ValidateNested()
  @Type(() => OnlineBookingDto)
  onlineBooking?: OnlineBookingDto;

  @ApiPropertyOptional({ type: PaymentDto })
  @Optional()
  @ValidateNested()
  @Type(() => PaymentDto)
  payment?: PaymentDto;

  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true, description: 'null: the tenant\'s default policy.' })
  @Nullable()
  @IsUUID()
  bookingPolicyId?: string | null;
}

export class CreateServiceDto extends ServiceChangesDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Chosen by the caller; a taken id is 409.' })
  @Optional()
  @IsUUID()
  id?: string;

  @ApiProperty({ minLength: 1, maxLength: 200 })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiProperty({ enum: ['APPOINTMENT', 'CLASS', 'COURSE'], description: 'Immutable.' })
  @IsIn(['APPOINTMENT', 'CLASS', 'COURSE'])
  type!: ServiceType;

  @ApiPropertyOptional({ example: 'Europe/Lisbon', default: 'UTC', description: 'Time zone of the service\'s schedule.' })
  @Optional()
  @IsTimeZone()
  timeZone?: string;
}

export class UpdateServiceDto extends ServiceChangesDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 200 })
  @Optional()
  @IsString()
  @Length(1, 200)
  name?: string;
  @ApiPropertyOptional({ description: 'Expected revision, if not sent as If-Match.' })
  @Optional()
  @IsInt()
  @Min(1)
  revision?: number;
}

export class ListServicesDto extends ListQueryDto {
  @ApiPropertyOptional({ enum: ['APPOINTMENT', 'CLASS', 'COURSE'], description: 'Services of this type.' })
  @Optional()
  @IsIn(['APPOINTMENT', 'CLASS', 'COURSE'])
  type?: ServiceType;

  @ApiPropertyOptional({ description: 'Only hidden (true) or only visible (false) services.' })
  @Optional()
  @Transform(booleanQuery)
  @IsBoolean()
  hidden?: boolean;

  @ApiPropertyOptional({ description: 'Services of this category.' })
  @Optional()
  @IsString()
  category?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Services one of whose resource groups holds this resource.' })
  @Optional()
  @IsString()
  resourceId?: string;
}

/** A group left without `selectable` is assigned, on create and on PATCH alike. */
const resourceGroupOf = (g: ResourceGroupDto): ResourceGroup => ({ resourceIds: g.resourceIds, requiredCount: g.requiredCount, selectable: g.selectable ?? false });

/** A location or a payment replaces the old one whole, on create and on PATCH alike: what it leaves out has none. */
const serviceLocationOf = (l: { id?: string | null; type: LocationType }): ServiceFields['locations'][number] => ({ id: l.id ?? null, type: l.type });
const paymentOf = (p: { rateType: RateType; price?: Money | null; deposit?: Money | null; planIds?: string[] }): ServiceFields['payment'] => ({
  rateType: p.rateType,
  price: p.price ?? null,
  deposit: p.deposit ?? null,
  planIds: p.planIds ?? [],
});

export const serviceFieldsOf = (dto: CreateServiceDto): ServiceFields => ({
  name: dto.name,
  type: dto.type,
  category: dto.category ?? null,
  hidden: dto.hidden ?? false,
  defaultCapacity: dto.defaultCapacity ?? 1,
  sessionDurations: dto.sessionDurations ?? [],
  bufferBeforeMinutes: dto.bufferBeforeMinutes ?? 0,
  bufferAfterMinutes: dto.bufferAfterMinutes ?? 0,
  slotSplitIntervalMinutes: dto.slotSplitIntervalMinutes ?? null,
  resourceGroups: (dto.resourceGroups ?? []).map(resourceGroupOf),
  locations: (dto.locations ?? []).map(serviceLocationOf),
  onlineBooking: dto.onlineBooking
    ? { enabled: dto.onlineBooking.enabled, requireManualApproval: dto.onlineBooking.requireManualApproval, allowMultipleRequests: dto.onlineBooking.allowMultipleRequests }
    : { enabled: true, requireManualApproval: false, allowMultipleRequests: false },
  payment: dto.payment ? paymentOf(dto.payment) : { rateType: 'NO_FEE', price: null, deposit: null, planIds: [] },
  bookingPolicyId: dto.bookingPolicyId ?? null,
});

export const servicePatchOf = (dto: UpdateServiceDto): ServicePatch => {
  const { revision: _revision, ...changes } = plainData<ServicePatch & { revision?: number }>(dto);
  return {
    ...changes,
    ...(dto.resourceGroups ? { resourceGroups: dto.resourceGroups.map(resourceGroupOf) } : {}),
    ...(changes.locations ? { locations: changes.locations.map(serviceLocationOf) } : {}),
    ...(changes.payment ? { payment: paymentOf(changes.payment) } : {}),
  };
};
