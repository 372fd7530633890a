import { api, element, hideError, onPage, redirectForAuth, showError, submitting, withStepUp } from './app.js';

onPage(async () => {
  const error = document.getElementById('error');
  // Re-enrolment (a new authenticator) needs a recent code from the current one: 403 step_up_required.
  const loading = document.getElementById('loading');
  const start = () => api('POST', '/api/mfa/enroll');
  const started = await withStepUp(document.getElementById('step-up-host'), start, () => {
    loading.hidden = true;
  });
  loading.hidden = true;
  if (started === null) return location.assign('/dashboard');
  if (redirectForAuth(started)) return;
  if (!started.ok) return showError(error, started);

  document.getElementById('qr').src = started.data.qrDataUrl;
  document.getElementById('otpauth-url').textContent = started.data.otpauthUrl;
  document.getElementById('scan').hidden = false;

  const form = document.getElementById('confirm-form');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    hideError(error);
    const code = new FormData(form).get('code');
    const result = await submitting(form, () => api('POST', '/api/mfa/enroll/confirm', { code }));
    if (redirectForAuth(result)) return;
    if (!result.ok) {
      showError(error, result, form.querySelector('button[type="submit"]'));
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
  document.getElementById('recovery-codes').replaceChildren(...codes.map((code) => element('li', {}, code)));
  document.getElementById('recovery').hidden = false;
}
