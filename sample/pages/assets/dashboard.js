import { api, logout, onPage, redirectForAuth, showError } from './app.js';

const text = (id, value) => {
  document.getElementById(id).textContent = value;
};

onPage(async () => {
  document.getElementById('logout').addEventListener('click', logout);
  const result = await api('GET', '/api/me');
  document.getElementById('loading').hidden = true;
  if (redirectForAuth(result)) return;
  if (!result.ok) return showError(document.getElementById('error'), result);
  const { user, session } = result.data;
  text('username', user.username);
  text('user-id', user.id);
  text('created-at', new Date(session.createdAt).toLocaleString());
  text('last-seen-at', new Date(session.lastSeenAt).toLocaleString());
  text('mfa', session.mfa ? 'verified in this session' : 'not verified in this session');
  document.getElementById('info').hidden = false;
});
