// Shared by every page: JSON calls to the same-origin API and a few DOM helpers.

const appOrigin = document.querySelector('meta[name="app-origin"]')?.content;

// The API refuses state changes whose Origin is not APP_ORIGIN (CSRF). A page opened under
// another name for the same server (127.0.0.1 instead of localhost) could never post: move first.
const misplaced = Boolean(appOrigin) && location.origin !== appOrigin;
if (misplaced) location.replace(appOrigin + location.pathname + location.search);

/** Runs a page's script, unless the page is about to move to APP_ORIGIN. */
export function onPage(main) {
  if (!misplaced) main();
}

/**
 * Calls the API; resolves to { status, ok, data, retryAfter } (data: the JSON body, or null;
 * retryAfter: the Retry-After header in seconds on a 429, else undefined).
 */
export async function api(method, path, body) {
  const init = { method, headers: { Accept: 'application/json' }, credentials: 'same-origin' };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  try {
    const response = await fetch(path, init);
    const data = response.status === 204 ? null : await response.json().catch(() => null);
    const retryAfter = Number.parseInt(response.headers.get('Retry-After') ?? '', 10);
    return {
      status: response.status,
      ok: response.ok,
      data,
      retryAfter: response.status === 429 && retryAfter > 0 ? retryAfter : undefined,
    };
  } catch {
    return { status: 0, ok: false, data: { error: 'network', message: 'The server cannot be reached.' } };
  }
}

/**
 * Runs `work` (the form's API call) with its submit button disabled: a double click sends one
 * request, not two logins or two codes (the second code would be refused as already used).
 */
export async function submitting(form, work) {
  const button = form.querySelector('button[type="submit"]');
  button.disabled = true;
  try {
    return await work();
  } finally {
    button.disabled = false;
  }
}

/** What a 429 says while it lasts, by error code; `wait` is e.g. "30 seconds". */
const WAIT_MESSAGES = {
  locked: (wait) => `Too many wrong codes. Try again in ${wait}.`,
  throttled: (wait) => `Too many failed logins. Try again in ${wait}.`,
};

/** Countdowns running in error elements, so that a new error replaces the old one's. */
const countdowns = new WeakMap();

/**
 * Shows the API's error message in `element`. A 429 with Retry-After counts the seconds down
 * in place and keeps `button` (if given) disabled until then.
 */
export function showError(element, result, button) {
  clearInterval(countdowns.get(element));
  countdowns.delete(element);
  element.hidden = false;
  const waitMessage = WAIT_MESSAGES[result.data?.error] ?? ((wait) => `Too many attempts. Try again in ${wait}.`);
  if (result.retryAfter === undefined) {
    element.textContent = result.data?.message ?? `Request failed (HTTP ${result.status}).`;
    return;
  }
  const until = Date.now() + result.retryAfter * 1_000;
  const render = () => {
    const left = Math.ceil((until - Date.now()) / 1_000);
    if (left > 0) {
      element.textContent = waitMessage(waitText(left));
      if (button) button.disabled = true;
      return;
    }
    clearInterval(countdowns.get(element));
    countdowns.delete(element);
    element.textContent = 'You can try again now.';
    if (button) button.disabled = false;
  };
  render();
  countdowns.set(element, setInterval(render, 1_000));
}

/** "45 seconds", "14 min 58 s". */
function waitText(seconds) {
  if (seconds < 60) return seconds === 1 ? '1 second' : `${seconds} seconds`;
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

/** Hides an error shown by {@link showError} and stops its countdown. */
export function hideError(element) {
  clearInterval(countdowns.get(element));
  countdowns.delete(element);
  element.hidden = true;
}

/** Where a refused API call should take the person: log in, or finish the second step. */
export function redirectForAuth(result) {
  // Other 401s (a wrong code, wrong credentials) are answers for the form, not a lost session.
  if (result.status === 401 && (result.data?.error ?? 'unauthenticated') === 'unauthenticated') location.assign('/login');
  else if (result.data?.error === 'mfa_required') location.assign('/mfa');
  else return false;
  return true;
}

export async function logout() {
  const result = await api('POST', '/api/auth/logout');
  // A single sign-on session: sign out at the provider too (it comes back to /login).
  if (result.ok && result.data && typeof result.data.redirect === 'string') return location.assign(result.data.redirect);
  location.assign('/login');
}

/** A new element with attributes and children (text or elements); `hidden: true` and friends are set as properties. */
export function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (typeof value === 'boolean') node[name] = value;
    else node.setAttribute(name, value);
  }
  node.append(...children);
  return node;
}

