import { Decider, DomainError, DomainEvent, KAIROS_NAMESPACE, streamId, uuidV5 } from '@kairos/core';

/**
 * Internal: a tenant's email taken by one live contact. Not published. Its stream is named by a
 * hash of the email, and its events hold only the contact id, so the log keeps no email in clear here.
 */
export type ContactEmailEvent = DomainEvent<'contact-email.claimed', { contactId: string }> | DomainEvent<'contact-email.released', { contactId: string }>;
export type ContactEmailCommand = { type: 'ClaimEmail'; contactId: string } | { type: 'ReleaseEmail'; contactId: string };
export type ContactEmailState = { contactId: string | null };

/** The form an email is claimed in: two spellings that differ only in case or surrounding spaces are one email. */
export const normalisedEmail = (email: string): string => email.trim().toLowerCase();

/** The claim an email is held by within its tenant: a hash, the same for every spelling of the email. */
export const emailClaimOf = (email: string | null): string | null => (email === null ? null : uuidV5(KAIROS_NAMESPACE, `contact-email:${normalisedEmail(email)}`));

/** The stream of a claim, named by the claim (see `emailClaimOf`), never by the email. */
export const contactEmailStream = (tenant: string, claim: string) => streamId('contact-email', tenant, claim);

export const emailTaken = (field = 'email') => new DomainError('already-exists', 'another contact has this email', [{ field, reason: 'taken' }]);

export const contactEmailDecider: Decider<ContactEmailCommand, ContactEmailState, ContactEmailEvent> = {
  initialState: () => ({ contactId: null }),
  evolve: (_state, event) => ({ contactId: event.type === 'contact-email.claimed' ? event.data.contactId : null }),
  decide(command, state) {
    if (command.type === 'ReleaseEmail') return state.contactId === command.contactId ? [{ type: 'contact-email.released', data: { contactId: command.contactId } }] : [];
    if (state.contactId === command.contactId) return [];
    if (state.contactId !== null) throw emailTaken();
    return [{ type: 'contact-email.claimed', data: { contactId: command.contactId } }];
  },
};
