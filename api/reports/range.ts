import { epochDayOf } from '../../domain/business-calendar';
import { HttpProblem } from '../problem';

/**
 * A report's `from`/`to`: local dates in the business time zone, both days included. As instants
 * the range is [from 00:00 local, the day after `to` 00:00 local).
 */
export interface ReportRange {
  from: string;
  to: string;
  utcOffsetMinutes: number;
  start: Date;
  end: Date;
  /** Every local date of the range, in order. */
  days: string[];
}

const DAY_MS = 86_400_000;

export function offsetLabel(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

export function parseReportRange(query: Record<string, unknown>, options: { utcOffsetMinutes: number; maxRangeDays: number }): ReportRange {
  const errors: { path: string; message: string }[] = [];
  const day = (name: 'from' | 'to'): number | undefined => {
    const value = query[name];
    if (typeof value !== 'string' || value === '') {
      errors.push({ path: `$.${name}`, message: `${name} is required, a date YYYY-MM-DD` });
      return undefined;
    }
    const parsed = epochDayOf(value);
    if (parsed === undefined) errors.push({ path: `$.${name}`, message: `${name} must be a real date YYYY-MM-DD, got ${value}` });
    return parsed;
  };
  const fromDay = day('from');
  const toDay = day('to');
  if (fromDay !== undefined && toDay !== undefined) {
    if (toDay < fromDay) errors.push({ path: '$.to', message: 'to must not be before from' });
    else if (toDay - fromDay + 1 > options.maxRangeDays) {
      errors.push({ path: '$.to', message: `the range may cover at most ${options.maxRangeDays} days` });
    }
  }
  if (errors.length || fromDay === undefined || toDay === undefined) {
    throw new HttpProblem(400, 'Invalid request', `The query string has ${errors.length} invalid field(s)`, { errors });
  }
  const offsetMs = options.utcOffsetMinutes * 60_000;
  const days: string[] = [];
  for (let d = fromDay; d <= toDay; d += 1) days.push(new Date(d * DAY_MS).toISOString().slice(0, 10));
  return {
    from: query.from as string,
    to: query.to as string,
    utcOffsetMinutes: options.utcOffsetMinutes,
    start: new Date(fromDay * DAY_MS - offsetMs),
    end: new Date((toDay + 1) * DAY_MS - offsetMs),
    days,
  };
}
