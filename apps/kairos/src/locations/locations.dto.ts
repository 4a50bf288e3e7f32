import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsString, IsUUID, Length, Min, ValidateNested } from 'class-validator';
import { Address, LocationFields, LocationPatch } from '@kairos/resources';
import { ListQueryDto, booleanQuery, plainData } from '../http/common.dto';
import { IsTimeZone, Nullable, Optional } from '../http/validators';

export class AddressDto {
  @ApiPropertyOptional({ type: String, nullable: true }) @Nullable() @IsString() @Length(1, 500) formatted?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) @Nullable() @IsString() @Length(1, 200) street?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) @Nullable() @IsString() @Length(1, 100) city?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) @Nullable() @IsString() @Length(1, 20) postalCode?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'ISO 3166-1 alpha-2' }) @Nullable() @IsString() @Length(2, 2) country?: string | null;
}

export class LocationChangesDto {
  @ApiPropertyOptional({ enum: ['BUSINESS', 'CUSTOM'] }) @Optional() @IsIn(['BUSINESS', 'CUSTOM']) type?: 'BUSINESS' | 'CUSTOM';
  @ApiPropertyOptional({ type: AddressDto, nullable: true }) @Nullable() @ValidateNested() @Type(() => AddressDto) address?: AddressDto | null;
  @ApiPropertyOptional({ default: false }) @Optional() @IsBoolean() isDefault?: boolean;
}

export class CreateLocationDto extends LocationChangesDto {
  @ApiPropertyOptional({ format: 'uuid' }) @Optional() @IsUUID() id?: string;
  @ApiProperty() @IsString() @Length(1, 200) name!: string;
  @ApiProperty({ example: 'Europe/Lisbon' }) @IsTimeZone() timeZone!: string;
}

export class UpdateLocationDto extends LocationChangesDto {
  @ApiPropertyOptional({ example: 'Europe/Lisbon' }) @Optional() @IsTimeZone() timeZone?: string;
  @ApiPropertyOptional({ minLength: 1, maxLength: 200 }) @Optional() @IsString() @Length(1, 200) name?: string;
  @ApiPropertyOptional() @Optional() @IsInt() @Min(1) revision?: number;
}

export class ListLocationsDto extends ListQueryDto {
  @ApiPropertyOptional({ description: 'Only archived (true) or only current (false) locations.' }) @Optional() @Transform(booleanQuery) @IsBoolean() archived?: boolean;
}

const addressOf = (dto: CreateLocationDto['address']): Address | null =>
  dto
    ? { formatted: dto.formatted ?? null, street: dto.street ?? null, city: dto.city ?? null, postalCode: dto.postalCode ?? null, country: dto.country ?? null }
    : null;

export const locationFieldsOf = (dto: CreateLocationDto): LocationFields => ({
  name: dto.name,
  type: dto.type ?? 'BUSINESS',
  timeZone: dto.timeZone,
  address: addressOf(dto.address),
  isDefault: dto.isDefault ?? false,
});

export const locationPatchOf = (dto: UpdateLocationDto): LocationPatch => {
  const { revision: _revision, address, ...rest } = plainData<UpdateLocationDto>(dto);
  return { ...rest, ...(address !== undefined ? { address: addressOf(address) } : {}) };
};
