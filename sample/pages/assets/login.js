import { api, hideError, onPage, showError, submitting } from './app.js';
import { autofillSupported, passkeysSupported, usePasskey } from './passkeys.js';

onPage(() => {
  const form = document.getElementById('login-form');
  const error = document.getElementById('error');
  const passkeyButton = document.getElementById('passkey-login');
  /** The autofill (conditional UI) request waiting in the username field: its controller and its end. */
  let autofill;

  /**
   * Ends the autofill request and waits until it has: its options call holds a challenge in an
   * anonymous session, and that answer must not land after (and replace) a login's new session.
   */
  async function stopAutofill() {
    const running = autofill;
    autofill = undefined;
    if (!running) return;
    running.controller.abort();
    await running.done;
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    hideError(error);
    const fields = new FormData(form);
    const result = await submitting(form, async () => {
      await stopAutofill();
      return api('POST', '/api/auth/login', { username: fields.get('username'), password: fields.get('password') });
    });
    if (!result.ok) {
      // 429 throttled: the countdown keeps the button disabled until Retry-After has passed.
      showError(error, result, form.querySelector('button[type="submit"]'));
      form.elements.password.select();
      return;
    }
    location.assign(result.data.mfa === 'required' ? '/mfa' : '/dashboard');
  });

  if (!passkeysSupported()) {
    passkeyButton.hidden = true;
    return;
  }

  // A user-verifying passkey signs in alone: both factors, no password, no code.
  passkeyButton.addEventListener('click', async () => {
    hideError(error);
    passkeyButton.disabled = true;
    await stopAutofill();
    const result = await usePasskey('/api/auth/passkey/options', '/api/auth/passkey');
    passkeyButton.disabled = false;
    if (result.ok) return location.assign('/dashboard');
    showError(error, result, passkeyButton);
  });

  // Where supported, the username field's autofill offers the site's passkeys too. Started when
  // the field is first used, not on load: a visit that never signs in stores no session.
  form.elements.username.addEventListener(
    'focus',
    async () => {
      const controller = new AbortController();
      const done = (async () => {
        if (!(await autofillSupported())) return { ok: false, aborted: true, data: null };
        return usePasskey('/api/auth/passkey/options', '/api/auth/passkey', { mediation: 'conditional', signal: controller.signal });
      })();
      autofill = { controller, done };
      const result = await done;
      if (autofill?.controller === controller) autofill = undefined;
      if (result.ok) return location.assign('/dashboard');
      if (!controller.signal.aborted && !result.aborted && result.data?.error !== 'browser') showError(error, result);
    },
    { once: true },
  );
});
