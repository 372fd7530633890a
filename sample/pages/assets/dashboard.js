import { api, element, hideError, logout, onPage, redirectForAuth, showError, withStepUp } from './app.js';

const $ = (id) => document.getElementById(id);
const text = (id, value) => {
  $(id).textContent = value;
};

onPage(async () => {
  $('logout').addEventListener('click', logout);
  const result = await api('GET', '/api/me');
  $('loading').hidden = true;
  if (redirectForAuth(result)) return;
  if (!result.ok) return showError($('error'), result);
  const { user, session } = result.data;
  text('username', user.username);
  text('user-id', user.id);
  text('created-at', new Date(session.createdAt).toLocaleString());
  text('last-seen-at', new Date(session.lastSeenAt).toLocaleString());
  text('mfa', session.mfa ? 'verified in this session' : 'not verified in this session');
  $('info').hidden = false;
  showTwoFactor(user.mfaEnrolled);
  $('two-factor').hidden = false;
  $('try-token').addEventListener('click', tryAccessToken);
  $('tokens').hidden = false;

  $('regenerate').addEventListener('click', (event) =>
    mfaChange(event.currentTarget, () => api('POST', '/api/mfa/recovery-codes'), (data) => {
      showCodes(data.recoveryCodes);
    }),
  );
  $('disable').addEventListener('click', (event) =>
    mfaChange(event.currentTarget, () => api('DELETE', '/api/mfa'), () => {
      showTwoFactor(false);
      notice('Two-factor authentication is off: from your next login on, the password is enough.');
    }),
  );
});

/** Enrolment on offer for users without MFA; the changes for users with it. */
function showTwoFactor(enrolled) {
  $('mfa-off').hidden = enrolled;
  $('mfa-on').hidden = !enrolled;
  if (!enrolled) $('new-codes').hidden = true;
}

/**
 * One MFA change: the buttons wait while it runs, a stale verification asks for a code first
 * (403 step_up_required), and the outcome is shown in place.
 */
async function mfaChange(button, call, done) {
  const buttons = $('mfa-on').querySelectorAll('button');
  hideError($('error'));
  $('notice').hidden = true;
  for (const b of buttons) b.disabled = true;
  let result;
  try {
    result = await withStepUp($('step-up-host'), call);
  } finally {
    for (const b of buttons) b.disabled = false;
  }
  if (result === null) return button.focus();
  if (redirectForAuth(result)) return;
  if (!result.ok) return showError($('error'), result);
  done(result.data);
}

function showCodes(codes) {
  $('recovery-codes').replaceChildren(...codes.map((code) => element('li', {}, code)));
  $('new-codes').hidden = false;
}

function notice(message) {
  text('notice', message);
  $('notice').hidden = false;
}

/**
 * Asks for an access token with the session cookie, then calls the bearer-only route with the
 * token and without cookies, as an API client would. The token stays in this function: it is
 * never shown nor stored.
 */
async function tryAccessToken() {
  const button = $('try-token');
  hideError($('error'));
  $('token-result').hidden = true;
  button.disabled = true;
  try {
    const minted = await api('POST', '/api/tokens');
    if (redirectForAuth(minted)) return;
    if (!minted.ok) return showError($('error'), minted);
    const response = await fetch('/api/token/me', {
      headers: { Accept: 'application/json', Authorization: `Bearer ${minted.data.accessToken}` },
      credentials: 'omit',
    });
    const data = await response.json().catch(() => null);
    if (!response.ok) return showError($('error'), { status: response.status, ok: false, data });
    text('token-result', `The API accepted the token as ${data.user.username} (device ${data.sid}); it expires in ${minted.data.expiresIn} s.`);
    $('token-result').hidden = false;
  } finally {
    button.disabled = false;
  }
}
