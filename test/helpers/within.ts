/** An API answer, or 'no answer' when the case did not answer in time (a jammed case). */
export type Answer = { status: number | 'no answer'; body?: any }; // eslint-disable-line @typescript-eslint/no-explicit-any -- API JSON of any shape

/** The call's answer, or `{ status: 'no answer' }` after `ms`: a test of a jam must not hang. */
export async function within(ms: number, call: Promise<Answer>): Promise<Answer> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Answer>((resolve) => {
    timer = setTimeout(() => resolve({ status: 'no answer' }), ms);
  });
  try {
    return await Promise.race([call, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
