import type { Db } from '../../store/database';
import { otherCasesOf, recentContactsOf, type ContactRow } from '../../store/customer-history';

/**
 * `customerContext` on GET /v1/cases/{caseId}: the customer's other cases and the latest contacts
 * with them, across all their cases (docs/agents.md → The customer's context). What a desk agent
 * looks at before calling a shop back: whether this is its third complaint this month, and what it
 * was last told, by whom and on which channel.
 */

const OTHER_CASES = 10;
const RECENT_CONTACTS = 10;
/** Contacts are read over the customer's newest cases only: older ones are in each case's history. */
const CONTACT_CASE_WINDOW = 20;
const SUMMARY_CHARS = 120;

interface ContactWithCustomer {
  caseId: string;
  at: string;
  kind: 'reply' | 'call' | 'notice';
  by: string;
  channel?: string;
  summary: string;
}

export interface CustomerContext {
  otherCases: Array<{ caseId: string; type: string; status: string; tier: number; waybillNo: string; openedAt: string; closedAt?: string }>;
  recentContacts: ContactWithCustomer[];
}

const clip = (text: string) => (text.length > SUMMARY_CHARS ? `${text.slice(0, SUMMARY_CHARS - 1)}…` : text);
const textOf = (value: unknown) => (typeof value === 'string' ? value : '');

function contactOf(row: ContactRow): ContactWithCustomer {
  const base = { caseId: row.caseId, at: row.at.toISOString(), by: row.actorId };
  const channel = typeof row.data.channel === 'string' ? { channel: row.data.channel } : {};
  switch (row.kind) {
    case 'reply.sent':
      return { ...base, kind: 'reply', ...channel, summary: clip(textOf(row.data.text)) };
    case 'call.logged': {
      const { direction, outcome, durationSeconds, summary } = row.data;
      return { ...base, kind: 'call', summary: clip(`${textOf(direction)} ${textOf(outcome)} ${Number(durationSeconds ?? 0)}s: ${textOf(summary)}`) };
    }
    case 'notification.sent':
      return { ...base, kind: 'notice', ...channel, summary: textOf(row.data.template) };
  }
}

export async function customerContext(db: Db, caseId: string, customerId: string): Promise<CustomerContext> {
  const [others, contacts] = await Promise.all([
    otherCasesOf(db, customerId, caseId, OTHER_CASES),
    recentContactsOf(db, customerId, CONTACT_CASE_WINDOW, RECENT_CONTACTS),
  ]);
  return {
    otherCases: others.map((row) => ({
      caseId: row.caseId,
      type: row.type,
      status: row.status,
      tier: row.tier,
      waybillNo: row.waybillNo,
      openedAt: row.openedAt.toISOString(),
      ...(row.closedAt ? { closedAt: row.closedAt.toISOString() } : {}),
    })),
    recentContacts: contacts.map(contactOf),
  };
}
