import { SessionOptionsError } from '../errors/session-options.error.js';

/** The problems the resolver finds, collected so that one error can name them all. */
export class OptionProblems {
  private readonly found: string[] = [];

  add(problem: string): void {
    this.found.push(problem);
  }

  addAll(problems: readonly string[]): void {
    this.found.push(...problems);
  }

  /** Runs a resolver of one option group that throws; its problems join the others. */
  collect<T>(resolve: () => T): T | undefined {
    try {
      return resolve();
    } catch (err) {
      if (!(err instanceof SessionOptionsError)) throw err;
      this.addAll(err.problems);
      return undefined;
    }
  }

  throwIfAny(): void {
    if (this.found.length > 0) throw new SessionOptionsError(this.found);
  }
}
