/** The TOTP time step every suite uses (RFC 6238's default). */
export const TOTP_STEP_MS = 30_000;

/**
 * A step-edge guard for tests on the real clock: a code of the previous step is accepted only
 * while the server is still in the step after it, so when less than `marginMs` of the current
 * step remain, this waits for the next step to begin. Call it right before making such a code;
 * the request then has `marginMs` (however slow the machine, up to that) to reach the server.
 */
export async function awayFromStepEnd(marginMs = 5_000): Promise<void> {
  const left = TOTP_STEP_MS - (Date.now() % TOTP_STEP_MS);
  if (left < marginMs) await new Promise((resolve) => setTimeout(resolve, left + 50));
}
