import type { CaseView } from '../../domain/case-view';
import { formatYuan } from '../../domain/compensation';
import type { SlaPolicy } from '../../domain/sla-policy';
import type { Db } from '../../store/database';
import { articlesWhere, type Article } from '../../store/knowledge';
import { fillScript } from '../knowledge/article';
import { carrierName, guidanceStep, localTime, type GuidanceStep } from './steps';

/**
 * `guidance` on `GET /v1/cases/{caseId}` (docs/knowledge.md → Guidance): the step the case is at,
 * what to do next, the actions of that step the caller may take, the step's reply script filled
 * with the case's facts, and the reference articles for its carrier, claim and region.
 */

export interface Guidance {
  step: GuidanceStep;
  summary: string;
  actions: string[];
  script?: { articleId: string; title: string; text: string };
  articles: Array<{ articleId: string; title: string; kind: string }>;
}

const CLAIM_TYPES: readonly string[] = ['LOST', 'DAMAGED'];

/** The facts a script's placeholders name, as the caller sees the case. */
function scriptFacts(view: CaseView): Record<string, string | undefined> {
  const running = view.clocks.filter((clock) => clock.state !== 'stopped' && clock.dueAt);
  const due = running.find((clock) => clock.name === 'resolution')?.dueAt ?? view.slaDueAt ?? running[0]?.dueAt;
  const amountFen = view.claim?.payout?.amountFen ?? view.claim?.amountFen;
  return {
    customerName: view.customer.name,
    carrier: carrierName(view),
    waybillNo: view.waybillNo,
    orderId: view.orderId,
    caseId: view.caseId,
    dueAt: due ? localTime(due) : undefined,
    amountYuan: amountFen !== undefined ? formatYuan(amountFen) : undefined,
    lastLocation: view.tracking.lastLocation,
    lastScanAt: view.tracking.lastEventAt ? localTime(view.tracking.lastEventAt) : undefined,
    // The last scan as one phrase a script can say whether or not the carrier has scanned anything.
    lastScan: lastScanPhrase(view),
    evidenceWhat: view.evidence.requested?.what,
    remedyOptions: view.awaitingRemedy?.options.join(' / '),
    newWaybillNo: view.reshipments?.at(-1)?.waybillNo,
  };
}

function lastScanPhrase(view: CaseView): string {
  const { lastEventAt, lastLocation } = view.tracking;
  if (!lastEventAt && !lastLocation) return '暂无新的物流扫描';
  return [lastEventAt ? localTime(lastEventAt) : undefined, lastLocation].filter(Boolean).join(' ');
}

/** Reference articles for a case: its carrier's standards, its claims process when a claim is in play, its region's traits. */
export function referenceArticles(view: CaseView, articles: readonly Article[]): Article[] {
  const claimInPlay = view.claim !== undefined || CLAIM_TYPES.includes(view.type);
  const region = view.region ?? '';
  return articles.filter((article) => {
    switch (article.kind) {
      case 'carrier-standard':
        return article.meta.carrier === view.carrier;
      case 'claims-process':
        return claimInPlay && (article.meta.carrier === view.carrier || article.meta.carrier === undefined);
      case 'regional-traits':
        return region !== '' && (article.meta.regions ?? []).some((prefix) => region.startsWith(prefix));
      case 'faq':
        return article.caseType === view.type;
      default:
        return false;
    }
  });
}

/** Guidance from the view and the knowledge base's articles. Pure. */
export function buildGuidance(view: CaseView, allowedActions: readonly string[], articles: readonly Article[], policy?: Pick<SlaPolicy, 'delayed'>): Guidance {
  const { step, summary, actions } = guidanceStep(view, policy);
  const allowed = new Set(allowedActions);
  const scripts = articles.filter((article) => article.kind === 'script' && article.step === step);
  const script = scripts.find((article) => article.caseType === view.type) ?? scripts[0];
  return {
    step,
    summary,
    actions: actions.filter((action) => allowed.has(action)),
    ...(script ? { script: { articleId: script.id, title: script.title, text: fillScript(script.body, scriptFacts(view)) } } : {}),
    articles: referenceArticles(view, articles).map((article) => ({ articleId: article.id, title: article.title, kind: article.kind })),
  };
}

/** Guidance for a case as its caller is shown it; without the knowledge base (unreadable) it still gives the step. */
export async function caseGuidance(
  db: Db,
  view: CaseView,
  allowedActions: readonly string[],
  policy?: Pick<SlaPolicy, 'delayed'>,
  log?: (message: string, error?: unknown) => void,
): Promise<Guidance> {
  let articles: Article[] = [];
  try {
    articles = await articlesWhere(db, {});
  } catch (error) {
    log?.('guidance: the knowledge base could not be read', error);
  }
  return buildGuidance(view, allowedActions, articles, policy);
}
