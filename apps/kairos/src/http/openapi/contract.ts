import { SetMetadata, applyDecorators } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { ProblemCode } from '@kairos/core';
import { AnswerName } from './answers';

/** One view, a page of them, either of several views, or an iCalendar document (text/calendar, with an ETag). */
export type Answer = AnswerName | { pageOf: AnswerName } | { oneOf: AnswerName[] } | 'Calendar';

/** What an operation documents beyond the conventions every /v1 operation shares (conventions.ts). */
export interface Contract {
  summary: string;
  /** The body of its success; null: it answers 204 No Content. */
  answers: Answer | null;
  /** The refusals particular to it, each with when it happens; the status follows the code (api.md §1). */
  refuses?: Partial<Record<ProblemCode, string>>;
  /** When a success other than 201 Created names a resource in `Location`. */
  location?: string;
  /** A query answered from the event log rather than a read model: no position to wait for or report. */
  unpositioned?: true;
  /** Needs no tenant or token (the ContextGuard lets it through): its path parameter, so described, is the credential. */
  open?: string;
}

export const CONTRACT = 'kairos:contract';

/** Documents an operation: its summary, its success body and its own refusals. */
export const Documented = (contract: Contract): MethodDecorator => applyDecorators(ApiOperation({ summary: contract.summary }), SetMetadata(CONTRACT, contract));

/** Refusals shared by many operations, worded once. */
export const REFUSALS = {
  takenId: { 'already-exists': 'the body names an id that is taken' },
  unknownReference: { 'not-found': 'an id in the body names nothing of this tenant' },
  notLive: { 'invalid-transition': 'it is deleted, archived or canceled, or its status does not allow this' },
} satisfies Record<string, Contract['refuses']>;
