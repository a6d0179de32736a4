import { openApiDocument } from '../../api/openapi';

/**
 * Server-side request forgery (OWASP API7): the API never fetches an address a caller chose. Every
 * outbound address (carriers, OMS, WMS, payments, notification gateways, Temporal) comes from the
 * configuration; no request body, query or path parameter the API documents is a URL or names a
 * host, so there is nothing a caller could point at an internal address — save one: an evidence
 * item's `url` (a photo's address), stored on the case and shown to people, never fetched here.
 * A new URL-shaped field fails this test until it is reviewed and listed.
 */

/** Reviewed: stored and shown, never requested by this service. */
const REVIEWED = [{ where: 'POST /v1/cases/{caseId}/actions', name: 'url', format: 'uri' }];

const URL_LIKE_NAME = /(url|uri|href|host|endpoint|callback|webhook|link)s?$/i;

/** Every property name and format under the request side of the document (bodies and parameters). */
function requestFields(document: unknown): Array<{ where: string; name: string; format?: string }> {
  const found: Array<{ where: string; name: string; format?: string }> = [];
  const doc = document as {
    paths: Record<string, Record<string, { parameters?: unknown[]; requestBody?: unknown }>>;
    components?: { schemas?: Record<string, unknown> };
  };
  const schemas = doc.components?.schemas ?? {};
  const seen = new Set<unknown>();
  const stack: Array<{ value: unknown; where: string }> = [];
  for (const [path, operations] of Object.entries(doc.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      for (const parameter of (operation.parameters ?? []) as Array<{ name: string; schema?: { format?: string } }>) {
        found.push({
          where: `${method.toUpperCase()} ${path}`,
          name: parameter.name,
          ...(parameter.schema?.format ? { format: parameter.schema.format } : {}),
        });
      }
      if (operation.requestBody) stack.push({ value: operation.requestBody, where: `${method.toUpperCase()} ${path}` });
    }
  }
  while (stack.length) {
    const { value, where } = stack.pop() as { value: unknown; where: string };
    if (value === null || typeof value !== 'object' || seen.has(value)) continue;
    seen.add(value);
    const node = value as Record<string, unknown>;
    if (typeof node.$ref === 'string') stack.push({ value: schemas[node.$ref.split('/').pop() as string], where });
    if (node.properties && typeof node.properties === 'object') {
      for (const [name, schema] of Object.entries(node.properties as Record<string, { format?: string }>)) {
        found.push({ where, name, ...(schema?.format ? { format: schema.format } : {}) });
      }
    }
    for (const child of Object.values(node)) stack.push({ value: child, where });
  }
  return found;
}

test('no documented request field is a URL or names a host, but the reviewed evidence link', () => {
  const fields = requestFields(openApiDocument());
  expect(fields.length).toBeGreaterThan(20);
  expect(fields.filter((field) => URL_LIKE_NAME.test(field.name) || field.format === 'uri' || field.format === 'hostname')).toEqual(REVIEWED);
});
