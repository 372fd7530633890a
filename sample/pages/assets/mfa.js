import { api, logout, onPage, showError } from './app.js';

onPage(() => {
  const form = document.getElementById('mfa-form');
  const error = document.getElementById('error');
  document.getElementById('logout').addEventListener('click', logout);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.hidden = true;
    const result = await api('POST', '/api/auth/mfa/verify', { code: new FormData(form).get('code') });
    if (result.status === 401 && result.data?.error === 'unauthenticated') return location.assign('/login');
    if (!result.ok) return showError(error, result);
    location.assign('/dashboard');
  });
});
