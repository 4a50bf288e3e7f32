import Handlebars from 'handlebars';
import { DateTime } from 'luxon';
import { DomainError, FieldError } from '@kairos/core';
import { Channel, DEFAULT_TEMPLATES, MessageTemplate, NotificationSettingsView, TEMPLATE_PLACEHOLDERS, Trigger, customTemplate } from '@kairos/notifications';

/** What a template can say, as the dispatcher gathered it; times already written in the reader's zone. */
export interface TemplateData {
  contact: { name: string | null };
  service: { name: string | null };
  booking: { id: string | null; start: string | null; end: string | null; timeZone: string | null };
  message: string | null;
  business: { name: string | null };
  offer: { expiresAt: string | null };
  plan: { name: string | null; endsAt: string | null };
  credits: { remaining: number | null };
}

/** Conditions only: a template shows values, it does not loop or call out. */
const BLOCK_HELPERS = new Set(['if', 'unless']);
const PLACEHOLDERS = new Set<string>(TEMPLATE_PLACEHOLDERS);

type Node = hbs.AST.Node & Partial<{ body: Node[]; program: Node; inverse: Node; path: hbs.AST.PathExpression; params: hbs.AST.Expression[] }>;

/** The problems of a template's text: names it cannot show and forms it does not take (partials, helpers, loops). */
const problemsOf = (node: Node, problems: string[]) => {
  const placeholder = (expression: hbs.AST.Expression) => {
    if (expression.type !== 'PathExpression') return;
    const name = (expression as hbs.AST.PathExpression).original;
    if (!PLACEHOLDERS.has(name)) problems.push(`{{${name}}} is not a placeholder; use ${TEMPLATE_PLACEHOLDERS.join(', ')}`);
  };
  switch (node.type) {
    case 'Program':
      for (const statement of node.body ?? []) problemsOf(statement, problems);
      return;
    case 'MustacheStatement':
      if ((node.params ?? []).length > 0) problems.push(`{{${node.path!.original} …}} calls a helper; templates only show placeholders`);
      else placeholder(node.path!);
      return;
    case 'BlockStatement':
      if (!BLOCK_HELPERS.has(node.path!.original) || (node.params ?? []).length !== 1) problems.push(`{{#${node.path!.original}}} is not allowed; use {{#if placeholder}} or {{#unless placeholder}}`);
      else placeholder(node.params![0]);
      if (node.program) problemsOf(node.program, problems);
      if (node.inverse) problemsOf(node.inverse, problems);
      return;
    case 'PartialStatement':
    case 'PartialBlockStatement':
    case 'DecoratorBlock':
    case 'Decorator':
      problems.push('partials and decorators are not allowed');
      return;
    default:
      return;
  }
};

/** Refuses a template that does not parse or names something it cannot show, naming the field at fault (400). */
export const checkTemplate = (template: MessageTemplate) => {
  const errors: FieldError[] = [];
  for (const field of ['subject', 'body'] as const) {
    const text = template[field];
    if (text === null) continue;
    const problems: string[] = [];
    try {
      problemsOf(Handlebars.parse(text) as Node, problems);
    } catch (error) {
      problems.push(`does not parse: ${(error as Error).message.split('\n')[0]}`);
    }
    errors.push(...problems.map((reason) => ({ field, reason })));
  }
  if (errors.length > 0) throw new DomainError('validation', 'the template is not valid', errors);
};

/** The template in force for a trigger and channel: the business's own, else the built-in one. */
export const templateFor = (settings: NotificationSettingsView, trigger: Trigger, channel: Channel): MessageTemplate => customTemplate(settings, trigger, channel) ?? DEFAULT_TEMPLATES[trigger][channel];

const TEXT = { noEscape: true, strict: false } as const;
const ESCAPED_HTML = { noEscape: false, strict: false } as const;

export interface RenderedTexts {
  subject: string | null;
  text: string;
  html: string | null;
}

/**
 * A message's texts from its template: SMS and the plain text of an email as written; the HTML of an
 * email with every value escaped (a name cannot inject markup), its line breaks kept.
 */
export const renderTemplate = (template: MessageTemplate, channel: Channel, data: TemplateData): RenderedTexts => {
  const text = Handlebars.compile(template.body, TEXT)(data);
  if (channel === 'SMS') return { subject: null, text, html: null };
  const html = Handlebars.compile(template.body, ESCAPED_HTML)(data).replace(/\n/g, '<br>\n');
  const subject = template.subject === null ? null : Handlebars.compile(template.subject, TEXT)(data).replace(/\s+/g, ' ').trim();
  return { subject, text, html: `<!doctype html><html><body><p>${html}</p></body></html>` };
};

/** An instant as a person reads it on their own clock: `Monday 30 March 2026, 10:00`. */
export const localTime = (instant: string, timeZone: string) => DateTime.fromISO(instant, { zone: timeZone }).setLocale('en-GB').toFormat('cccc d LLLL yyyy, HH:mm');
