import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsEmail, IsIn, IsInt, IsPhoneNumber, IsString, IsUUID, Length, Matches, Max, Min, ValidateNested } from 'class-validator';
import { AskedSlot, BookingChange, BookingRequest, SlotHoldRequest } from '@kairos/bookings';
import { DomainError } from '@kairos/core';
import { ListQueryDto } from '../http/common.dto';
import { IsInstant, Nullable, Optional } from '../http/validators';
import { COUPON_CODE } from '../memberships/coupons.dto';
import { NotifyingDto } from '../notifications/participant-notification.dto';

export class SlotDto {
  @ApiPropertyOptional({ format: 'uuid', description: "The service, as availability answers the slot: booking or holding a slot needs it here or as the top-level serviceId; a reschedule checks it is the booking's." })
  @Optional()
  @IsUUID()
  serviceId?: string;
  @ApiProperty({ example: '2026-03-30T09:00:00Z' }) @IsInstant() start!: string;
  @ApiProperty({ example: '2026-03-30T09:30:00Z' }) @IsInstant() end!: string;
  @ApiPropertyOptional({ type: [String], format: 'uuid', description: 'Chosen resources; others are assigned fairly.' })
  @Optional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsUUID('all', { each: true })
  resourceIds?: string[];
  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true }) @Nullable() @IsUUID() locationId?: string | null;
}

export class ContactDto {
  @ApiPropertyOptional() @Optional() @IsString() @Length(1, 200) name?: string;
  @ApiPropertyOptional() @Optional() @IsEmail() email?: string;
  @ApiPropertyOptional({ description: 'E.164, a valid number' })
  @Optional()
  @Matches(/^\+[1-9]\d{6,14}$/, { message: 'phone must be in E.164 form' })
  @IsPhoneNumber(undefined, { message: 'phone must be a valid phone number' })
  phone?: string;
}

export class CreateBookingDto extends NotifyingDto {
  @ApiPropertyOptional({ format: 'uuid' }) @Optional() @IsUUID() id?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'Also taken here rather than as slot.serviceId (the two must agree); a session or schedule needs none.' })
  @Optional()
  @IsUUID()
  serviceId?: string;
  @ApiPropertyOptional({ type: SlotDto, description: 'APPOINTMENT' }) @Optional() @ValidateNested() @Type(() => SlotDto) slot?: SlotDto;
  @ApiPropertyOptional({ description: 'CLASS: the session instance' }) @Optional() @IsUUID() sessionId?: string;
  @ApiPropertyOptional({ description: 'COURSE: the course schedule' }) @Optional() @IsUUID() scheduleId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @Optional() @IsUUID() contactId?: string;
  @ApiPropertyOptional({ type: ContactDto }) @Optional() @ValidateNested() @Type(() => ContactDto) contact?: ContactDto;
  @ApiPropertyOptional({ default: 1, minimum: 1, maximum: 1000 }) @Optional() @IsInt() @Min(1) @Max(1000) partySize?: number;
  @ApiPropertyOptional({ enum: ['OFFLINE', 'ONLINE', 'MEMBERSHIP', 'MEMBERSHIP_OFFLINE'], default: 'OFFLINE' })
  @Optional()
  @IsIn(['OFFLINE', 'ONLINE', 'MEMBERSHIP', 'MEMBERSHIP_OFFLINE'])
  selectedPaymentOption?: 'OFFLINE' | 'ONLINE' | 'MEMBERSHIP' | 'MEMBERSHIP_OFFLINE';
  @ApiPropertyOptional({
    format: 'uuid',
    description: "MEMBERSHIP or MEMBERSHIP_OFFLINE: the contact's plan order to redeem partySize credits from; without it, the covering ACTIVE order that ends first",
  })
  @Optional()
  @IsUUID()
  planOrderId?: string;
  @ApiPropertyOptional({ description: 'A checkout awaiting payment: holds nothing.' }) @Optional() @IsBoolean() draft?: boolean;
  @ApiPropertyOptional({ format: 'uuid', description: 'Book the slot this hold keeps (same contact).' }) @Optional() @IsUUID() holdId?: string;
  @ApiPropertyOptional({ description: 'BUSINESS only: skip policy windows (never the invariants).' }) @Optional() @IsBoolean() ignorePolicy?: boolean;
  @ApiPropertyOptional({ example: 'SPRING10', description: 'A coupon to take off the price, matched whatever its case; not with a MEMBERSHIP payment.' })
  @Optional()
  @Matches(COUPON_CODE, { message: 'couponCode must be 3–40 letters, digits, - or _' })
  couponCode?: string;
}

