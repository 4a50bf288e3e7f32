import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsString, IsUUID, Length, Matches, Max, Min, ValidateNested } from 'class-validator';
import { SessionDetails, SessionInput } from '@kairos/scheduling';
import { ListQueryDto } from '../http/common.dto';
import { IsInstant, IsTimeZone, Nullable, Optional } from '../http/validators';
import { LinkedScheduleDto } from '../http/linked-schedule.dto';
import { NotifyingDto } from '../notifications/participant-notification.dto';

const LOCAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/;
const localMessage = (field: string) => ({ message: `${field} must be a local date-time YYYY-MM-DDTHH:mm, without offset` });

export class SessionDetailsDto extends NotifyingDto {
  @ApiPropertyOptional({ type: String, nullable: true }) @Nullable() @IsString() @Length(1, 200) title?: string | null;
  @ApiPropertyOptional({ type: 'integer', nullable: true, minimum: 1, maximum: 1000, description: 'null: the schedule\'s' })
  @Nullable()
  @IsInt()
  @Min(1)
  @Max(1000)
  capacity?: number | null;
  @ApiPropertyOptional({ type: [String], format: 'uuid' }) @Optional() @IsArray() @ArrayMaxSize(100) @IsUUID('all', { each: true }) resourceIds?: string[];
  @ApiPropertyOptional({ type: [LinkedScheduleDto], nullable: true, description: 'null: its resources\' schedules, BUSY' })
  @Nullable()
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => LinkedScheduleDto)
  affectedSchedules?: LinkedScheduleDto[] | null;
  @ApiPropertyOptional({ minimum: 0, maximum: 720 }) @Optional() @IsInt() @Min(0) @Max(720) bufferBeforeMinutes?: number;
  @ApiPropertyOptional({ minimum: 0, maximum: 720 }) @Optional() @IsInt() @Min(0) @Max(720) bufferAfterMinutes?: number;
  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true }) @Nullable() @IsUUID() locationId?: string | null;
}

export class CreateSessionDto extends SessionDetailsDto {
  @ApiPropertyOptional({ format: 'uuid' }) @Optional() @IsUUID() id?: string;
  @ApiProperty({ enum: ['EVENT', 'WORKING_HOURS', 'AVAILABILITY'] }) @IsIn(['EVENT', 'WORKING_HOURS', 'AVAILABILITY']) type!: 'EVENT' | 'WORKING_HOURS' | 'AVAILABILITY';
  @ApiPropertyOptional({ example: '2026-03-29T09:00:00Z', description: 'An instant; or give localStart.' }) @Optional() @IsInstant() start?: string;
  @ApiPropertyOptional({ example: '2026-03-29T10:00:00Z' }) @Optional() @IsInstant() end?: string;
  @ApiPropertyOptional({ example: '2026-03-29T09:00', description: 'Local wall clock in timeZone.' }) @Optional() @Matches(LOCAL, localMessage('localStart')) localStart?: string;
  @ApiPropertyOptional({ example: '2026-03-29T10:00' }) @Optional() @Matches(LOCAL, localMessage('localEnd')) localEnd?: string;
  @ApiPropertyOptional({ example: 'Europe/London', description: 'Default: the schedule\'s.' }) @Optional() @IsTimeZone() timeZone?: string;
  @ApiPropertyOptional({ type: String, example: 'FREQ=WEEKLY;BYDAY=MO,WE;COUNT=10', nullable: true }) @Nullable() @IsString() @Length(1, 500) recurrence?: string | null;
  @ApiPropertyOptional({ type: [String], description: 'Local date-times of skipped occurrences.' })
  @Optional()
  @IsArray()
  @ArrayMaxSize(1000)
  @Matches(LOCAL, { each: true, message: 'each exdate must be a local date-time YYYY-MM-DDTHH:mm' })
  exdates?: string[];
}

export class UpdateSessionDto extends SessionDetailsDto {
  @ApiPropertyOptional({ description: 'Instance only: a new local start.' }) @Optional() @Matches(LOCAL, localMessage('localStart')) localStart?: string;
  @ApiPropertyOptional({ description: 'Instance only: a new local end.' }) @Optional() @Matches(LOCAL, localMessage('localEnd')) localEnd?: string;
  @ApiPropertyOptional({ enum: ['THIS', 'FOLLOWING'], default: 'THIS', description: 'Instance only: this one, or this and the following (splits the series).' })
  @Optional()
  @IsIn(['THIS', 'FOLLOWING'])
  scope?: 'THIS' | 'FOLLOWING';
  @ApiPropertyOptional() @Optional() @IsInt() @Min(1) revision?: number;
}

export class CancelSessionDto extends NotifyingDto {
  @ApiPropertyOptional({ description: 'Series only: cancel instances starting at or after this instant (default now).' })
  @Optional()
  @IsInstant()
  from?: string;
}

const toArray = ({ value }: { value: unknown }) => (value === undefined ? undefined : Array.isArray(value) ? value : [value]);

export class ListSessionsDto extends ListQueryDto {
  @ApiPropertyOptional({ type: [String], description: 'Repeatable.' }) @Optional() @Transform(toArray) @IsArray() @ArrayMaxSize(100) @IsString({ each: true }) scheduleId?: string[];
  @ApiPropertyOptional({ description: 'Sessions that affect this schedule (its BUSY or FREE time), whichever schedule they belong to.' }) @Optional() @IsString() affectsScheduleId?: string;
  @ApiProperty({ example: '2026-03-01T00:00:00Z', description: 'Instances ending after this instant.' }) @IsInstant() from!: string;
  @ApiProperty({ example: '2026-04-01T00:00:00Z', description: 'Instances starting before this instant.' }) @IsInstant() to!: string;
  @ApiPropertyOptional({ enum: ['EVENT', 'WORKING_HOURS', 'AVAILABILITY'], description: 'Sessions of this type.' }) @Optional() @IsIn(['EVENT', 'WORKING_HOURS', 'AVAILABILITY']) type?: string;
}

/** Only the details the request gives: an update changes those alone. */
export const sessionDetailsOf = (dto: SessionDetailsDto): Partial<SessionDetails> => {
  const out: Partial<SessionDetails> = {};
  if (dto.title !== undefined) out.title = dto.title;
  if (dto.capacity !== undefined) out.capacity = dto.capacity;
  if (dto.resourceIds !== undefined) out.resourceIds = dto.resourceIds;
  if (dto.affectedSchedules !== undefined) {
    out.affectedSchedules = dto.affectedSchedules?.map((a) => ({ scheduleId: a.scheduleId, transparency: a.transparency ?? 'BUSY' })) ?? null;
  }
  if (dto.bufferBeforeMinutes !== undefined) out.bufferBeforeMinutes = dto.bufferBeforeMinutes;
  if (dto.bufferAfterMinutes !== undefined) out.bufferAfterMinutes = dto.bufferAfterMinutes;
  if (dto.locationId !== undefined) out.locationId = dto.locationId;
  return out;
};

export const sessionInputOf = (dto: CreateSessionDto): SessionInput => ({
  type: dto.type,
  start: dto.start,
  end: dto.end,
  localStart: dto.localStart,
  localEnd: dto.localEnd,
  timeZone: dto.timeZone,
  recurrence: dto.recurrence,
  exdates: dto.exdates,
  details: sessionDetailsOf(dto),
});
