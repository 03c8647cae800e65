/**
 * At most `max` holders at once; the others wait in arrival order. A waiter whose signal
 * aborts leaves the queue at once, rejecting with the signal's reason.
 */
export class ConcurrencyLimit {
  private running = 0;
  private readonly waiting: { grant: () => void }[] = [];

  constructor(readonly max: number) {
    if (!Number.isInteger(max) || max < 1)
      throw new RangeError(`A concurrency limit must be a whole number of at least 1, not ${max}`);
  }

  /** How many hold a place now. */
  get active(): number {
    return this.running;
  }

  /**
   * Resolves with the function that gives the place back, once one is free. `onWait` is
   * called once, when the caller has to wait.
   */
  acquire(signal: AbortSignal, onWait?: () => void): Promise<() => void> {
    if (signal.aborted) return Promise.reject(signal.reason as Error);
    if (this.running < this.max) {
      this.running++;
      return Promise.resolve(this.releaser());
    }
    onWait?.();
    return new Promise((resolve, reject) => {
      const waiter = {
        grant: () => {
          signal.removeEventListener('abort', abandon);
          resolve(this.releaser());
        },
      };
      const abandon = (): void => {
        const index = this.waiting.indexOf(waiter);
        if (index >= 0) this.waiting.splice(index, 1);
        reject(signal.reason as Error);
      };
      signal.addEventListener('abort', abandon, { once: true });
      this.waiting.push(waiter);
    });
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      // The place passes straight to the next waiter, so a newcomer cannot overtake it.
      if (next !== undefined) next.grant();
      else this.running--;
    };
  }
}