export class RevisionDto extends NotifyingDto {
  @ApiPropertyOptional() @Optional() @IsInt() @Min(1) revision?: number;
}

export class CancelBookingDto extends RevisionDto {
  @ApiPropertyOptional({ type: String, nullable: true }) @Nullable() @IsString() @Length(0, 1000) reason?: string | null;
  @ApiPropertyOptional() @Optional() @IsBoolean() ignorePolicy?: boolean;
  @ApiPropertyOptional() @Optional() @IsBoolean() restoreCredit?: boolean;
}

export class DeclineBookingDto extends RevisionDto {
  @ApiPropertyOptional({ type: String, nullable: true }) @Nullable() @IsString() @Length(0, 1000) reason?: string | null;
}

export class RescheduleBookingDto extends RevisionDto {
  @ApiPropertyOptional({ type: SlotDto }) @Optional() @ValidateNested() @Type(() => SlotDto) slot?: SlotDto;
  @ApiPropertyOptional() @Optional() @IsUUID() sessionId?: string;
  @ApiPropertyOptional() @Optional() @IsBoolean() ignorePolicy?: boolean;
}

export class ParticipantsDto extends RevisionDto {
  @ApiProperty({ minimum: 1, maximum: 1000 }) @IsInt() @Min(1) @Max(1000) partySize!: number;
}

export class AttendanceDto {
  @ApiProperty({ enum: ['NOT_SET', 'ATTENDED', 'NOT_ATTENDED'] }) @IsIn(['NOT_SET', 'ATTENDED', 'NOT_ATTENDED']) status!: 'NOT_SET' | 'ATTENDED' | 'NOT_ATTENDED';
  @ApiProperty({ minimum: 0 }) @IsInt() @Min(0) attendeeCount!: number;
}

export class BookingPaymentDto {
  @ApiProperty({ enum: ['NOT_PAID', 'PAID', 'PARTIALLY_PAID', 'REFUNDED', 'EXEMPT'] })
  @IsIn(['NOT_PAID', 'PAID', 'PARTIALLY_PAID', 'REFUNDED', 'EXEMPT'])
  paymentStatus!: 'NOT_PAID' | 'PAID' | 'PARTIALLY_PAID' | 'REFUNDED' | 'EXEMPT';
  @ApiPropertyOptional({ type: String, nullable: true, example: '10.00' }) @Nullable() @Matches(/^\d{1,12}(\.\d{1,4})?$/) amountPaid?: string | null;
}

const BOOKING_STATUSES = ['CREATED', 'PENDING', 'CONFIRMED', 'DECLINED', 'CANCELED', 'WAITING_LIST'];

export class ListBookingsDto extends ListQueryDto {
  @ApiPropertyOptional({ description: 'Bookings of this contact.' }) @Optional() @IsString() contactId?: string;
  @ApiPropertyOptional({ description: 'Bookings of this service.' }) @Optional() @IsString() serviceId?: string;
  @ApiPropertyOptional({ description: 'Bookings that hold this resource.' }) @Optional() @IsString() resourceId?: string;
  @ApiPropertyOptional({ description: 'a class session (instance) id: its participants' }) @Optional() @IsString() sessionId?: string;
  @ApiPropertyOptional({ enum: BOOKING_STATUSES, description: 'Bookings in this status.' }) @Optional() @IsIn(BOOKING_STATUSES) status?: string;
  @ApiPropertyOptional({ description: 'Bookings starting at or after this instant.' }) @Optional() @IsInstant() from?: string;
  @ApiPropertyOptional({ description: 'Bookings starting before this instant.' }) @Optional() @IsInstant() to?: string;
  @ApiPropertyOptional({ enum: ['start', '-start'], default: 'start', description: 'By start, earliest first (start) or latest first (-start).' }) @Optional() @IsIn(['start', '-start']) sort?: 'start' | '-start';
}

