/**
 * Bad options: bootstrap fails with one error that lists every problem found, each saying what
 * to change. `problems` holds them one by one (without the `SessionModule: ` prefix).
 */
export class SessionOptionsError extends Error {
  readonly problems: readonly string[];

  constructor(problems: string | readonly string[]) {
    const list = typeof problems === 'string' ? [problems] : [...problems];
    super(`SessionModule: ${list.length === 1 ? list[0] : `${list.length} problems with the options:\n- ${list.join('\n- ')}`}`);
    this.name = 'SessionOptionsError';
    this.problems = list;
  }
}
