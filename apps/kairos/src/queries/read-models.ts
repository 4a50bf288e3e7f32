import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { DomainError } from '@kairos/core';
import { publicView, waitForCheckpoint } from '@kairos/projections';
import { Doc, FieldFilter, Page, ReadStore } from '@kairos/read-store';
import { Positioned } from '../http/positioned';
import { RequestContext } from '../http/request-context';
import { READ_MODEL_WAIT_MS } from '../infrastructure/command-handling';
import { READ_STORE } from '../infrastructure/tokens';

export interface ReadModelRef {
  projection: string;
  collection: string;
  /** What callers call it, for "not found" answers. */
  noun: string;
}

export class GetDocument {
  constructor(
    readonly ctx: RequestContext,
    readonly model: ReadModelRef,
    readonly id: string,
    readonly minPosition?: number,
  ) {}
}

export class ListDocuments {
  constructor(
    readonly ctx: RequestContext,
    readonly model: ReadModelRef,
    readonly where: Record<string, FieldFilter>,
    readonly page: { limit: number; cursor?: string | null; includeDeleted?: boolean },
    readonly minPosition?: number,
  ) {}
}

export const waitUntilProjected = async (readStore: ReadStore, projection: string, minPosition?: number): Promise<number | null> => {
  if (minPosition !== undefined && !(await waitForCheckpoint(readStore, projection, minPosition, READ_MODEL_WAIT_MS))) {
    throw new DomainError('projection-lag', `the read model has not reached position ${minPosition} yet; retry shortly`);
  }
  return readStore.checkpoint(projection);
};

@QueryHandler(GetDocument)
export class GetDocumentHandler implements IQueryHandler<GetDocument, Positioned<Doc>> {
  constructor(@Inject(READ_STORE) private readonly readStore: ReadStore) {}

  async execute({ ctx, model, id, minPosition }: GetDocument): Promise<Positioned<Doc>> {
    const position = await waitUntilProjected(this.readStore, model.projection, minPosition);
    const doc = await this.readStore.get(model.collection, ctx.tenant, id);
    if (!doc) throw new DomainError('not-found', `${model.noun} ${id} does not exist`);
    return new Positioned(publicView(doc), position);
  }
}

@QueryHandler(ListDocuments)
export class ListDocumentsHandler implements IQueryHandler<ListDocuments, Positioned<Page<Doc>>> {
  constructor(@Inject(READ_STORE) private readonly readStore: ReadStore) {}

  async execute({ ctx, model, where, page, minPosition }: ListDocuments): Promise<Positioned<Page<Doc>>> {
    const position = await waitUntilProjected(this.readStore, model.projection, minPosition);
    const filter = page.includeDeleted ? where : { ...where, deletedAt: null };
    const result = await this.readStore.find(model.collection, ctx.tenant, { where: filter, limit: page.limit, cursor: page.cursor });
    return new Positioned({ items: result.items.map(publicView), nextCursor: result.nextCursor }, position);
  }
}

export const QUERY_HANDLERS = [GetDocumentHandler, ListDocumentsHandler];
