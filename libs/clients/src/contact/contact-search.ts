import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { ContactFields } from './contact.events';

/** Longer queries are cut to this many characters: a prefix this long already names one contact. */
export const SEARCH_PREFIX_MAX = 64;

/** A search as it is matched: lower case, single spaces, at most SEARCH_PREFIX_MAX characters. */
export const searchKeyOf = (query: string): string => query.trim().toLowerCase().replace(/\s+/g, ' ').slice(0, SEARCH_PREFIX_MAX);

const prefixesOf = (word: string): string[] => Array.from({ length: Math.min(word.length, SEARCH_PREFIX_MAX) }, (_, i) => word.slice(0, i + 1));

/**
 * Every search key that finds the contact: the prefixes of its whole name and of each of its words,
 * of its email and the email's domain, and of its phone with and without the + and country code.
 * Read stores match whole array elements, so a prefix search is a lookup of the key among these.
 */
export const searchKeysOf = ({ name, email, phone }: Pick<ContactFields, 'name' | 'email' | 'phone'>): string[] => {
  const words: string[] = [];
  if (name) {
    const key = searchKeyOf(name);
    words.push(key, ...key.split(' '));
  }
  if (email) {
    const key = email.trim().toLowerCase();
    words.push(key, key.slice(key.indexOf('@') + 1));
  }
  if (phone) {
    words.push(phone, phone.replace(/^\+/, ''));
    const national = parsePhoneNumberFromString(phone)?.nationalNumber;
    if (national) words.push(national);
  }
  return [...new Set(words.filter((word) => word.length > 0).flatMap(prefixesOf))];
};
