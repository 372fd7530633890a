import { api, onPage, showError, submitting } from './app.js';

onPage(() => {
  const form = document.getElementById('login-form');
  const error = document.getElementById('error');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.hidden = true;
    const fields = new FormData(form);
    const result = await submitting(form, () =>
      api('POST', '/api/auth/login', { username: fields.get('username'), password: fields.get('password') }),
    );
    if (!result.ok) {
      showError(error, result);
      form.elements.password.select();
      return;
    }
    location.assign(result.data.mfa === 'required' ? '/mfa' : '/dashboard');
  });
});
