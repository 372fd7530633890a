import { api, dateTime, hideError, onPage, placeName, redirectForAuth, relativeTime, showError } from './app.js';

const $ = (id) => document.getElementById(id);

/**
 * Whether the user has MFA: only then does a session without a verified code stand out as
 * "MFA pending" (for a user without MFA, no session ever verifies one).
 */
let mfaEnrolled = false;

onPage(async () => {
  const me = await act(() => api('GET', '/api/me'));
  if (!me) {
    $('loading').hidden = true;
    return;
  }
  mfaEnrolled = me.data.user.mfaEnrolled;
  $('revoke-others').addEventListener('click', async (event) => {
    const button = event.currentTarget;
    button.disabled = true;
    const result = await act(() => api('POST', '/api/sessions/revoke-others'));
    button.disabled = false;
    if (result) await load('All other devices are signed out.');
  });
  await load();
});

/** Runs one API call; on failure shows why (or leaves the page) and resolves to null. */
async function act(call) {
  hideError($('error'));
  $('notice').hidden = true;
  const result = await call();
  if (redirectForAuth(result)) return null;
  if (!result.ok) {
    showError($('error'), result);
    return null;
  }
  return result;
}

/** (Re)draws the list from GET /api/sessions; `message` is shown once it is drawn. */
async function load(message) {
  const result = await act(() => api('GET', '/api/sessions'));
  $('loading').hidden = true;
  if (!result) return;
  // This device first, then the others as the API lists them (most recently active first).
  const rows = [...result.data].sort((a, b) => Number(b.current) - Number(a.current));
  $('devices').replaceChildren(...rows.map(deviceRow));
  $('devices').hidden = false;
  $('others').hidden = !rows.some((row) => !row.current);
  if (message) {
    $('notice').textContent = message;
    $('notice').hidden = false;
  }
}

/** "Firefox 128 on Windows"; without either, the raw User-Agent says what it can. */
function deviceName(row) {
  if (row.browser && row.os) return `${row.browser} on ${row.os}`;
  if (row.browser || row.os) return row.browser ?? `Unknown browser on ${row.os}`;
  return row.userAgent ? 'Unknown browser' : 'Unknown device';
}

function deviceRow(row) {
  const item = $('device-row').content.firstElementChild.cloneNode(true);
  const name = deviceName(row);
  const part = (selector) => item.querySelector(selector);
  part('.name').textContent = name;
  part('.current').hidden = !row.current;
  part('.pending').hidden = row.mfa || !mfaEnrolled;
  // Unparsed agents: the raw string is all there is (textContent: never markup).
  if (!row.browser && row.userAgent) {
    part('.device-agent').textContent = row.userAgent;
    part('.device-agent').title = row.userAgent;
    part('.device-agent').hidden = false;
  }
  part('.ip').textContent = row.ip ?? 'unknown IP';
  if (row.location) {
    part('.place').textContent = placeName(row.location);
    part('.place').hidden = false;
    part('.place-sep').hidden = false;
  }
  part('.last-seen').textContent = row.current ? 'Active now' : `Last active ${relativeTime(new Date(row.lastSeenAt))}`;
  part('.created').dateTime = row.createdAt;
  part('.created').textContent = dateTime(new Date(row.createdAt));
  if (row.current) item.classList.add('is-current');

  const signOut = part('.sign-out');
  signOut.setAttribute('aria-label', row.current ? 'Sign out this device' : `Sign out ${name}`);
  signOut.addEventListener('click', async () => {
    signOut.disabled = true;
    const result = await api('DELETE', `/api/sessions/${encodeURIComponent(row.id)}`);
    // Our own handle is a logout: the cookie is gone, the login page is next.
    if (row.current && result.ok) return location.assign('/login');
    if (result.status === 404) return load(`${name} was already signed out.`);
    signOut.disabled = false;
    if (await act(() => Promise.resolve(result))) await load(`${name} is signed out.`);
  });
  return item;
}
