/** Runs async jobs one after another, so updates of one store never interleave. */
export class SerialQueue {
  private tail: Promise<void> = Promise.resolve();
  private pending = 0;

  get idle(): boolean {
    return this.pending === 0;
  }

  run(job: () => Promise<void>): Promise<void> {
    this.pending++;
    const next = this.tail.then(job).finally(() => this.pending--);
    this.tail = next.catch(() => undefined);
    return next;
  }
}
