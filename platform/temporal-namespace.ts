import { isGrpcServiceError } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import { ConfigError } from '../config/errors';
import { SEARCH_ATTRIBUTE_REGISTRY } from '../workflows/search-attributes';

/**
 * Start-up check of the Temporal namespace the product runs in, shared by every process that talks
 * to Temporal (the API, the worker, the launchers): the namespace exists and carries the product's
 * custom search attributes with the right types. It is what makes a server the stack did not start
 * itself (a fresh cluster, a shared one) usable without a manual `temporal operator` step.
 *
 * Why a top-level `platform/` folder: the API must never import `activities/` and `worker/` imports
 * it, while the worker must not depend on the API; this module needs only the Temporal client and
 * the search-attribute registry (part of the workflows' contract, which both layers may import).
 */

const { IndexedValueType } = temporal.api.enums.v1;
type IndexedValueType = temporal.api.enums.v1.IndexedValueType;

/** Type names as the CLI, the Web UI and SEARCH_ATTRIBUTE_REGISTRY spell them. */
type SearchAttributeTypeName = 'Text' | 'Keyword' | 'Int' | 'Double' | 'Bool' | 'Datetime' | 'KeywordList';

/** Messages name types the way operators type them. */
const TYPE_NAMES: Record<SearchAttributeTypeName, IndexedValueType> = {
  Text: IndexedValueType.INDEXED_VALUE_TYPE_TEXT,
  Keyword: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  Int: IndexedValueType.INDEXED_VALUE_TYPE_INT,
  Double: IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE,
  Bool: IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
  Datetime: IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  KeywordList: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
};

function typeName(type: IndexedValueType | null | undefined): string {
  const found = Object.entries(TYPE_NAMES).find(([, value]) => value === type);
  return found ? found[0] : `unknown type ${String(type)}`;
}

/** Both the client's Connection and the worker's NativeConnection have these two services. */
export interface TemporalServices {
  workflowService: temporal.api.workflowservice.v1.WorkflowService;
  operatorService: temporal.api.operatorservice.v1.OperatorService;
}

export interface EnsureNamespaceOptions {
  namespace: string;
  /** Name → type; the product's registry unless a test gives its own. */
  searchAttributes?: Readonly<Record<string, SearchAttributeTypeName>>;
  /** How long closed workflows stay in a namespace this call creates. */
  retentionDays?: number;
  /** How long to wait for a new namespace or new attributes to become usable. */
  timeoutMs?: number;
  log?: (line: string) => void;
}

export interface EnsureNamespaceResult {
  createdNamespace: boolean;
  /** Attributes this call registered (empty when all were there). */
  added: string[];
}

/**
 * A registered attribute has another type than the product writes: start-up must stop. A
 * ConfigError, so every entry point prints the message alone (it names the attribute, both types
 * and the way out) instead of a stack trace.
 */
export class SearchAttributeTypeMismatchError extends ConfigError {
  override name = 'SearchAttributeTypeMismatchError';
}

const GRPC_INVALID_ARGUMENT = 3;
const GRPC_NOT_FOUND = 5;
const GRPC_ALREADY_EXISTS = 6;
/** Closed cases stay inspectable in the Web UI this long; the audit trail lives in PostgreSQL. */
const DEFAULT_RETENTION_DAYS = 7;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function grpcCode(error: unknown): number | undefined {
  return isGrpcServiceError(error) ? error.code : undefined;
}

export async function ensureTemporalNamespace(services: TemporalServices, options: EnsureNamespaceOptions): Promise<EnsureNamespaceResult> {
  const { namespace } = options;
  const wanted = options.searchAttributes ?? SEARCH_ATTRIBUTE_REGISTRY;
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  const log = options.log ?? (() => undefined);

  const createdNamespace = await createNamespaceIfMissing(services, namespace, options.retentionDays ?? DEFAULT_RETENTION_DAYS);
  if (createdNamespace) log(`Temporal: namespace "${namespace}" created`);
  // Also when another process created it a moment ago: the frontend knows a namespace only after
  // its cache refresh (seconds), and refuses calls naming it until then.
  await until(deadline, `namespace "${namespace}" to become usable`, () => namespaceUsable(services, namespace));

  const added: string[] = [];
  for (;;) {
    const registered = await listCustomAttributes(services, namespace);
    const missing = compare(namespace, wanted, registered);
    if (!Object.keys(missing).length) break;
    if (Date.now() > deadline)
      throw new Error(`Temporal namespace "${namespace}": search attributes ${Object.keys(missing).join(', ')} still missing after adding them`);
    try {
      await services.operatorService.addSearchAttributes({ namespace, searchAttributes: missing });
      for (const name of Object.keys(missing)) if (!added.includes(name)) added.push(name);
    } catch (error) {
      // Another process (the API and the worker start together) added them first: list again.
      if (grpcCode(error) !== GRPC_ALREADY_EXISTS) throw error;
    }
    await sleep(200);
  }
  if (added.length) log(`Temporal: search attributes added to "${namespace}": ${added.join(', ')}`);
  // Listed is not yet usable: the frontend maps names through a namespace cache refreshed every
  // few seconds, and refuses a start with an attribute it does not map yet. Checked even when this
  // process added none: another one may have added them a moment ago. One query, when all is settled.
  const names = Object.keys(wanted);
  const query = probeQuery(wanted, names);
  await until(deadline, `search attributes ${names.join(', ')} to become usable`, () => queryAccepted(services, namespace, query));
  return { createdNamespace, added };
}

