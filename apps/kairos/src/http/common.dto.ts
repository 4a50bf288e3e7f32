import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { DomainError } from '@kairos/core';

const toBoolean = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

/** `minPosition`: wait (≤ 5 s) until the read model has applied this global position. */
export class ReadQueryDto {
  @ApiPropertyOptional({ description: 'Wait until the read model reached this position (from a write\'s Kairos-Position).' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  // Positions are safe integers; beyond them a number no longer names one position.
  @Max(Number.MAX_SAFE_INTEGER)
  minPosition?: number;
}

export class ListQueryDto extends ReadQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 50, description: 'Items per page.' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit: number = 50;

  @ApiPropertyOptional({ description: 'From the previous page\'s nextCursor.' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  cursor?: string;

  @ApiPropertyOptional({ default: false, description: 'Also list soft-deleted items (they carry deletedAt).' })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  includeDeleted: boolean = false;
}

export const booleanQuery = toBoolean;

/** `If-Match` carries the revision a write expects (api.md §1); a body `revision` may too. */
export const expectedRevision = (ifMatch: string | undefined, bodyRevision: number | undefined): number | undefined => {
  if (ifMatch !== undefined) {
    const revision = Number(ifMatch.replace(/^W\//, '').replace(/"/g, ''));
    if (!Number.isInteger(revision) || revision < 1) {
      throw new DomainError('validation', 'If-Match must be a revision number', [{ field: 'If-Match', reason: 'not a revision number' }]);
    }
    return revision;
  }
  return bodyRevision;
};

/** The `Kairos-Min-Position` header, on a query or a write (api.md §1). */
export const minPositionHeader = (header: string | undefined): number | undefined => {
  if (header === undefined) return undefined;
  const position = Number(header);
  if (!Number.isSafeInteger(position) || position < 0) {
    throw new DomainError('validation', 'Kairos-Min-Position must be a position', [{ field: 'Kairos-Min-Position', reason: 'not a non-negative integer' }]);
  }
  return position;
};

/** `minPosition` may come as a query parameter or as the `Kairos-Min-Position` header. */
export const minPositionOf = (query: ReadQueryDto, header: string | undefined): number | undefined =>
  query.minPosition !== undefined ? query.minPosition : minPositionHeader(header);

/** Validated DTOs are class instances; what goes into an event is their plain data. */
export const plainData = <T>(dto: object): T => JSON.parse(JSON.stringify(dto)) as T;
