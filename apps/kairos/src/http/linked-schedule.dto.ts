import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsUUID } from 'class-validator';
import { Optional } from './validators';

/** A link to another schedule, as schedules (linkedSchedules) and sessions (affectedSchedules) name one. */
export class LinkedScheduleDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() scheduleId!: string;
  @ApiPropertyOptional({ enum: ['FREE', 'BUSY'], default: 'BUSY' }) @Optional() @IsIn(['FREE', 'BUSY']) transparency?: 'FREE' | 'BUSY';
}