async function createNamespaceIfMissing(services: TemporalServices, namespace: string, retentionDays: number): Promise<boolean> {
  try {
    await services.workflowService.describeNamespace({ namespace });
    return false;
  } catch (error) {
    if (grpcCode(error) !== GRPC_NOT_FOUND) throw error;
  }
  try {
    await services.workflowService.registerNamespace({
      namespace,
      description: 'Logistics exception cases (created at start-up by the case orchestrator)',
      workflowExecutionRetentionPeriod: msToTs(`${retentionDays} days`),
    });
    return true;
  } catch (error) {
    if (grpcCode(error) === GRPC_ALREADY_EXISTS) return false; // created meanwhile by another process
    throw error;
  }
}

async function listCustomAttributes(services: TemporalServices, namespace: string): Promise<Record<string, IndexedValueType>> {
  const response = await services.operatorService.listSearchAttributes({ namespace });
  return (response.customAttributes ?? {}) as Record<string, IndexedValueType>;
}

/** The attributes to add; throws when one is registered with another type. */
function compare(
  namespace: string,
  wanted: Readonly<Record<string, SearchAttributeTypeName>>,
  registered: Record<string, IndexedValueType>,
): Record<string, IndexedValueType> {
  const missing: Record<string, IndexedValueType> = {};
  const mismatches: string[] = [];
  for (const [name, type] of Object.entries(wanted)) {
    const expected = TYPE_NAMES[type];
    if (!(name in registered)) missing[name] = expected;
    else if (registered[name] !== expected)
      mismatches.push(`${name} is registered as ${typeName(registered[name])} but the case orchestrator writes it as ${type}`);
  }
  if (mismatches.length) {
    throw new SearchAttributeTypeMismatchError(
      `Temporal namespace "${namespace}": search attribute type mismatch — ${mismatches.join('; ')}. ` +
        'Cases cannot be indexed with the wrong type. Use another namespace (TEMPORAL_NAMESPACE), or remove the attribute ' +
        `(temporal operator search-attribute remove --namespace ${namespace} --name NAME) and start again.`,
    );
  }
  return missing;
}

async function namespaceUsable(services: TemporalServices, namespace: string): Promise<boolean> {
  return queryAccepted(services, namespace, '');
}

/** A visibility query naming every new attribute with a value of its type. */
function probeQuery(wanted: Readonly<Record<string, SearchAttributeTypeName>>, names: string[]): string {
  const sample: Record<SearchAttributeTypeName, string> = {
    Text: "'probe'",
    Keyword: "'probe'",
    KeywordList: "'probe'",
    Int: '0',
    Double: '0',
    Bool: 'false',
    Datetime: "'2000-01-01T00:00:00Z'",
  };
  return names.map((name) => `${name} = ${sample[wanted[name] as SearchAttributeTypeName]}`).join(' AND ');
}

async function queryAccepted(services: TemporalServices, namespace: string, query: string): Promise<boolean> {
  try {
    await services.workflowService.countWorkflowExecutions({ namespace, query });
    return true;
  } catch (error) {
    // NotFound (namespace not in the frontend's cache yet) and InvalidArgument (attribute not
    // mapped yet) pass with the next cache refresh; anything else is a real failure.
    const code = grpcCode(error);
    if (code === GRPC_NOT_FOUND || code === GRPC_INVALID_ARGUMENT) return false;
    throw error;
  }
}

async function until(deadline: number, what: string, check: () => Promise<boolean>): Promise<void> {
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`Temporal: timed out waiting for ${what}`);
    await sleep(250);
  }
}
