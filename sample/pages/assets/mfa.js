import { api, logout, onPage, showError, submitting } from './app.js';

onPage(() => {
  const form = document.getElementById('mfa-form');
  const error = document.getElementById('error');
  document.getElementById('logout').addEventListener('click', logout);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.hidden = true;
    const code = new FormData(form).get('code');
    const result = await submitting(form, () => api('POST', '/api/auth/mfa/verify', { code }));
    if (result.status === 401 && result.data?.error === 'unauthenticated') return location.assign('/login');
    // Already verified (another tab, or the back button): nothing left to do here.
    if (result.data?.error === 'mfa_not_pending') return location.assign('/dashboard');
    if (!result.ok) {
      showError(error, result);
      form.elements.code.select();
      return;
    }
    location.assign('/dashboard');
  });
});
