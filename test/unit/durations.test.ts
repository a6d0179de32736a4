import { formatDuration, parseDuration } from '../../domain/durations';

const S = 1_000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

describe('parseDuration', () => {
  test.each([
    ['250ms', 250],
    ['45s', 45 * S],
    ['30m', 30 * M],
    ['2h', 2 * H],
    ['72h', 72 * H],
    ['1d', D],
    ['1.5d', 1.5 * D],
    ['0.5h', 30 * M],
    ['1h30m', H + 30 * M],
    ['1d2h3m4s5ms', D + 2 * H + 3 * M + 4 * S + 5],
    ['1m30s', M + 30 * S],
    ['  2h  ', 2 * H],
  ])('reads %j as %d ms', (text, expected) => {
    expect(parseDuration(text)).toBe(expected);
  });

  test.each([[''], ['   '], ['5'], ['m'], ['-1h'], ['2 hours'], ['1h 30m'], ['2H'], ['1w'], ['.5h'], ['1.h'], ['h2'], ['30m!'], ['1e3ms']])(
    'rejects %j',
    (text) => {
      expect(parseDuration(text)).toBeUndefined();
    },
  );
});

describe('formatDuration', () => {
  test.each([
    [250, '250ms'],
    [0, '0ms'],
    [S, '1s'],
    [30 * M, '30m'],
    [2 * H, '2h'],
    [H + 30 * M, '1h30m'],
    [1.5 * D, '1d12h'],
    [D + 5 * S, '1d5s'],
    [72 * H, '3d'],
  ])('writes %d ms as %j', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  test('rounds to whole seconds from one second up', () => {
    expect(formatDuration(1_499)).toBe('1s');
    expect(formatDuration(1_500)).toBe('2s');
  });

  test.each([250, S, 59 * S, 30 * M, H + 30 * M, 2 * H, 1.5 * D, D + H + M + S, 48 * H])('round-trips %d ms through parseDuration', (ms) => {
    expect(parseDuration(formatDuration(ms))).toBe(ms);
  });

  test.each(['250ms', '45s', '30m', '2h', '1h30m', '1d12h'])('round-trips the text %j', (text) => {
    expect(formatDuration(parseDuration(text) as number)).toBe(text);
  });
});
