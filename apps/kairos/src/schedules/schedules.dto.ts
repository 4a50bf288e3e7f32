import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsUUID, Matches, Max, Min, ValidateNested } from 'class-validator';
import { SchedulePatch } from '@kairos/scheduling';
import { LinkedScheduleDto } from '../http/linked-schedule.dto';
import { Nullable, IsTimeZone, Optional } from '../http/validators';
import { NotifyingDto } from '../notifications/participant-notification.dto';

/** A schedule's cancel takes nothing but whether to tell the participants of its bookings. */
export class CancelScheduleDto extends NotifyingDto {}

const DAYS = ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'] as const;
const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export class WorkingHoursDto {
  @ApiProperty({ enum: DAYS, isArray: true })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(7)
  @IsIn(DAYS, { each: true })
  daysOfWeek!: (typeof DAYS)[number][];

  @ApiProperty({ example: '09:00', description: 'Local wall clock of the schedule.' })
  @Matches(HH_MM, { message: 'startTime must be HH:mm' })
  startTime!: string;

  @ApiProperty({ example: '17:00', description: 'At or before startTime: ends the next day.' })
  @Matches(HH_MM, { message: 'endTime must be HH:mm' })
  endTime!: string;

  @ApiPropertyOptional({ default: 1, minimum: 1, maximum: 52 })
  @Optional()
  @IsInt()
  @Min(1)
  @Max(52)
  everyWeeks?: number;

  @ApiPropertyOptional({ type: String, example: '2026-01-05', nullable: true })
  @Nullable()
  @Matches(DATE, { message: 'validFrom must be YYYY-MM-DD' })
  validFrom?: string | null;

  @ApiPropertyOptional({ type: String, example: '2026-12-31', nullable: true })
  @Nullable()
  @Matches(DATE, { message: 'validUntil must be YYYY-MM-DD' })
  validUntil?: string | null;
}

export class UpdateScheduleDto {
  @ApiPropertyOptional({ example: 'Europe/Lisbon' }) @Optional() @IsTimeZone() timeZone?: string;
  @ApiPropertyOptional({ minimum: 1, maximum: 1000 }) @Optional() @IsInt() @Min(1) @Max(1000) capacity?: number;

  @ApiPropertyOptional({ type: [WorkingHoursDto] })
  @Optional()
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => WorkingHoursDto)
  workingHours?: WorkingHoursDto[];

  @ApiPropertyOptional({ type: [LinkedScheduleDto] })
  @Optional()
  @IsArray()
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => LinkedScheduleDto)
  linkedSchedules?: LinkedScheduleDto[];

  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true }) @Nullable() @IsUUID() locationId?: string | null;
  @ApiPropertyOptional() @Optional() @IsInt() @Min(1) revision?: number;
}

export const schedulePatchOf = (dto: UpdateScheduleDto): SchedulePatch => {
  const patch: SchedulePatch = {};
  if (dto.timeZone !== undefined) patch.timeZone = dto.timeZone;
  if (dto.capacity !== undefined) patch.capacity = dto.capacity;
  if (dto.locationId !== undefined) patch.locationId = dto.locationId;
  if (dto.linkedSchedules) patch.linkedSchedules = dto.linkedSchedules.map((l) => ({ scheduleId: l.scheduleId, transparency: l.transparency ?? 'BUSY' }));
  if (dto.workingHours) {
    patch.workingHours = dto.workingHours.map((w) => ({
      daysOfWeek: w.daysOfWeek,
      startTime: w.startTime,
      endTime: w.endTime,
      everyWeeks: w.everyWeeks ?? 1,
      validFrom: w.validFrom ?? null,
      validUntil: w.validUntil ?? null,
    }));
  }
  return patch;
};