export class HoldSlotDto {
  @ApiPropertyOptional({ format: 'uuid' }) @Optional() @IsUUID() id?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'Also taken here rather than as slot.serviceId (the two must agree); a session needs none.' })
  @Optional()
  @IsUUID()
  serviceId?: string;
  @ApiPropertyOptional({ type: SlotDto, description: 'APPOINTMENT' }) @Optional() @ValidateNested() @Type(() => SlotDto) slot?: SlotDto;
  @ApiPropertyOptional({ description: 'CLASS' }) @Optional() @IsUUID() sessionId?: string;
  @ApiProperty({ format: 'uuid' }) @IsUUID() contactId!: string;
  @ApiPropertyOptional({ default: 1, minimum: 1, maximum: 1000 }) @Optional() @IsInt() @Min(1) @Max(1000) partySize?: number;
  @ApiPropertyOptional({ default: 10, minimum: 1, maximum: 60 }) @Optional() @IsInt() @Min(1) @Max(60) minutes?: number;
}

export class JoinWaitlistDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() contactId!: string;
  @ApiPropertyOptional({ default: 1, minimum: 1, maximum: 1000 }) @Optional() @IsInt() @Min(1) @Max(1000) partySize?: number;
}

const slotOf = (dto: SlotDto | undefined): AskedSlot | undefined =>
  dto && { ...(dto.serviceId !== undefined ? { serviceId: dto.serviceId } : {}), start: dto.start, end: dto.end, ...(dto.resourceIds !== undefined ? { resourceIds: dto.resourceIds } : {}), ...(dto.locationId !== undefined ? { locationId: dto.locationId } : {}) };

/**
 * A slot carries its service as availability answered it; the service may also come beside the
 * slot, as it did before slots carried it. Given twice, the two must name the same service.
 */
const serviceIdOf = (dto: { serviceId?: string; slot?: SlotDto }): string | undefined => {
  const inSlot = dto.slot?.serviceId;
  if (inSlot !== undefined && dto.serviceId !== undefined && inSlot !== dto.serviceId) {
    throw new DomainError('validation', 'slot.serviceId and serviceId name different services', [{ field: 'slot.serviceId', reason: 'differs from serviceId' }]);
  }
  return inSlot ?? dto.serviceId;
};

export const bookingRequestOf = (dto: CreateBookingDto): BookingRequest => ({
  id: dto.id,
  serviceId: serviceIdOf(dto),
  slot: slotOf(dto.slot),
  sessionId: dto.sessionId,
  scheduleId: dto.scheduleId,
  contactId: dto.contactId,
  contact: dto.contact && { name: dto.contact.name, email: dto.contact.email, phone: dto.contact.phone },
  partySize: dto.partySize,
  selectedPaymentOption: dto.selectedPaymentOption,
  planOrderId: dto.planOrderId,
  draft: dto.draft,
  holdId: dto.holdId,
  ignorePolicy: dto.ignorePolicy,
  couponCode: dto.couponCode,
});

export const slotHoldRequestOf = (dto: HoldSlotDto): SlotHoldRequest => ({
  id: dto.id,
  serviceId: serviceIdOf(dto),
  slot: slotOf(dto.slot),
  sessionId: dto.sessionId,
  contactId: dto.contactId,
  partySize: dto.partySize,
  minutes: dto.minutes,
});

export const cancellationOf = (dto: CancelBookingDto): BookingChange => ({ kind: 'cancel', reason: dto.reason ?? null, restoreCredit: dto.restoreCredit ?? false, ignorePolicy: dto.ignorePolicy });

export const rescheduleOf = (dto: RescheduleBookingDto): BookingChange => ({ kind: 'reschedule', slot: slotOf(dto.slot), sessionId: dto.sessionId, ignorePolicy: dto.ignorePolicy });
