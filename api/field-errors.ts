/** How a request's invalid fields are named in a 400 problem: a JSON path and what is wrong. */
export interface FieldError {
  /** JSON path of the invalid field, e.g. `$.customer.phone`. */
  path: string;
  message: string;
}

export function jsonPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : `${acc}.${String(key)}`), '$');
}
