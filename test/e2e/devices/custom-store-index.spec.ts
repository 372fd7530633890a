import { describe, expect, it, vi } from 'vitest';
import { Logger } from '@nestjs/common';
import { MemoryMfaStateStore, MemorySessionIndex, SessionOptionsError } from '../../../lib/index.js';
import { createTestApp, DEVICE_APP_ROUTES, DevicesBrowser, InMemoryMfaSecrets, MapSessionStore, testOptions } from '../../apps/test-app/index.js';

/** A custom store needs its own MFA state store too (see the MFA options). */
const customStoreMfa = () => ({ secretStore: new InMemoryMfaSecrets(), stateStore: new MemoryMfaStateStore() });

describe('session index beside an app-supplied store', () => {
  it('is required: bootstrap fails with a message naming sessionIndex', async () => {
    const failed = createTestApp({ session: testOptions({ store: new MapSessionStore(), mfa: customStoreMfa() }), routes: DEVICE_APP_ROUTES });
    await expect(failed).rejects.toThrow(SessionOptionsError);
    await expect(createTestApp({ session: testOptions({ store: new MapSessionStore(), mfa: customStoreMfa() }), routes: DEVICE_APP_ROUTES })).rejects.toThrow(
      /custom store needs a session index.*sessionIndex/,
    );
  });

  it('is the one the app passes, used for listing and revoking', async () => {
    const index = new MemorySessionIndex();
    const app = await createTestApp({ session: testOptions({ store: new MapSessionStore(), sessionIndex: index, mfa: customStoreMfa() }), routes: DEVICE_APP_ROUTES });
    try {
      const browser = new DevicesBrowser(app, 'UA');
      await browser.post('/login', { user: 'custom' });
      expect(await index.list('custom', Date.now())).toHaveLength(1);
      expect((await browser.get('/api/sessions')).body).toHaveLength(1);
    } finally {
      await app.close();
      await index.close();
    }
  });

  it('can be switched off with false: a warning at bootstrap, 501 devices_not_configured on use', async () => {
    const warn = vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const app = await createTestApp({ session: testOptions({ store: new MapSessionStore(), sessionIndex: false, mfa: customStoreMfa() }), routes: DEVICE_APP_ROUTES });
    try {
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('sessionIndex is false'));
      const browser = new DevicesBrowser(app, 'UA');
      expect((await browser.post('/login', { user: 'no-index' })).status).toBe(200);
      expect((await browser.get('/me')).status).toBe(200);
      const res = await browser.get('/api/sessions');
      expect(res.status).toBe(501);
      expect(res.body).toMatchObject({ error: 'devices_not_configured' });
    } finally {
      warn.mockRestore();
      await app.close();
    }
  });
});
