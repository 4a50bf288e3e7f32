import { IANAZone } from 'luxon';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { Actor, Decider, DomainError, FieldError, advance, alreadyExists, assertNever, changedFields, checkRevision, hasChanges } from '@kairos/core';
import { emailClaimOf } from './contact-email';
import { ContactEvent, ContactFields, ContactPatch, ContactView, NoteAuthor } from './contact.events';

export type { ContactEvent, ContactFields, ContactPatch, ContactView, NoteAuthor } from './contact.events';

export type ContactCommand =
  | { type: 'CreateContact'; id: string; fields: ContactFields }
  | { type: 'UpdateContact'; patch: ContactPatch; expectedRevision?: number }
  | { type: 'EraseContact'; expectedRevision?: number }
  | { type: 'AddNote'; noteId: string; text: string; author: Actor }
  | { type: 'DeleteNote'; noteId: string };

/** An erased contact keeps only its id: the id stays taken, and a booking naming it is refused. */
export type ContactState = { status: 'none' } | { status: 'LIVE'; view: ContactView; noteIds: string[]; emailClaim: string | null } | { status: 'ERASED'; id: string };

/** A phone number in E.164, or null when it is not a valid number (national numbers need their + and country code). */
export const e164Of = (phone: string): string | null => {
  const parsed = parsePhoneNumberFromString(phone);
  return parsed && parsed.isValid() ? parsed.number : null;
};

/** 404: the contact never existed or was erased; `field` names the request's field that named it. */
export const contactNotFound = (field?: string) => new DomainError('not-found', 'the contact does not exist', field ? [{ field, reason: 'not-found' }] : undefined);

/**
 * The fields as stored: email trimmed, phone in E.164; a phone that is no valid number or a zone
 * that is no IANA zone is refused.
 */
export const canonicalContactFields = <Fields extends ContactPatch>(fields: Fields): Fields => {
  const errors: FieldError[] = [];
  const canonical = { ...fields };
  if (typeof fields.email === 'string') canonical.email = fields.email.trim();
  if (typeof fields.phone === 'string') {
    const phone = e164Of(fields.phone);
    if (phone === null) errors.push({ field: 'phone', reason: 'not a valid phone number in international form (+ and country code)' });
    else canonical.phone = phone;
  }
  if (typeof fields.timeZone === 'string' && !IANAZone.isValidZone(fields.timeZone)) errors.push({ field: 'timeZone', reason: 'not an IANA time zone' });
  if (errors.length > 0) throw new DomainError('validation', 'the contact is not valid', errors);
  return canonical;
};

const fieldsOf = ({ name, email, phone, timeZone }: ContactView): ContactFields => ({ name, email, phone, timeZone });

const live = (state: ContactState) => {
  if (state.status !== 'LIVE') throw contactNotFound();
  return state;
};

export const contactDecider: Decider<ContactCommand, ContactState, ContactEvent> = {
  initialState: () => ({ status: 'none' }),

  evolve(state, event) {
    if (event.type === 'contact.created') {
      const { emailClaim, ...view } = event.data;
      return { status: 'LIVE', view, noteIds: [], emailClaim };
    }
    if (event.type === 'contact.deleted') return { status: 'ERASED', id: event.data.id };
    if (state.status !== 'LIVE') return state;
    switch (event.type) {
      // Once the contact is erased its changes read as null: nothing to fold, and nothing needs them.
      case 'contact.updated':
        return { ...state, view: advance(state.view, event.data.updatedAt, event.data.changes ?? {}), emailClaim: event.data.emailClaim };
      case 'contact.note-added':
        return { ...state, view: advance(state.view, event.data.at), noteIds: [...state.noteIds, event.data.noteId] };
      case 'contact.note-deleted':
        return { ...state, view: advance(state.view, event.data.at), noteIds: state.noteIds.filter((id) => id !== event.data.noteId) };
      default:
        return assertNever(event);
    }
  },

  decide(command, state, { now }) {
    const at = now.toISOString();
    switch (command.type) {
      case 'CreateContact': {
        if (state.status !== 'none') throw alreadyExists('contact', command.id);
        const fields = canonicalContactFields(command.fields);
        return [{ type: 'contact.created', data: { id: command.id, revision: 1, createdAt: at, updatedAt: at, ...fields, emailClaim: emailClaimOf(fields.email) } }];
      }
      case 'UpdateContact': {
        const { view, emailClaim } = live(state);
        checkRevision(command.expectedRevision, view.revision);
        const patch = canonicalContactFields(command.patch);
        const diff = changedFields<ContactFields>(fieldsOf(view), patch);
        if (!hasChanges(diff)) return [];
        return [{ type: 'contact.updated', data: { id: view.id, ...diff, updatedAt: at, emailClaim: patch.email === undefined ? emailClaim : emailClaimOf(patch.email) } }];
      }
      case 'EraseContact': {
        const { view } = live(state);
        checkRevision(command.expectedRevision, view.revision);
        return [{ type: 'contact.deleted', data: { id: view.id, deletedAt: at } }];
      }
      case 'AddNote': {
        const { view, noteIds } = live(state);
        if (noteIds.includes(command.noteId)) throw alreadyExists('note', command.noteId);
        const author: NoteAuthor = { type: command.author.type, id: command.author.id ?? null };
        return [{ type: 'contact.note-added', data: { id: view.id, noteId: command.noteId, text: command.text, author, at } }];
      }
      case 'DeleteNote': {
        const { view, noteIds } = live(state);
        if (!noteIds.includes(command.noteId)) throw new DomainError('not-found', `note ${command.noteId} does not exist`);
        return [{ type: 'contact.note-deleted', data: { id: view.id, noteId: command.noteId, at } }];
      }
      default:
        return assertNever(command);
    }
  },
};
