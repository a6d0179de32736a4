/** A value seen but not owned: every property and list element read-only to the type checker. */
export type ReadonlyDeep<T> = T extends (infer E)[] ? readonly ReadonlyDeep<E>[] : T extends object ? { readonly [K in keyof T]: ReadonlyDeep<T[K]> } : T;
