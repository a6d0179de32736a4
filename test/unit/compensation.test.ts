import {
  type ApprovalTier,
  type CompensationInput,
  type CompensationResult,
  approvalTier,
  computeCompensation,
  formatYuan,
  mayApprove,
  roundFen,
} from '../../domain/compensation';
import type { ApprovalLimits } from '../../domain/sla-policy';
import type { Role } from '../../domain/types';

const CLAIMS = { uninsuredFreightMultiple: 3, platformPaysFirst: true };
const LIMITS: ApprovalLimits = { agent: 50_000, supervisor: 500_000, expert: 5_000_000 };

function input(overrides: Partial<CompensationInput>): CompensationInput {
  return { type: 'LOST', actualLossFen: 0, recoverFrom: 'carrier', platformPaysFirst: true, ...overrides };
}

describe('computeCompensation', () => {
  test.each<[string, Partial<CompensationInput>, Partial<CompensationResult>]>([
    [
      'insured total loss pays the declared value',
      { insured: true, declaredValueFen: 100_000, actualLossFen: 100_000 },
      { amountFen: 100_000, basis: 'insured', recoverableFen: 100_000 },
    ],
    [
      'insured, declared above the actual loss, pays the actual loss',
      { insured: true, declaredValueFen: 200_000, actualLossFen: 80_000 },
      { amountFen: 80_000, basis: 'insured' },
    ],
    [
      'insured, under-insured, pays the declared value',
      { insured: true, declaredValueFen: 50_000, actualLossFen: 80_000 },
      { amountFen: 50_000, basis: 'insured' },
    ],
    [
      'insured partial damage pays the damaged share of the declared value',
      { type: 'DAMAGED', insured: true, declaredValueFen: 100_000, actualLossFen: 100_000, damagedShare: 0.3 },
      { amountFen: 30_000, basis: 'insured', recoverableFen: 30_000 },
    ],
    [
      'insured partial damage, declared above actual: share of the actual loss',
      { type: 'DAMAGED', insured: true, declaredValueFen: 200_000, actualLossFen: 80_000, damagedShare: 0.25 },
      { amountFen: 20_000, basis: 'insured' },
    ],
    [
      'insured needs no freight and gets no cap even with a small freight',
      { insured: true, declaredValueFen: 100_000, actualLossFen: 100_000, freightFen: 1_000 },
      { amountFen: 100_000, basis: 'insured', capFen: undefined },
    ],
    [
      'uninsured under the cap pays the actual loss',
      { actualLossFen: 3_000, freightFen: 1_500 },
      { amountFen: 3_000, basis: 'uninsured-actual', capFen: 4_500, recoverableFen: 3_000 },
    ],
    ['uninsured exactly at the cap is not capped', { actualLossFen: 4_500, freightFen: 1_500 }, { amountFen: 4_500, basis: 'uninsured-actual', capFen: 4_500 }],
    [
      'uninsured above the cap is capped at 3× freight',
      { actualLossFen: 100_000, freightFen: 1_500 },
      { amountFen: 4_500, basis: 'uninsured-capped', capFen: 4_500, recoverableFen: 4_500 },
    ],
    [
      'a declared value without insurance is ignored',
      { insured: false, declaredValueFen: 100_000, actualLossFen: 100_000, freightFen: 1_500 },
      { amountFen: 4_500, basis: 'uninsured-capped' },
    ],
    [
      'uninsured partial damage applies the share before the cap',
      { type: 'DAMAGED', actualLossFen: 10_000, damagedShare: 0.5, freightFen: 2_000 },
      { amountFen: 5_000, basis: 'uninsured-actual', capFen: 6_000 },
    ],
    [
      'uninsured without freight cannot be capped: nothing paid, needs review',
      { actualLossFen: 30_000 },
      { amountFen: 0, basis: 'uninsured-actual', capFen: undefined, recoverableFen: 0 },
    ],
    ['uninsured with a freight of 0 is treated as unknown freight', { actualLossFen: 30_000, freightFen: 0 }, { amountFen: 0, recoverableFen: 0 }],
    ['zero loss, insured', { insured: true, declaredValueFen: 100_000, actualLossFen: 0 }, { amountFen: 0, basis: 'insured' }],
    ['zero loss, uninsured, no freight: nothing to cap, no review', { actualLossFen: 0 }, { amountFen: 0, needsReview: undefined }],
    ['a zero share pays nothing', { type: 'DAMAGED', actualLossFen: 5_000, damagedShare: 0, freightFen: 100 }, { amountFen: 0 }],
    ['a share is rounded half up to the fen', { type: 'DAMAGED', actualLossFen: 1_001, damagedShare: 0.5, freightFen: 10_000 }, { amountFen: 501 }],
    [
      'a share is rounded down below the half',
      { type: 'DAMAGED', insured: true, declaredValueFen: 1_000, actualLossFen: 1_000, damagedShare: 0.3333 },
      { amountFen: 333 },
    ],
    ['a small freight caps at exactly 3× freight', { actualLossFen: 100_000, freightFen: 333 }, { amountFen: 999, capFen: 999 }],
    [
      'supplier fault (wrong item) recovers the full amount, no carrier cap',
      { type: 'WRONG_ITEM', actualLossFen: 20_000, freightFen: 1_000, recoverFrom: 'supplier' },
      { amountFen: 20_000, basis: 'uninsured-actual', recoverFrom: 'supplier', recoverableFen: 20_000, capFen: undefined },
    ],
    [
      'supplier fault (missing item) needs no freight and ignores the declared value',
      { type: 'MISSING_ITEM', insured: true, declaredValueFen: 1_000, actualLossFen: 12_345, damagedShare: 0.5, recoverFrom: 'supplier' },
      { amountFen: 6_173, basis: 'uninsured-actual', recoverableFen: 6_173, needsReview: undefined },
    ],
    [
      'the platform may choose not to pay first; amounts do not change',
      { actualLossFen: 3_000, freightFen: 1_500, platformPaysFirst: false },
      { amountFen: 3_000, platformPaysFirst: false, recoverableFen: 3_000 },
    ],
  ])('%s', (_label, overrides, expected) => {
    const result = computeCompensation(input(overrides), CLAIMS);
    for (const [key, value] of Object.entries(expected)) {
      expect([key, result[key as keyof CompensationResult]]).toEqual([key, value]);
    }
    expect(Number.isInteger(result.amountFen)).toBe(true);
    expect(Number.isInteger(result.recoverableFen)).toBe(true);
    expect(result.explanation.length).toBeGreaterThan(0);
  });

  test('with a 2.5× multiple, 333 fen of freight caps at 832.5 → 833 fen', () => {
    const result = computeCompensation(input({ actualLossFen: 100_000, freightFen: 333 }), { uninsuredFreightMultiple: 2.5 });
    expect(result).toMatchObject({ amountFen: 833, capFen: 833, basis: 'uninsured-capped' });
  });

  test('needsReview says why and the explanation shows the uncapped figure', () => {
    const result = computeCompensation(input({ actualLossFen: 30_000 }), CLAIMS);
    expect(result.needsReview).toMatch(/freight/);
    expect(result.explanation.join('\n')).toContain('¥300.00');
  });

  test('the explanation walks through the cap', () => {
    const result = computeCompensation(input({ actualLossFen: 123_456, freightFen: 1_500 }), CLAIMS);
    expect(result.explanation.join('\n')).toContain('¥1,234.56');
    expect(result.explanation.join('\n')).toContain('¥45.00');
    expect(result.explanation.join('\n')).toContain('先行赔付');
  });

  test('platformPaysFirst falls back to the policy when the input leaves it out', () => {
    const { platformPaysFirst: _omit, ...rest } = input({ actualLossFen: 100, freightFen: 100 });
    expect(computeCompensation(rest, { uninsuredFreightMultiple: 3, platformPaysFirst: false }).platformPaysFirst).toBe(false);
    expect(computeCompensation(rest, { uninsuredFreightMultiple: 3, platformPaysFirst: true }).platformPaysFirst).toBe(true);
  });

  test.each<[string, Partial<CompensationInput>, RegExp]>([
    ['a negative actual loss', { actualLossFen: -1 }, /actualLossFen must not be negative/],
    ['a NaN actual loss', { actualLossFen: Number.NaN }, /actualLossFen must be a finite number/],
    ['an infinite actual loss', { actualLossFen: Number.POSITIVE_INFINITY }, /actualLossFen/],
    ['a fractional fen amount', { actualLossFen: 10.5 }, /actualLossFen must be a whole number of fen/],
    ['a negative declared value', { insured: true, declaredValueFen: -5, actualLossFen: 1 }, /declaredValueFen/],
    ['insured without a declared value', { insured: true, actualLossFen: 1 }, /declaredValueFen is required when insured/],
    ['a negative freight', { actualLossFen: 1, freightFen: -100 }, /freightFen must not be negative/],
    ['a NaN freight', { actualLossFen: 1, freightFen: Number.NaN }, /freightFen/],
    ['a share above 1', { actualLossFen: 1, damagedShare: 1.2 }, /damagedShare must be a number from 0 to 1/],
    ['a negative share', { actualLossFen: 1, damagedShare: -0.1 }, /damagedShare/],
    ['a NaN share', { actualLossFen: 1, damagedShare: Number.NaN }, /damagedShare/],
  ])('rejects %s with a RangeError naming the field', (_label, overrides, message) => {
    expect(() => computeCompensation(input(overrides), CLAIMS)).toThrow(RangeError);
    expect(() => computeCompensation(input(overrides), CLAIMS)).toThrow(message);
  });

  test('rejects a missing actual loss and a bad policy multiple', () => {
    const { actualLossFen: _omit, ...rest } = input({});
    expect(() => computeCompensation(rest as CompensationInput, CLAIMS)).toThrow(/actualLossFen is required/);
    expect(() => computeCompensation(input({ actualLossFen: 1 }), { uninsuredFreightMultiple: 0 })).toThrow(/uninsuredFreightMultiple/);
  });
});

