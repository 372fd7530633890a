interface Gate {
  reached: Promise<void>;
  signalReached: () => void;
  released: Promise<void>;
  release: () => void;
}

/**
 * Lets a test hold a request inside its handler, after the session was loaded and before it
 * is saved, to force one interleaving with a parallel request (logout, rotation, a write).
 */
export class Gates {
  private readonly gates = new Map<string, Gate>();

  /** Called by the handler: reports that it got here, then waits for {@link release}. */
  async pass(id: string): Promise<void> {
    const gate = this.gate(id);
    gate.signalReached();
    await gate.released;
    this.gates.delete(id);
  }

  /** Resolves once the request holding `id` is inside the handler. */
  reached(id: string): Promise<void> {
    return this.gate(id).reached;
  }

  release(id: string): void {
    this.gate(id).release();
  }

  private gate(id: string): Gate {
    let gate = this.gates.get(id);
    if (!gate) {
      let signalReached!: () => void;
      let release!: () => void;
      const reached = new Promise<void>((resolve) => (signalReached = resolve));
      const released = new Promise<void>((resolve) => (release = resolve));
      gate = { reached, signalReached, released, release };
      this.gates.set(id, gate);
    }
    return gate;
  }
}
