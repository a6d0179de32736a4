import { z } from 'zod';

/** `customerContext` on GET /v1/cases/{caseId}, for the OpenAPI document. */
export const customerContextResponse = z
  .looseObject({
    otherCases: z
      .array(
        z.looseObject({
          caseId: z.string(),
          type: z.string(),
          status: z.string(),
          tier: z.number().int(),
          waybillNo: z.string(),
          openedAt: z.string(),
          closedAt: z.string().optional(),
        }),
      )
      .meta({ description: 'The customer’s other cases, newest first (at most 10)' }),
    recentContacts: z
      .array(
        z.looseObject({
          caseId: z.string(),
          at: z.string(),
          kind: z.enum(['reply', 'call', 'notice']),
          by: z.string(),
          channel: z.string().optional(),
          summary: z.string(),
        }),
      )
      .meta({ description: 'The latest replies, calls and notices to the customer across their cases, newest first (at most 10)' }),
  })
  .meta({ id: 'CustomerContext', description: 'The customer’s other cases and recent contacts' });
