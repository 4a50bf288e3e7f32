import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsInt, IsString, IsUUID, Length, Max, Min, ValidateNested } from 'class-validator';
import { BookingPolicyFields, BookingPolicyPatch, DEFAULT_BOOKING_POLICY } from '@kairos/services';
import { plainData } from '../http/common.dto';
import { Nullable, Optional } from '../http/validators';

const MINUTES_MAX = 5 * 366 * 24 * 60;

export class WaitlistPolicyDto {
  @ApiProperty({ minimum: 1, maximum: 1000, default: 10 }) @IsInt() @Min(1) @Max(1000) capacity!: number;
  @ApiProperty({ minimum: 1, maximum: 10080, default: 10 }) @IsInt() @Min(1) @Max(10080) reservationMinutes!: number;
}

/** Minutes before a session's start; null means no limit. */
export class BookingPolicyChangesDto {

  @ApiPropertyOptional({ type: 'integer', nullable: true, default: 10080 }) @Nullable() @IsInt() @Min(0) @Max(MINUTES_MAX) earliestBookingMinutes?: number | null;
  @ApiPropertyOptional({ type: 'integer', nullable: true, default: 1440 }) @Nullable() @IsInt() @Min(0) @Max(MINUTES_MAX) latestBookingMinutes?: number | null;
  @ApiPropertyOptional({ type: 'integer', nullable: true, default: 1440 }) @Nullable() @IsInt() @Min(0) @Max(MINUTES_MAX) latestCancelMinutes?: number | null;
  @ApiPropertyOptional({ type: 'integer', nullable: true, default: 1440 }) @Nullable() @IsInt() @Min(0) @Max(MINUTES_MAX) latestRescheduleMinutes?: number | null;
  @ApiPropertyOptional({ default: false, description: 'Needs latestBookingMinutes: null.' }) @Optional() @IsBoolean() bookAfterStart?: boolean;

  @ApiPropertyOptional({ type: WaitlistPolicyDto, nullable: true, description: 'null: no waitlist.' })
  @Nullable()
  @ValidateNested()
  @Type(() => WaitlistPolicyDto)
  waitlist?: WaitlistPolicyDto | null;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 1 }) @Optional() @IsInt() @Min(1) @Max(1000) maxParticipantsPerBooking?: number;
  @ApiPropertyOptional({ default: false }) @Optional() @IsBoolean() autoAssignResources?: boolean;
}

export class CreateBookingPolicyDto extends BookingPolicyChangesDto {
  @ApiPropertyOptional({ format: 'uuid' }) @Optional() @IsUUID() id?: string;
  @ApiProperty({ minLength: 1, maxLength: 200 }) @IsString() @Length(1, 200) name!: string;
  @ApiPropertyOptional({ default: false, description: 'Make it the tenant\'s default policy.' }) @Optional() @IsBoolean() isDefault?: boolean;
}

export class UpdateBookingPolicyDto extends BookingPolicyChangesDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 200 }) @Optional() @IsString() @Length(1, 200) name?: string;
  @ApiPropertyOptional() @Optional() @IsInt() @Min(1) revision?: number;
}

export class StrictestPolicyDto {
  @ApiProperty({ type: [String], format: 'uuid' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsUUID('all', { each: true })
  policyIds!: string[];
}

/** The policy a create asks for, over the defaults, and whether it becomes the tenant's default. */
export const bookingPolicyOf = (dto: CreateBookingPolicyDto): { id?: string; fields: BookingPolicyFields; isDefault?: boolean } => {
  const { id, isDefault, ...given } = plainData<CreateBookingPolicyDto>(dto);
  return { id, fields: { ...DEFAULT_BOOKING_POLICY, ...given }, isDefault };
};

export const bookingPolicyPatchOf = (dto: UpdateBookingPolicyDto): BookingPolicyPatch => {
  const { revision: _revision, ...patch } = plainData<UpdateBookingPolicyDto>(dto);
  return patch as BookingPolicyPatch;
};
