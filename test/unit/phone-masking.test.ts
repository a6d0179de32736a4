import { maskPhoneNumber, maskPhoneNumbers, phonesForRole, seesPhoneNumbers } from '../../domain/phone-masking';
import { ROLES, type Role } from '../../domain/types';

describe('phone masking', () => {
  test.each([
    ['13812345678', '138****5678'],
    ['020-12345678', '020****5678'],
    ['0755-1234567', '075****4567'],
    ['1234567', '****'],
    ['', '****'],
    ['138****5678', '138****5678'],
    ['[erased]', '[erased]'],
  ])('%s is shown as %s', (phone, shown) => {
    expect(maskPhoneNumber(phone)).toBe(shown);
  });

  test('every phone in a view is masked, however deep, and nothing else changes', () => {
    const view = {
      caseId: 'CASE-1',
      customer: { id: 'C-1', name: '张三汽修', phone: '13800138000' },
      remedy: { newAddress: { name: '李四', phone: '13900139000', detail: '科技园1号' } },
      notifications: [{ channel: 'sms', to: '13800138000', phone: '13800138000' }],
      note: 'call 13800138000',
    };
    const masked = maskPhoneNumbers(view);
    expect(masked.customer).toEqual({ id: 'C-1', name: '张三汽修', phone: '138****8000' });
    expect(masked.remedy.newAddress).toEqual({ name: '李四', phone: '139****9000', detail: '科技园1号' });
    expect(masked.notifications[0]?.phone).toBe('138****8000');
    expect(view.customer.phone).toBe('13800138000'); // a copy: the input is left alone
  });

  const expected: Record<Role, boolean> = { agent: true, supervisor: true, expert: true, auditor: false, system: false };
  test.each(ROLES)('role %s sees phones in full: per the table', (role) => {
    expect(seesPhoneNumbers(role)).toBe(expected[role]);
    const shown = phonesForRole({ customer: { phone: '13800138000' } }, role).customer.phone;
    expect(shown).toBe(expected[role] ? '13800138000' : '138****8000');
  });
});
