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

/** Calls the API; resolves to { status, ok, data } (data: the JSON body, or null). */
export async function api(method, path, body) {
  const init = { method, headers: { Accept: 'application/json' }, credentials: 'same-origin' };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  try {
    const response = await fetch(path, init);
    const data = response.status === 204 ? null : await response.json().catch(() => null);
    return { status: response.status, ok: response.ok, data };
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

/** Shows the API's error message in `element`. */
export function showError(element, result) {
  element.textContent = result.data?.message ?? `Request failed (HTTP ${result.status}).`;
  element.hidden = false;
}

/** Where a refused API call should take the person: log in, or finish the second step. */
export function redirectForAuth(result) {
  if (result.status === 401) location.assign('/login');
  else if (result.data?.error === 'mfa_required') location.assign('/mfa');
  else return false;
  return true;
}

export async function logout() {
  await api('POST', '/api/auth/logout');
  location.assign('/login');
}
