import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import { FieldFilter } from '@kairos/read-store';
import { newId } from '@kairos/core';
import { LOCATIONS } from '@kairos/resources';
import { ReadQueryDto, expectedRevision, minPositionOf } from '../http/common.dto';
import { Ctx, RequestContext } from '../http/request-context';
import { GetDocument, ListDocuments, ReadModelRef } from '../queries/read-models';
import { DecideLocation } from './locations.commands';
import { CreateLocationDto, ListLocationsDto, UpdateLocationDto, locationFieldsOf, locationPatchOf } from './locations.dto';
import { Documented, REFUSALS } from '../http/openapi/contract';

const LOCATION_MODEL: ReadModelRef = { projection: 'resources', collection: LOCATIONS, noun: 'location' };

@ApiTags('locations')
@Controller('v1/locations')
export class LocationsController {
  constructor(private readonly commands: CommandBus, private readonly queries: QueryBus) {}

  @Post()
  @Documented({ summary: 'Create a location', answers: 'Location', refuses: REFUSALS.takenId })
  create(@Ctx() ctx: RequestContext, @Body() dto: CreateLocationDto) {
    const id = dto.id ?? newId();
    return this.commands.execute(new DecideLocation(ctx, id, { type: 'CreateLocation', id, fields: locationFieldsOf(dto) }));
  }

  @Get(':id')
  @Documented({ summary: 'A location', answers: 'Location' })
  get(@Ctx() ctx: RequestContext, @Param('id') id: string, @Query() query: ReadQueryDto, @Headers('kairos-min-position') min?: string) {
    return this.queries.execute(new GetDocument(ctx, LOCATION_MODEL, id, minPositionOf(query, min)));
  }

  @Get()
  @Documented({ summary: 'Locations, archived or not', answers: { pageOf: 'Location' } })
  list(@Ctx() ctx: RequestContext, @Query() query: ListLocationsDto, @Headers('kairos-min-position') min?: string) {
    const where: Record<string, FieldFilter> = {};
    if (query.archived !== undefined) where.archived = query.archived;
    // Locations are archived, never deleted: includeDeleted has nothing to hide.
    return this.queries.execute(new ListDocuments(ctx, LOCATION_MODEL, where, { ...query, includeDeleted: true }, minPositionOf(query, min)));
  }

  @Patch(':id')
  @Documented({ summary: "Change a location's fields", answers: 'Location', refuses: REFUSALS.notLive })
  update(@Ctx() ctx: RequestContext, @Param('id') id: string, @Body() dto: UpdateLocationDto, @Headers('if-match') ifMatch?: string) {
    return this.commands.execute(new DecideLocation(ctx, id, { type: 'UpdateLocation', patch: locationPatchOf(dto), expectedRevision: expectedRevision(ifMatch, dto.revision) }));
  }

  @Post(':id/archive')
  @HttpCode(200)
  @Documented({ summary: 'Archive a location: it stays for the bookings that name it', answers: 'Location' })
  archive(@Ctx() ctx: RequestContext, @Param('id') id: string, @Headers('if-match') ifMatch?: string) {
    return this.commands.execute(new DecideLocation(ctx, id, { type: 'ArchiveLocation', expectedRevision: expectedRevision(ifMatch, undefined) }));
  }

  @Delete(':id')
  @HttpCode(200)
  @Documented({ summary: 'Same as archive: locations stay for the bookings that name them', answers: 'Location' })
  delete(@Ctx() ctx: RequestContext, @Param('id') id: string, @Headers('if-match') ifMatch?: string) {
    return this.commands.execute(new DecideLocation(ctx, id, { type: 'ArchiveLocation', expectedRevision: expectedRevision(ifMatch, undefined) }));
  }
}
