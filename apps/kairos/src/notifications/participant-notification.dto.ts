import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsString, Length, ValidateNested } from 'class-validator';
import { Optional } from '../http/validators';

export class ParticipantNotificationDto {
  @ApiProperty({ description: 'false: this write sends the participants nothing (reminders still follow the settings).' }) @IsBoolean() notifyParticipants!: boolean;
  @ApiPropertyOptional({ description: 'Shown in the message the write sends ({{message}} in templates).' }) @Optional() @IsString() @Length(1, 2000) message?: string;
}

/** The body of a booking or session write that may say whether to tell its participants. */
export class NotifyingDto {
  @ApiPropertyOptional({ type: ParticipantNotificationDto, description: 'Whether to tell the participants, and what to add; absent: as the notification settings say.' })
  @Optional()
  @ValidateNested()
  @Type(() => ParticipantNotificationDto)
  participantNotification?: ParticipantNotificationDto;
}
