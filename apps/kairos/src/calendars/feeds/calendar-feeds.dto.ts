import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsString, IsUUID, Length } from 'class-validator';
import { FeedScope } from '@kairos/calendars';
import { ListQueryDto } from '../../http/common.dto';
import { Nullable, Optional } from '../../http/validators';

const SCOPES: FeedScope[] = ['RESOURCE', 'CONTACT'];

export class IssueCalendarFeedDto {
  @ApiProperty({ enum: SCOPES, description: "Whose calendar: a resource's sessions or a contact's bookings (CONTACT: BUSINESS only)." }) @IsIn(SCOPES) scope!: FeedScope;
  @ApiProperty({ format: 'uuid', description: 'The resource or contact.' }) @IsUUID() ownerId!: string;
  @ApiPropertyOptional({ type: String, nullable: true, minLength: 1, maxLength: 200, description: 'A name to tell feeds apart (the calendar app shows its own).' })
  @Nullable()
  @IsString()
  @Length(1, 200)
  name?: string | null;
}

export class ListCalendarFeedsDto extends ListQueryDto {
  @ApiPropertyOptional({ enum: SCOPES, description: 'Feeds of resources or of contacts.' }) @Optional() @IsIn(SCOPES) scope?: FeedScope;
  @ApiPropertyOptional({ format: 'uuid', description: 'Feeds of this resource or contact.' }) @Optional() @IsUUID() ownerId?: string;
}
