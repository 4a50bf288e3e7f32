import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsString, Length, Max, Min, ValidateNested } from 'class-validator';
import { CHANNELS, Channel, DeliveryStatus, SwitchesPatch, TRIGGERS, Trigger } from '@kairos/notifications';
import { ListQueryDto } from '../http/common.dto';
import { Nullable, Optional } from '../http/validators';

export class ChannelSwitchesDto {
  @ApiPropertyOptional() @Optional() @IsBoolean() EMAIL?: boolean;
  @ApiPropertyOptional() @Optional() @IsBoolean() SMS?: boolean;
}

/** One optional entry per trigger: the channels it sends on. */
export class SwitchesDto {
  @ApiPropertyOptional({ type: ChannelSwitchesDto }) @Optional() @ValidateNested() @Type(() => ChannelSwitchesDto) BOOKING_CONFIRMED?: ChannelSwitchesDto;
  @ApiPropertyOptional({ type: ChannelSwitchesDto }) @Optional() @ValidateNested() @Type(() => ChannelSwitchesDto) BOOKING_REQUESTED?: ChannelSwitchesDto;
  @ApiPropertyOptional({ type: ChannelSwitchesDto }) @Optional() @ValidateNested() @Type(() => ChannelSwitchesDto) BOOKING_DECLINED?: ChannelSwitchesDto;
  @ApiPropertyOptional({ type: ChannelSwitchesDto }) @Optional() @ValidateNested() @Type(() => ChannelSwitchesDto) BOOKING_CANCELED?: ChannelSwitchesDto;
  @ApiPropertyOptional({ type: ChannelSwitchesDto }) @Optional() @ValidateNested() @Type(() => ChannelSwitchesDto) BOOKING_RESCHEDULED?: ChannelSwitchesDto;
  @ApiPropertyOptional({ type: ChannelSwitchesDto }) @Optional() @ValidateNested() @Type(() => ChannelSwitchesDto) BOOKING_REMINDER?: ChannelSwitchesDto;
  @ApiPropertyOptional({ type: ChannelSwitchesDto }) @Optional() @ValidateNested() @Type(() => ChannelSwitchesDto) WAITLIST_OFFERED?: ChannelSwitchesDto;
  @ApiPropertyOptional({ type: ChannelSwitchesDto }) @Optional() @ValidateNested() @Type(() => ChannelSwitchesDto) PLAN_EXPIRING?: ChannelSwitchesDto;
  @ApiPropertyOptional({ type: ChannelSwitchesDto }) @Optional() @ValidateNested() @Type(() => ChannelSwitchesDto) CREDITS_LOW?: ChannelSwitchesDto;
}

export class NotificationSettingsDto {
  @ApiPropertyOptional({ minimum: 0, maximum: 720, description: 'How many hours before a booking starts its reminder goes out (default 24). Applies to reminders of bookings made or moved after the change.' })
  @Optional()
  @IsInt()
  @Min(0)
  @Max(720)
  reminderHoursBefore?: number;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'The business as messages name it ({{business.name}}).' }) @Nullable() @IsString() @Length(1, 200) senderName?: string | null;
  @ApiPropertyOptional({ type: SwitchesDto, description: 'Per trigger, the channels it sends on; what is left out keeps its value.' }) @Optional() @ValidateNested() @Type(() => SwitchesDto) enabled?: SwitchesDto;
  @ApiPropertyOptional() @Optional() @IsInt() @Min(0) revision?: number;
}

export const switchesOf = (dto: SwitchesDto | undefined): SwitchesPatch | undefined =>
  dto && Object.fromEntries(TRIGGERS.filter((trigger) => dto[trigger]).map((trigger) => [trigger, { ...dto[trigger] }]));

export class NotificationTemplateDto {
  @ApiPropertyOptional({ type: String, nullable: true, example: 'See you soon, {{contact.name}}', description: 'EMAIL only (required there); Handlebars.' })
  @Nullable()
  @IsString()
  @Length(1, 500)
  subject?: string | null;
  @ApiProperty({ example: 'Your booking for {{service.name}} on {{booking.start}} ({{booking.timeZone}}) is confirmed.', description: 'Handlebars: placeholders, {{#if}} and {{#unless}}.' })
  @IsString()
  @Length(1, 20_000)
  body!: string;
}

const STATUSES = ['QUEUED', 'SENT', 'FAILED'];

export class ListNotificationsDto extends ListQueryDto {
  @ApiPropertyOptional({ description: 'Notifications to this contact.' }) @Optional() @IsString() contactId?: string;
  @ApiPropertyOptional({ description: 'Notifications about this booking.' }) @Optional() @IsString() bookingId?: string;
  @ApiPropertyOptional({ enum: STATUSES, description: 'QUEUED, SENT or FAILED.' }) @Optional() @IsIn(STATUSES) status?: DeliveryStatus;
  @ApiPropertyOptional({ enum: TRIGGERS, description: 'What they are about.' }) @Optional() @IsIn(TRIGGERS) trigger?: Trigger;
  @ApiPropertyOptional({ enum: CHANNELS, description: 'The channel they went out on.' }) @Optional() @IsIn(CHANNELS) channel?: Channel;
}
