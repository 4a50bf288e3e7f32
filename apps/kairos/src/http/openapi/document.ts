import { INestApplication, RequestMethod, Type } from '@nestjs/common';
import { METHOD_METADATA } from '@nestjs/common/constants';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { OperationObject, SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { isQueryByPost } from '../admission';
import { ANSWERS, AnswerName, answerSchemas, pageSchema } from './answers';
import { CONTRACT, Contract } from './contract';
import { CONVENTION_COMPONENTS, Route, completeOperation } from './conventions';
import { AnsweredCode, PROBLEM_SCHEMA, problemExamples } from './problems';
import { integerFieldsOf, parameterClassesOf, requestClasses, withIntegers } from './request-schemas';

const TAGS: Record<string, string> = {
  services: 'What can be booked: appointments, classes and courses.',
  'booking-policies': 'When bookings may be made, canceled and rescheduled.',
  resources: 'Staff, rooms and equipment.',
  locations: 'Where sessions take place.',
  schedules: 'Working hours and links of services, resources and the business.',
  sessions: 'Single and recurring sessions on a schedule.',
  availability: 'Open slots of a service.',
  bookings: 'Bookings and their life cycle.',
  'slot-holds': 'Slots kept for a checkout.',
  waitlist: 'Waitlists of full class sessions.',
  plans: 'Pricing plans: subscriptions, packages and memberships.',
  'plan-orders': "Contacts' orders of plans, their cycles and credits.",
  coupons: 'Discount codes and their uses.',
  contacts: 'The people who book: their details, bookings, plan orders and notes.',
  prices: 'What a booking would cost.',
  notifications: 'Messages to contacts: settings, templates and the delivery log.',
  'calendar-feeds': 'Calendars out: iCalendar feeds of resources and contacts, and the secret URLs that serve them.',
  'calendar-connections': "Resources' external calendars (ICS feeds, CalDAV, Google), read as busy time.",
};

const operationIdOf = (controller: string, method: string) => `${controller}_${method}`;

/** A route's answer, item of a page, or branch: the views the document needs as components. */
const answersNamed = ({ answers }: Contract): { views: AnswerName[]; pages: AnswerName[] } =>
  answers === null || answers === 'Calendar' ? { views: [], pages: [] } : typeof answers === 'string' ? { views: [answers], pages: [] } : 'pageOf' in answers ? { views: [answers.pageOf], pages: [answers.pageOf] } : { views: answers.oneOf, pages: [] };

/** Each documented route by its operation id, with what it is: a query (GET, or a POST marked QueryByPost) or a write. */
const routesOf = (controllers: Type[]) => {
  const routes = new Map<string, Omit<Route, 'operation'>>();
  for (const controller of controllers) {
    const prototype = controller.prototype as Record<string, unknown>;
    for (const key of Object.getOwnPropertyNames(prototype)) {
      const handler = prototype[key];
      const contract = typeof handler === 'function' ? (Reflect.getMetadata(CONTRACT, handler) as Contract | undefined) : undefined;
      if (!contract) continue;
      const method = Reflect.getMetadata(METHOD_METADATA, handler as Function) as RequestMethod;
      const kind = method === RequestMethod.GET || isQueryByPost(handler) ? 'query' : 'write';
      routes.set(operationIdOf(controller.name, key), { kind, contract, integers: integerFieldsOf(parameterClassesOf(prototype, key)) });
    }
  }
  return routes;
};

/** The OpenAPI 3.0 document of the /v1 API, served at /docs-json: request shapes from the DTOs, the rest from the contracts. */
export const openApiDocument = (app: INestApplication, controllers: Type[]): OpenAPIObject => {
  const classes = requestClasses(controllers);
  const builder = new DocumentBuilder()
    .setTitle('Kairos')
    .setDescription(
      'Scheduling and booking API. Conventions (docs/api.md §1): errors are RFC 9457 application/problem+json; writes take an Idempotency-Key and answer Kairos-Position; queries take minPosition (or Kairos-Min-Position) to read their own writes; PATCH and actions take If-Match.',
    )
    .setVersion('1')
    .addServer('/', 'this service');
  for (const [name, description] of Object.entries(TAGS)) builder.addTag(name, description);
  const generated = SwaggerModule.createDocument(app, builder.build(), { operationIdFactory: operationIdOf });

  const routes = routesOf(controllers);
  const views = new Set<AnswerName>();
  const pages = new Set<AnswerName>();
  const paths: OpenAPIObject['paths'] = {};
  for (const [path, item] of Object.entries(generated.paths)) {
    paths[path] = Object.fromEntries(
      Object.entries(item).map(([method, operation]: [string, OperationObject]) => {
        const route = routes.get(operation.operationId ?? '');
        if (!route) throw new Error(`${method.toUpperCase()} ${path} (${operation.operationId}) is not @Documented`);
        const named = answersNamed(route.contract);
        named.views.forEach((v) => views.add(v));
        named.pages.forEach((p) => pages.add(p));
        return [method, completeOperation({ ...route, operation })];
      }),
    );
  }
  const requests = generated.components?.schemas ?? {};
  const clash = Object.keys(ANSWERS).find((name) => name in requests);
  if (clash) throw new Error(`a request class and an answer are both named ${clash}`);
  const answers = answerSchemas();
  const schemas: Record<string, SchemaObject> = {
    ...withIntegers(requests as Record<string, SchemaObject>, classes),
    ...Object.fromEntries((Object.keys(ANSWERS) as AnswerName[]).filter((name) => views.has(name)).map((name) => [name, answers[name]])),
    ...Object.fromEntries([...pages].map((name) => [`${name}Page`, pageSchema(name)])),
    Problem: PROBLEM_SCHEMA,
  };
  // One example per problem the operations name, written once.
  const named = new Set([...JSON.stringify(paths).matchAll(/#\/components\/examples\/([a-z-]+)/g)].map((m) => m[1] as AnsweredCode));
  return { ...generated, paths, components: { ...generated.components, schemas, ...CONVENTION_COMPONENTS, examples: problemExamples(named) } };
};
