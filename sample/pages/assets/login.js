import { api, hideError, onPage, showError, submitting } from './app.js';

onPage(() => {
  const form = document.getElementById('login-form');
  const error = document.getElementById('error');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    hideError(error);
    const fields = new FormData(form);
    const result = await submitting(form, () =>
      api('POST', '/api/auth/login', { username: fields.get('username'), password: fields.get('password') }),
    );
    if (!result.ok) {
      // 429 throttled: the countdown keeps the button disabled until Retry-After has passed.
      showError(error, result, form.querySelector('button[type="submit"]'));
      form.elements.password.select();
      return;
    }
    location.assign(result.data.mfa === 'required' ? '/mfa' : '/dashboard');
  });
});
