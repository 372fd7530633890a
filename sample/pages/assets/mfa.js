import { api, hideError, logout, onPage, showError, submitting } from './app.js';
import { passkeysSupported, usePasskey } from './passkeys.js';

onPage(() => {
  const error = document.getElementById('error');
  const codeForm = document.getElementById('mfa-form');
  const recoveryForm = document.getElementById('recovery-form');
  document.getElementById('logout').addEventListener('click', logout);

  // Two ways through the second step: a code from the app, or a recovery code.
  const show = (form, other) => {
    hideError(error);
    other.hidden = true;
    form.hidden = false;
    form.querySelector('input').focus();
  };
  document.getElementById('use-recovery').addEventListener('click', () => show(recoveryForm, codeForm));
  document.getElementById('use-app').addEventListener('click', () => show(codeForm, recoveryForm));

  // A third way: one of the user's passkeys (it shares the attempt count with codes).
  const passkeyButton = document.getElementById('use-passkey');
  passkeyButton.hidden = !passkeysSupported();
  passkeyButton.addEventListener('click', async () => {
    hideError(error);
    passkeyButton.disabled = true;
    const result = await usePasskey('/api/auth/mfa/passkey/options', '/api/auth/mfa/passkey');
    passkeyButton.disabled = false;
    if (result.status === 401 && result.data?.error === 'unauthenticated') return location.assign('/login');
    if (result.ok || result.data?.error === 'mfa_not_pending') return location.assign('/dashboard');
    showError(error, result, passkeyButton);
  });

  submitCode(codeForm, '/api/auth/mfa/verify', error);
  submitCode(recoveryForm, '/api/auth/mfa/recovery', error);
});

/** Posts the form's one field as `{ code }` and goes to the dashboard once it is accepted. */
function submitCode(form, path, error) {
  const input = form.querySelector('input');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    hideError(error);
    const result = await submitting(form, () => api('POST', path, { code: input.value }));
    if (result.status === 401 && result.data?.error === 'unauthenticated') return location.assign('/login');
    // Already verified (another tab, or the back button): nothing left to do here.
    if (result.data?.error === 'mfa_not_pending') return location.assign('/dashboard');
    if (!result.ok) {
      // 429 locked: both forms share the account's attempt count, the countdown says how long.
      showError(error, result, form.querySelector('button[type="submit"]'));
      input.select();
      return;
    }
    location.assign('/dashboard');
  });
}
