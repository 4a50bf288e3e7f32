/** A domain event as a decider emits it: a type and a body, no envelope. */
export interface DomainEvent<Type extends string = string, Data = unknown> {
  type: Type;
  data: Data;
}
