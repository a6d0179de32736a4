import { isRecord, nonEmptyString, positiveInteger } from '../../core/fields';

export interface LineItem {
  sku: string;
  qty: number;
}

export interface PickRecord extends LineItem {
  picker: string;
  at: string;
}

/** Reads `[{sku, qty}]` with at least one line; undefined when the value is not that. */
export function parseLineItems(value: unknown): LineItem[] | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  const items: LineItem[] = [];
  for (const entry of value) {
    if (!isRecord(entry)) return undefined;
    const sku = nonEmptyString(entry.sku);
    const qty = positiveInteger(entry.qty);
    if (sku === undefined || qty === undefined) return undefined;
    items.push({ sku, qty });
  }
  return items;
}

/** Reads pick records; picker and at are optional and defaulted, so tests only say what matters. */
export function parsePickRecords(value: unknown, defaultAt: string): PickRecord[] | undefined {
  // An empty list is meaningful here: nothing was picked.
  if (!Array.isArray(value)) return undefined;
  const records: PickRecord[] = [];
  for (const entry of value) {
    if (!isRecord(entry)) return undefined;
    const sku = nonEmptyString(entry.sku);
    const qty = positiveInteger(entry.qty);
    if (sku === undefined || qty === undefined) return undefined;
    if (entry.picker !== undefined && typeof entry.picker !== 'string') return undefined;
    if (entry.at !== undefined && (typeof entry.at !== 'string' || Number.isNaN(Date.parse(entry.at)))) return undefined;
    records.push({ sku, qty, picker: nonEmptyString(entry.picker) ?? 'picker-01', at: nonEmptyString(entry.at) ?? defaultAt });
  }
  return records;
}
