import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsEmail, IsIn, IsInt, IsString, IsUUID, Length, Max, Min } from 'class-validator';
import { ConnectionPatch, SourceKind } from '@kairos/calendars';
import { ListQueryDto, plainData } from '../../http/common.dto';
import { IsTimeZone, Nullable, Optional } from '../../http/validators';

const SOURCES: SourceKind[] = ['ICS', 'CALDAV', 'GOOGLE'];
const URL_MAX = 2000;
const SECRET = 'A CalDAV password or an OAuth access token. Write-only: kept sealed, never answered; null removes it.';

class ConnectionChangesDto {
  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 200, description: 'CALDAV: the account.' }) @Nullable() @IsString() @Length(1, 200) username?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 4000, writeOnly: true, description: SECRET }) @Nullable() @IsString() @Length(1, 4000) secret?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'Whose invitations these are: an event this attendee declined is not busy time.' })
  @Nullable()
  @IsEmail()
  @Length(1, 254)
  ownerEmail?: string | null;
  @ApiPropertyOptional({ description: 'IANA zone of all-day and floating events; default: the zone of the resource\'s schedule.' }) @Optional() @IsTimeZone() timeZone?: string;
  @ApiPropertyOptional({ minimum: 1, maximum: 1440, default: 15, description: 'How often the calendar is read, in minutes.' })
  @Optional()
  @IsInt()
  @Min(1)
  @Max(1440)
  syncIntervalMinutes?: number;
  @ApiPropertyOptional({ default: false, description: 'CALDAV only: write the confirmed bookings of the resource into this calendar (UID <bookingId>@kairos), update them when they move and remove them when they are canceled.' })
  @Optional()
  @IsBoolean()
  writeBack?: boolean;
}

export class CreateConnectionDto extends ConnectionChangesDto {
  @ApiPropertyOptional({ format: 'uuid' }) @Optional() @IsUUID() id?: string;
  @ApiProperty({ description: 'The resource whose time the calendar holds.' }) @IsString() @Length(1, 200) resourceId!: string;
  @ApiProperty({ minLength: 1, maxLength: 200 }) @IsString() @Length(1, 200) name!: string;
  @ApiProperty({ enum: SOURCES, description: 'ICS: a feed polled over HTTP (ETag); CALDAV: a calendar collection (sync token or ctag); GOOGLE: a Google calendar, read through freeBusy.' })
  @IsIn(SOURCES)
  source!: SourceKind;
  @ApiProperty({ maxLength: URL_MAX, description: 'ICS: the feed URL; CALDAV: the calendar collection URL (http or https); GOOGLE: the calendar id.' })
  @IsString()
  @Length(1, URL_MAX)
  url!: string;
}

export class UpdateConnectionDto extends ConnectionChangesDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 200 }) @Optional() @IsString() @Length(1, 200) name?: string;
  @ApiPropertyOptional({ maxLength: URL_MAX, description: 'Another calendar: the next sync reads it whole, at once.' }) @Optional() @IsString() @Length(1, URL_MAX) url?: string;
  @ApiPropertyOptional() @Optional() @IsInt() @Min(1) revision?: number;
}

export class ListConnectionsDto extends ListQueryDto {
  @ApiPropertyOptional({ description: 'Connections of this resource.' }) @Optional() @IsString() @Length(1, 200) resourceId?: string;
}

/** The patch a PATCH asks for, the secret (write-only) apart. */
export const connectionPatchOf = (dto: UpdateConnectionDto): { patch: ConnectionPatch; secret?: string | null } => {
  const { revision: _revision, secret, ...patch } = plainData<UpdateConnectionDto>(dto);
  return secret === undefined ? { patch } : { patch, secret };
};
