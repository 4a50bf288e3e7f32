import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsBoolean, IsEmail, IsIn, IsInt, IsString, IsUUID, Length, Matches, Min } from 'class-validator';
import { ResourceFields, ResourcePatch, ResourceType } from '@kairos/resources';
import { ListQueryDto, plainData } from '../http/common.dto';
import { Nullable, Optional } from '../http/validators';

export class ResourceChangesDto {
  @ApiPropertyOptional({ type: String, nullable: true }) @Nullable() @IsEmail() email?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: '+351912345678', description: 'E.164' })
  @Nullable()
  @Matches(/^\+[1-9]\d{6,14}$/, { message: 'phone must be in E.164 form, such as +351912345678' })
  phone?: string | null;
  @ApiPropertyOptional({ type: [String] })
  @Optional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Length(1, 50, { each: true })
  tags?: string[];
  @ApiPropertyOptional({ default: false, description: 'Work the business\'s opening hours (links the business schedule FREE).' })
  @Optional()
  @IsBoolean()
  usesBusinessHours?: boolean;
}

export class CreateResourceDto extends ResourceChangesDto {
  @ApiPropertyOptional({ format: 'uuid' }) @Optional() @IsUUID() id?: string;
  @ApiProperty({ enum: ['STAFF', 'ROOM', 'EQUIPMENT'] }) @IsIn(['STAFF', 'ROOM', 'EQUIPMENT']) type!: ResourceType;
  @ApiProperty({ minLength: 1, maxLength: 200 }) @IsString() @Length(1, 200) name!: string;
}

export class UpdateResourceDto extends ResourceChangesDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 200 }) @Optional() @IsString() @Length(1, 200) name?: string;
  @ApiPropertyOptional() @Optional() @IsInt() @Min(1) revision?: number;
}

export class ListResourcesDto extends ListQueryDto {
  @ApiPropertyOptional({ enum: ['STAFF', 'ROOM', 'EQUIPMENT'], description: 'Resources of this type.' }) @Optional() @IsIn(['STAFF', 'ROOM', 'EQUIPMENT']) type?: ResourceType;
  @ApiPropertyOptional({ description: 'Resources carrying this tag.' }) @Optional() @IsString() tag?: string;
}

export const resourceFieldsOf = (dto: CreateResourceDto): ResourceFields => ({
  type: dto.type,
  name: dto.name,
  email: dto.email ?? null,
  phone: dto.phone ?? null,
  tags: dto.tags ?? [],
  usesBusinessHours: dto.usesBusinessHours ?? false,
});

export const resourcePatchOf = (dto: UpdateResourceDto): ResourcePatch => {
  const { revision: _revision, ...patch } = plainData<UpdateResourceDto>(dto);
  return patch as ResourcePatch;
};
