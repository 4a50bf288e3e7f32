import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsBoolean, IsInt, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import { IsInstant, IsTimeZone, Optional } from '../http/validators';

export class AvailabilityQueryDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() serviceId!: string;
  @ApiProperty({ example: '2026-03-01T00:00:00Z' }) @IsInstant() from!: string;
  @ApiProperty({ example: '2026-04-01T00:00:00Z' }) @IsInstant() to!: string;
  @ApiPropertyOptional({ example: 'America/New_York', description: 'Zone of localStart/localEnd in the answer; default the service schedule\'s.' })
  @Optional()
  @IsTimeZone()
  timeZone?: string;
  @ApiPropertyOptional({ type: [String], format: 'uuid' }) @Optional() @IsArray() @ArrayMaxSize(1000) @IsUUID('all', { each: true }) resourceIds?: string[];
  @ApiPropertyOptional({ format: 'uuid' }) @Optional() @IsUUID() locationId?: string;
  @ApiPropertyOptional({ default: 1, minimum: 1, maximum: 1000 }) @Optional() @IsInt() @Min(1) @Max(1000) partySize?: number;
  @ApiPropertyOptional({ minimum: 1, maximum: 1440 }) @Optional() @IsInt() @Min(1) @Max(1440) durationMinutes?: number;
  @ApiPropertyOptional({ format: 'uuid', description: 'Sees its own waitlist offer, and whether one of its ACTIVE plan orders would pay for each slot (coveredByPlan).' }) @Optional() @IsUUID() contactId?: string;
  @ApiPropertyOptional({ default: false }) @Optional() @IsBoolean() includeUnbookable?: boolean;
  @ApiPropertyOptional({ minimum: 1, maximum: 1000 }) @Optional() @IsInt() @Min(1) @Max(1000) slotsPerDay?: number;
  @ApiPropertyOptional({ description: 'From the previous page\'s nextCursor.' }) @Optional() @IsString() @MaxLength(65536) cursor?: string;
  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 500 }) @Optional() @IsInt() @Min(1) @Max(500) limit?: number;
  @ApiPropertyOptional({ description: 'Wait until the read models reached this position.' }) @Optional() @IsInt() @Min(0) @Max(Number.MAX_SAFE_INTEGER) minPosition?: number;
}
