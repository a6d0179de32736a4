/**
 * What a stack has started, and how to stop it: every part registers its stop as it comes up, and
 * `stopAll()` runs them newest first — the API stops taking requests before the worker, the
 * worker before its connection, a database is dropped before its server stops, the servers last.
 * A stop that fails is reported and the rest still run, so one stuck part leaves nothing else
 * behind. Calling `stopAll()` again (a signal during a failing start) waits for the same stop.
 */

export type Log = (line: string) => void;

export class Stops {
  private readonly stops: Array<[string, () => Promise<unknown>]> = [];
  private stopping: Promise<void> | undefined;

  constructor(private readonly onFailure: (name: string, error: Error) => void) {}

  add(name: string, stop: () => Promise<unknown>): void {
    this.stops.push([name, stop]);
  }

  stopAll(): Promise<void> {
    this.stopping ??= (async () => {
      for (const [name, stop] of this.stops.splice(0).reverse()) {
        try {
          await stop();
        } catch (error) {
          this.onFailure(name, error as Error);
        }
      }
    })();
    return this.stopping;
  }
}
