import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import { CONTACTS, CONTACT_NOTES, normalisedEmail, searchKeyOf } from '@kairos/clients';
import { newId } from '@kairos/core';
import { PLAN_ORDERS } from '@kairos/memberships';
import { FieldFilter } from '@kairos/read-store';
import { ListBookings } from '../bookings/bookings.queries';
import { ListQueryDto, ReadQueryDto, expectedRevision, minPositionOf } from '../http/common.dto';
import { Documented } from '../http/openapi/contract';
import { Ctx, RequestContext } from '../http/request-context';
import { GetDocument, ListDocuments, ReadModelRef } from '../queries/read-models';
import { BusinessOnlyGuard } from './business-only.guard';
import { DecideContact } from './contacts.commands';
import { AddContactNoteDto, CreateContactDto, ListContactsDto, UpdateContactDto, contactFieldsOf, contactPatchOf } from './contacts.dto';

const CONTACT_MODEL: ReadModelRef = { projection: 'clients', collection: CONTACTS, noun: 'contact' };
const NOTE_MODEL: ReadModelRef = { projection: 'clients', collection: CONTACT_NOTES, noun: 'note' };
const PLAN_ORDER_MODEL: ReadModelRef = { projection: 'memberships', collection: PLAN_ORDERS, noun: 'plan order' };

/** Every contacts route refuses a CUSTOMER (BusinessOnlyGuard). */
const BUSINESS_ONLY = { forbidden: 'a CUSTOMER' };
const EMAIL_TAKEN = { ...BUSINESS_ONLY, 'already-exists': 'the id is taken, or another contact has the email (in any case)' };

@ApiTags('contacts')
@Controller('v1/contacts')
@UseGuards(BusinessOnlyGuard)
export class ContactsController {
  constructor(private readonly commands: CommandBus, private readonly queries: QueryBus) {}

  /** 404 unless the contact exists (an erased one does not), once the contacts have reached the caller's position. */
  private async requireContact(ctx: RequestContext, id: string, minPosition: number | undefined) {
    await this.queries.execute(new GetDocument(ctx, CONTACT_MODEL, id, minPosition));
  }

  @Post()
  @Documented({ summary: 'Create a contact; its email is unique per tenant whatever its case', answers: 'Contact', refuses: EMAIL_TAKEN })
  create(@Ctx() ctx: RequestContext, @Body() dto: CreateContactDto) {
    const id = dto.id ?? newId();
    return this.commands.execute(new DecideContact(ctx, id, { type: 'CreateContact', id, fields: contactFieldsOf(dto) }));
  }

  @Get(':id')
  @Documented({ summary: 'A contact (an erased one: 404)', answers: 'Contact', refuses: BUSINESS_ONLY })
  get(@Ctx() ctx: RequestContext, @Param('id') id: string, @Query() query: ReadQueryDto, @Headers('kairos-min-position') min?: string) {
    return this.queries.execute(new GetDocument(ctx, CONTACT_MODEL, id, minPositionOf(query, min)));
  }

  @Get()
  @Documented({ summary: 'Contacts, searched by name, email or phone (q) or found by email', answers: { pageOf: 'Contact' }, refuses: BUSINESS_ONLY })
  list(@Ctx() ctx: RequestContext, @Query() query: ListContactsDto, @Headers('kairos-min-position') min?: string) {
    const where: Record<string, FieldFilter> = {};
    if (query.q) where._search = { contains: searchKeyOf(query.q) };
    if (query.email) where._email = normalisedEmail(query.email);
    // Erased contacts are forgotten, not marked deleted: includeDeleted has nothing to show.
    return this.queries.execute(new ListDocuments(ctx, CONTACT_MODEL, where, { ...query, includeDeleted: true }, minPositionOf(query, min)));
  }

  @Patch(':id')
  @Documented({ summary: "Change a contact's fields; a new email frees the old one", answers: 'Contact', refuses: EMAIL_TAKEN })
  update(@Ctx() ctx: RequestContext, @Param('id') id: string, @Body() dto: UpdateContactDto, @Headers('if-match') ifMatch?: string) {
    return this.commands.execute(new DecideContact(ctx, id, { type: 'UpdateContact', patch: contactPatchOf(dto), expectedRevision: expectedRevision(ifMatch, dto.revision) }));
  }

  @Delete(':id')
  @HttpCode(204)
  @Documented({ summary: 'Erase a contact: its personal data can no longer be read, its notes are gone, its email is free; its bookings stay, without contact details', answers: null, refuses: BUSINESS_ONLY })
  erase(@Ctx() ctx: RequestContext, @Param('id') id: string, @Headers('if-match') ifMatch?: string) {
    return this.commands.execute(new DecideContact(ctx, id, { type: 'EraseContact', expectedRevision: expectedRevision(ifMatch, undefined) }));
  }

  @Get(':id/bookings')
  @Documented({ summary: "A contact's bookings, latest start first, each with its payment status", answers: { pageOf: 'Booking' }, refuses: BUSINESS_ONLY })
  async bookings(@Ctx() ctx: RequestContext, @Param('id') id: string, @Query() query: ListQueryDto, @Headers('kairos-min-position') min?: string) {
    const minPosition = minPositionOf(query, min);
    await this.requireContact(ctx, id, minPosition);
    return this.queries.execute(new ListBookings(ctx, { contactId: id, sort: '-start', limit: query.limit, cursor: query.cursor }, minPosition));
  }

  @Get(':id/plan-orders')
  @Documented({ summary: "A contact's plan orders with their balances", answers: { pageOf: 'PlanOrder' }, refuses: BUSINESS_ONLY })
  async planOrders(@Ctx() ctx: RequestContext, @Param('id') id: string, @Query() query: ListQueryDto, @Headers('kairos-min-position') min?: string) {
    const minPosition = minPositionOf(query, min);
    await this.requireContact(ctx, id, minPosition);
    // Orders end or are canceled, never deleted: includeDeleted has nothing to hide.
    return this.queries.execute(new ListDocuments(ctx, PLAN_ORDER_MODEL, { contactId: id }, { ...query, includeDeleted: true }, minPosition));
  }

  @Get(':id/notes')
  @Documented({ summary: 'Notes about a contact, oldest first, each with its author', answers: { pageOf: 'ContactNote' }, refuses: BUSINESS_ONLY })
  async notes(@Ctx() ctx: RequestContext, @Param('id') id: string, @Query() query: ListQueryDto, @Headers('kairos-min-position') min?: string) {
    const minPosition = minPositionOf(query, min);
    await this.requireContact(ctx, id, minPosition);
    return this.queries.execute(new ListDocuments(ctx, NOTE_MODEL, { contactId: id }, { ...query, includeDeleted: true }, minPosition));
  }

  @Post(':id/notes')
  @Documented({ summary: 'Write a note about a contact; its author is the caller', answers: 'ContactNote', refuses: BUSINESS_ONLY })
  addNote(@Ctx() ctx: RequestContext, @Param('id') id: string, @Body() dto: AddContactNoteDto) {
    return this.commands.execute(new DecideContact(ctx, id, { type: 'AddNote', noteId: newId(), text: dto.text, author: ctx.actor }));
  }

  @Delete(':id/notes/:noteId')
  @HttpCode(204)
  @Documented({ summary: 'Delete a note about a contact', answers: null, refuses: BUSINESS_ONLY })
  deleteNote(@Ctx() ctx: RequestContext, @Param('id') id: string, @Param('noteId') noteId: string) {
    return this.commands.execute(new DecideContact(ctx, id, { type: 'DeleteNote', noteId }));
  }
}