describe('roundFen / formatYuan', () => {
  test.each<[number, number]>([
    [0, 0],
    [0.49, 0],
    [0.5, 1],
    [500.5, 501],
    [28.499999999999996, 29], // 100 × 0.285 in binary floating point: really 28.5
    [110.9889, 111],
    [1.4, 1],
  ])('roundFen(%d) = %d', (value, expected) => {
    expect(roundFen(value)).toBe(expected);
  });

  test.each<[number, string]>([
    [0, '¥0.00'],
    [5, '¥0.05'],
    [123_456, '¥1,234.56'],
    [500_000_000, '¥5,000,000.00'],
  ])('formatYuan(%d) = %s', (fen, expected) => {
    expect(formatYuan(fen)).toBe(expected);
  });
});

describe('approvalTier', () => {
  test.each<[number, ApprovalTier]>([
    [0, 'auto'],
    [50_000, 'auto'],
    [50_001, 'supervisor'],
    [500_000, 'supervisor'],
    [500_001, 'expert'],
    [5_000_000, 'expert'],
    [5_000_001, 'beyond-expert'],
  ])('%d fen → %s', (amount, tier) => {
    expect(approvalTier(amount, LIMITS)).toBe(tier);
  });

  test('rejects a negative or NaN amount', () => {
    expect(() => approvalTier(-1, LIMITS)).toThrow(RangeError);
    expect(() => approvalTier(Number.NaN, LIMITS)).toThrow(/amountFen/);
  });
});

describe('mayApprove', () => {
  test.each<[Role, number, boolean]>([
    ['agent', 0, true],
    ['agent', 50_000, true],
    ['agent', 50_001, false],
    ['supervisor', 50_001, true],
    ['supervisor', 500_000, true],
    ['supervisor', 500_001, false],
    ['expert', 500_001, true],
    ['expert', 5_000_000, true],
    ['expert', 5_000_001, false],
    ['auditor', 0, false],
    ['auditor', 1, false],
    ['system', 0, false],
    ['system', 50_000, false],
  ])('%s may approve %d fen: %s', (role, amount, expected) => {
    expect(mayApprove(role, amount, LIMITS)).toBe(expected);
  });

  test('rejects a negative amount', () => {
    expect(() => mayApprove('expert', -1, LIMITS)).toThrow(RangeError);
  });
});
