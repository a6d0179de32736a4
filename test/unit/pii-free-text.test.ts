import { erasePersonalFields, maskCaseWrite } from '../../store/pii';

/**
 * Free text quoting a customer's personal fields (a scripted reply greets the shop by name, a call
 * summary notes the number reached) is masked at rest like the fields themselves, and erased with
 * them: the trail can never be rewritten, so it must never hold them in clear.
 */

const snapshot = {
  caseId: 'CASE-1',
  customer: { id: 'C-1', name: '欧阳汽修', phone: '13912345678', storeId: 'S-1' },
  newAddress: { name: '王收货', phone: '13700001111', province: '广东省', city: '深圳市', district: '南山区', detail: '科技园南区 8 栋' },
  replies: [{ text: '欧阳汽修您好，您的包裹将于明日送到科技园南区 8 栋' }],
  calls: [{ summary: '已致电 13912345678，王收货（13700001111）同意明日收货' }],
};
const events = [{ seq: 1, kind: 'reply.sent', data: { text: '欧阳汽修您好，已为您加急', channel: 'sms' } }];

test('at rest: the masked name, the masked phone and no address detail, in free text as in the fields', () => {
  const stored = maskCaseWrite(snapshot, events);
  expect(stored.snapshot.customer).toMatchObject({ name: '欧**', phone: '139****5678' });
  expect(stored.snapshot.replies[0]?.text).toBe('欧**您好，您的包裹将于明日送到[withheld]');
  expect(stored.snapshot.calls[0]?.summary).toBe('已致电 139****5678，王**（137****1111）同意明日收货');
  expect(stored.events[0]?.data.text).toBe('欧**您好，已为您加急');
  expect(stored.events[0]).toMatchObject({ seq: 1, kind: 'reply.sent' });
  // Idempotent: a retried write stores (and hashes) the same.
  expect(maskCaseWrite(stored.snapshot, stored.events)).toEqual(stored);
});

test('erasure overwrites what free text kept of the fields', () => {
  const erased = erasePersonalFields(maskCaseWrite(snapshot, events).snapshot);
  expect(erased.customer).toMatchObject({ name: '[erased]', phone: '[erased]' });
  expect(JSON.stringify(erased)).not.toMatch(/欧\*\*|139\*{4}5678|王\*\*|137\*{4}1111/);
  expect(erased.replies[0]?.text).toBe('[erased]您好，您的包裹将于明日送到[erased]');
});

test('a one-character value is left alone in free text (it would blank every sentence using that character)', () => {
  const stored = maskCaseWrite({ customer: { name: '李', phone: '13912345678' }, notes: [{ text: '李总说明天来取' }] }, []);
  expect(stored.snapshot.notes[0]?.text).toBe('李总说明天来取');
});
