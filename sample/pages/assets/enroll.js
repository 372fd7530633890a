import { api, onPage, redirectForAuth, showError, submitting } from './app.js';

onPage(async () => {
  const error = document.getElementById('error');
  const started = await api('POST', '/api/mfa/enroll');
  document.getElementById('loading').hidden = true;
  if (redirectForAuth(started)) return;
  if (!started.ok) return showError(error, started);

  document.getElementById('qr').src = started.data.qrDataUrl;
  document.getElementById('otpauth-url').textContent = started.data.otpauthUrl;
  document.getElementById('scan').hidden = false;

  const form = document.getElementById('confirm-form');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.hidden = true;
    const code = new FormData(form).get('code');
    const result = await submitting(form, () => api('POST', '/api/mfa/enroll/confirm', { code }));
    if (redirectForAuth(result)) return;
    if (!result.ok) {
      showError(error, result);
      form.elements.code.select();
      return;
    }
    document.getElementById('scan').hidden = true;
    showRecoveryCodes(result.data.recoveryCodes ?? []);
    document.getElementById('done').hidden = false;
  });
});

function showRecoveryCodes(codes) {
  if (codes.length === 0) return;
  const list = document.getElementById('recovery-codes');
  for (const code of codes) {
    const item = document.createElement('li');
    item.textContent = code;
    list.append(item);
  }
  document.getElementById('recovery').hidden = false;
}
