import { api, dateTime, hideError, onPage, placeName, redirectForAuth, showError } from './app.js';

const $ = (id) => document.getElementById(id);

/** What happened, in words; unknown types are shown as they are. */
const WHAT = {
  login: 'Signed in',
  login_failed: 'Failed sign-in',
  logout: 'Signed out',
  'session.revoked': 'A session was signed out',
  'session.binding_mismatch': 'A session changed network or browser',
  'anomaly.location_jump': 'Sign-in moved far away',
  'anomaly.impossible_travel': 'Impossible travel between sign-ins',
  'anomaly.new_device': 'Sign-in from a new device',
  'anomaly.risk': 'Unusual activity',
  'mfa.verified': 'Two-factor code accepted',
  'mfa.failed': 'Wrong two-factor code',
  'mfa.locked': 'Two-factor locked after too many wrong codes',
  'mfa.refused_locked': 'Two-factor attempt refused (locked)',
  'mfa.replay_refused': 'A used two-factor code was refused',
  'mfa.recovery_code_used': 'Recovery code used',
  'mfa.recovery_codes_regenerated': 'New recovery codes made',
  'mfa.enrolled': 'Two-factor authentication turned on',
  'mfa.disabled': 'Two-factor authentication turned off',
};

const ACTIONS = { report: 'reported', 'step-up': 'code asked again', end: 'session ended' };

onPage(async () => {
  hideError($('error'));
  const result = await api('GET', '/api/security/events');
  $('loading').hidden = true;
  if (redirectForAuth(result)) return;
  if (!result.ok) return showError($('error'), result);
  $('events').replaceChildren(...result.data.map(eventRow));
  $('events').hidden = result.data.length === 0;
  $('empty').hidden = result.data.length > 0;
});

/** "London, GB → Changchun, CN · 8182 km · code asked again" (textContent only: never markup). */
function detailText(event) {
  const detail = event.detail ?? {};
  const parts = [];
  if (detail.from && detail.to) parts.push(`${placeName(detail.from)} → ${placeName(detail.to)}`);
  if (typeof detail.distanceKm === 'number') parts.push(`${detail.distanceKm} km`);
  if (typeof detail.speedKmh === 'number') parts.push(`${detail.speedKmh} km/h`);
  if (typeof detail.device === 'string') parts.push(detail.device);
  if (typeof detail.reason === 'string') parts.push(detail.reason.replaceAll('_', ' '));
  if (typeof detail.action === 'string') parts.push(ACTIONS[detail.action] ?? detail.action);
  return parts.join(' · ');
}

function eventRow(event) {
  const item = $('event-row').content.firstElementChild.cloneNode(true);
  const part = (selector) => item.querySelector(selector);
  part('.what').textContent = WHAT[event.type] ?? event.type;
  part('.anomaly').hidden = !event.type.startsWith('anomaly.');
  const detail = detailText(event);
  if (detail) {
    part('.detail').textContent = detail;
    part('.detail').hidden = false;
  }
  part('.when').dateTime = event.at;
  part('.when').textContent = dateTime(new Date(event.at));
  const place = event.location ? placeName(event.location) : 'Unknown place';
  part('.where').textContent = event.ip ? `${place} (${event.ip})` : place;
  const device = [event.browser, event.os].filter(Boolean).join(' on ');
  part('.device').textContent = device || 'Unknown device';
  if (event.type.startsWith('anomaly.')) item.classList.add('is-current');
  return item;
}
