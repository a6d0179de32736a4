/**
 * Chinese carrier APIs speak local wall-clock time (UTC+8, no zone marker). China has no DST, so a
 * fixed offset is exact.
 */
const CHINA_OFFSET_MS = 8 * 60 * 60 * 1000;

function parts(date: Date): { y: string; mo: string; d: string; h: string; mi: string; s: string } {
  const local = new Date(date.getTime() + CHINA_OFFSET_MS);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return {
    y: String(local.getUTCFullYear()),
    mo: pad(local.getUTCMonth() + 1),
    d: pad(local.getUTCDate()),
    h: pad(local.getUTCHours()),
    mi: pad(local.getUTCMinutes()),
    s: pad(local.getUTCSeconds()),
  };
}

/** 2024-05-01 18:30:00 */
export function chinaDateTime(date: Date): string {
  const p = parts(date);
  return `${p.y}-${p.mo}-${p.d} ${p.h}:${p.mi}:${p.s}`;
}

/** 2024/05/01 18:30:00 (JD's trace format) */
export function chinaDateTimeSlashed(date: Date): string {
  const p = parts(date);
  return `${p.y}/${p.mo}/${p.d} ${p.h}:${p.mi}:${p.s}`;
}
