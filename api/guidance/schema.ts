import { z } from 'zod';
import { GUIDANCE_STEPS } from './steps';

/** `guidance` on GET /v1/cases/{caseId}, for the OpenAPI document (docs/knowledge.md → Guidance). */
export const guidanceResponse = z
  .looseObject({
    step: z.enum(GUIDANCE_STEPS).meta({ description: 'Where the case stands in its playbook, e.g. delayed.urge-carrier' }),
    summary: z.string().meta({ description: 'What to do next, with the case’s own due times (Asia/Shanghai)' }),
    actions: z.array(z.string()).meta({ description: 'The actions this step uses that the caller may take now (⊆ allowedActions)' }),
    script: z
      .looseObject({
        articleId: z.string(),
        title: z.string(),
        text: z.string().meta({ description: 'The step’s reply script, filled with the case’s facts' }),
      })
      .optional(),
    articles: z.array(z.looseObject({ articleId: z.string(), title: z.string(), kind: z.string() })),
  })
  .meta({ id: 'CaseGuidance', description: 'The next step of the case, its reply script and the articles that apply' });