/**
 * Runs `call` (a function making one API call). When it answers 403 `step_up_required` (MFA
 * changes need a code verified in the last few minutes), asks for a code in a form added to
 * `host`, posts it to /api/auth/mfa/step-up (which gives the session a new ID), and runs `call`
 * again (`onAsk` runs when the form appears). Resolves to the last result, or null when the
 * person cancelled.
 */
export async function withStepUp(host, call, onAsk = () => {}) {
  const first = await call();
  if (first.data?.error !== 'step_up_required') return first;
  onAsk();
  const confirmed = await askForStepUp(host, first.data.message);
  return confirmed ? call() : null;
}

/** The step-up form; resolves true once a code (or a passkey) was accepted, false on cancel. */
function askForStepUp(host, reason) {
  const error = element('p', { class: 'error', role: 'alert', hidden: true });
  const input = element('input', {
    name: 'code',
    inputmode: 'numeric',
    autocomplete: 'one-time-code',
    pattern: '[0-9]{6}',
    maxlength: '6',
    required: true,
  });
  const cancel = element('button', { type: 'button', class: 'secondary' }, 'Cancel');
  // Passkeys count as a step-up too (sample/pages/assets/passkeys.js; only where the browser has them).
  const passkey = element('button', { type: 'button', class: 'secondary', hidden: !window.PublicKeyCredential }, 'Use a passkey');
  const form = element(
    'form',
    { class: 'step-up', method: 'post', 'aria-labelledby': 'step-up-title' },
    element('h2', { id: 'step-up-title' }, 'Confirm it’s you'),
    element('p', {}, `${reason} Enter the 6-digit code from your authenticator app.`),
    element('label', {}, 'Authenticator code', input),
    element('p', { class: 'actions' }, element('button', { type: 'submit' }, 'Continue'), passkey, cancel),
    error,
  );
  host.append(form);
  input.focus();
  return new Promise((resolve) => {
    const finish = (confirmed) => {
      hideError(error);
      form.remove();
      resolve(confirmed);
    };
    cancel.addEventListener('click', () => finish(false));
    passkey.addEventListener('click', async () => {
      hideError(error);
      passkey.disabled = true;
      const { usePasskey } = await import('./passkeys.js');
      const result = await usePasskey('/api/auth/mfa/step-up/passkey/options', '/api/auth/mfa/step-up/passkey');
      passkey.disabled = false;
      if (result.ok) return finish(true);
      if (redirectForAuth(result)) return;
      showError(error, result, passkey);
    });
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      hideError(error);
      const result = await submitting(form, () => api('POST', '/api/auth/mfa/step-up', { code: input.value }));
      if (result.ok) return finish(true);
      if (redirectForAuth(result)) return;
      showError(error, result, form.querySelector('button[type="submit"]'));
      input.select();
    });
  });
}

/** "3 minutes ago", "just now", "yesterday". */
export function relativeTime(date) {
  const seconds = Math.round((date.getTime() - Date.now()) / 1_000);
  if (Math.abs(seconds) < 45) return 'just now';
  const format = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
  const minutes = Math.round(seconds / 60);
  if (Math.abs(minutes) < 60) return format.format(minutes, 'minute');
  const hours = Math.round(minutes / 60);
  if (Math.abs(hours) < 24) return format.format(hours, 'hour');
  return format.format(Math.round(hours / 24), 'day');
}

/** A date and time as people read them where they are. */
export function dateTime(date) {
  return date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** "London, GB", or the country alone when the database knows no city. */
export function placeName(location) {
  return location.city ? `${location.city}, ${location.country}` : location.country;
}
