import type { PasskeyCredential, PasskeyCredentialUpdate, PasskeyStore } from '../passkeys/passkey-store.interface.js';

/**
 * A {@link PasskeyStore} in a Map, for tests and the sample only: passkeys vanish with the
 * process. Copies go in and out, so a caller cannot change what it holds behind its back.
 */
export class MemoryPasskeyStore implements PasskeyStore {
  private readonly credentials = new Map<string, PasskeyCredential>();

  async findById(credentialId: string): Promise<PasskeyCredential | null> {
    const credential = this.credentials.get(credentialId);
    return credential ? copy(credential) : null;
  }

  async listByUser(userId: string): Promise<PasskeyCredential[]> {
    return [...this.credentials.values()].filter((c) => c.userId === userId).map(copy);
  }

  async add(credential: PasskeyCredential): Promise<void> {
    this.credentials.set(credential.id, copy(credential));
  }

  async update(credentialId: string, changes: PasskeyCredentialUpdate): Promise<void> {
    const credential = this.credentials.get(credentialId);
    if (credential) this.credentials.set(credentialId, { ...credential, ...changes });
  }

  async remove(credentialId: string): Promise<void> {
    this.credentials.delete(credentialId);
  }
}

function copy(credential: PasskeyCredential): PasskeyCredential {
  return { ...credential, transports: [...credential.transports] };
}
