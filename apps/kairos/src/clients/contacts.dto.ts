import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsInt, IsPhoneNumber, IsString, IsUUID, Length, MaxLength, Min } from 'class-validator';
import { ContactFields, ContactPatch, SEARCH_PREFIX_MAX } from '@kairos/clients';
import { ListQueryDto, plainData } from '../http/common.dto';
import { IsTimeZone, Nullable, Optional } from '../http/validators';

const EMAIL_MAX = 254;
const PHONE = 'In international form (+ and country code), stored in E.164: "+351 912 345 678" is stored as +351912345678.';

class ContactChangesDto {
  @ApiPropertyOptional({ type: String, nullable: true, maxLength: EMAIL_MAX, description: 'Unique per tenant whatever its case.' })
  @Nullable()
  @IsEmail()
  @MaxLength(EMAIL_MAX)
  email?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, description: PHONE }) @Nullable() @IsPhoneNumber(undefined, { message: 'phone must be a valid phone number with its country code' }) phone?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'IANA time zone, for times told to the contact.' }) @Nullable() @IsTimeZone() timeZone?: string | null;
}

export class CreateContactDto extends ContactChangesDto {
  @ApiPropertyOptional({ format: 'uuid' }) @Optional() @IsUUID() id?: string;
  @ApiProperty({ minLength: 1, maxLength: 200 }) @IsString() @Length(1, 200) name!: string;
}

export class UpdateContactDto extends ContactChangesDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 200 }) @Optional() @IsString() @Length(1, 200) name?: string;
  @ApiPropertyOptional() @Optional() @IsInt() @Min(1) revision?: number;
}

export class ListContactsDto extends ListQueryDto {
  @ApiPropertyOptional({ maxLength: 200, description: `Contacts whose name, one of its words, email, email domain or phone (with or without + and country code) starts with this, whatever its case (the first ${SEARCH_PREFIX_MAX} characters count).` })
  @Optional()
  @IsString()
  @Length(1, 200)
  q?: string;
  @ApiPropertyOptional({ maxLength: EMAIL_MAX, description: 'The contact with this email, whatever its case.' }) @Optional() @IsString() @Length(1, EMAIL_MAX) email?: string;
}

/** A note's id is made by Kairos: notes are found by id across contacts, so one chosen by the caller could name two notes. */
export class AddContactNoteDto {
  @ApiProperty({ minLength: 1, maxLength: 5000 }) @IsString() @Length(1, 5000) text!: string;
}

export const contactFieldsOf = (dto: CreateContactDto): ContactFields => ({ name: dto.name, email: dto.email ?? null, phone: dto.phone ?? null, timeZone: dto.timeZone ?? null });

export const contactPatchOf = (dto: UpdateContactDto): ContactPatch => {
  const { revision: _revision, ...patch } = plainData<UpdateContactDto>(dto);
  return patch;
};
