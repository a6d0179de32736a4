import { businessDayOf } from '../../activities/claims/payout-screening';

/** The daily payout caps count within the business day in China (+08:00), not the UTC day. */
describe('the business day of the payout caps', () => {
  it('turns at midnight in Shanghai, which is 16:00 UTC the day before', () => {
    expect(businessDayOf(new Date('2026-12-06T15:59:59.999Z'), 480)).toBe('2026-12-06');
    expect(businessDayOf(new Date('2026-12-06T16:00:00.000Z'), 480)).toBe('2026-12-07');
  });

  it('is the UTC date at offset 0', () => {
    expect(businessDayOf(new Date('2026-12-31T23:59:59Z'), 0)).toBe('2026-12-31');
  });
});
