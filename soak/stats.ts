/** What the virtual users saw, counted; details hold routes and codes, never cookies or codes of MFA. */
export class Stats {
  /** phase -> status ('200', '503', 'network') -> count */
  readonly byStatus = new Map<string, Map<string, number>>();
  /** 5xx other than 503: method, route, status, error code. */
  readonly serverErrors: string[] = [];
  /** Epoch ms of the last 2xx from each app instance (by name). */
  readonly last2xx = new Map<string, number>();

  logins = 0;
  mfaEnrolled = 0;
  mfaVerified = 0;
  /** Accepted TOTP codes sent once more on the other instance, and how many were accepted again. */
  mfaReplayProbed = 0;
  mfaReplayAccepted = 0;
  mfaReplayInconclusive = 0;

  writesAcked = 0;
  writesAckedOutsideFaults = 0;
  writesUncertain = 0;
  readsChecked = 0;
  lostWrites = 0;
  lostWritesInFaults = 0;
  readonly lostDetails: string[] = [];

  /** Responses that carried another account's user or data. */
  foreignData = 0;
  readonly foreignDetails: string[] = [];

  logouts = 0;
  revocations = 0;
  /** Old cookies of ended sessions replayed, and how many were still accepted. */
  endedReplayed = 0;
  endedAlive = 0;
  readonly aliveDetails: string[] = [];

  /** 401 for a session the user had not ended, which worked again afterwards. */
  spurious401 = 0;
  spurious401OutsideFaults = 0;
  /** Sessions found ended after a logout or revocation of them answered 503 or nothing (it had worked). */
  endedUnanswered = 0;
  /** Sessions that died without logout or revocation. */
  sessionsLost = 0;
  sessionsLostOutsideFaults = 0;

  count(phase: string, status: string): void {
    const row = this.byStatus.get(phase) ?? new Map<string, number>();
    row.set(status, (row.get(status) ?? 0) + 1);
    this.byStatus.set(phase, row);
  }

  note(list: string[], line: string): void {
    if (list.length < 20) list.push(line);
  }
}
