// The dashboard's passkey panel: list, add, rename, remove (removing asks for a step-up).
import { api, dateTime, element, hideError, onPage, redirectForAuth, showError, submitting, withStepUp } from './app.js';
import { passkeysSupported, registerPasskey } from './passkeys.js';

const $ = (id) => document.getElementById(id);

onPage(async () => {
  if (!passkeysSupported()) return;
  const listed = await api('GET', '/api/passkeys');
  // 404: this server has no passkeys (APP_ORIGIN is an IP address or plain http off localhost).
  if (!listed.ok) return;
  render(listed.data);
  $('passkeys').hidden = false;
  const form = $('passkey-form');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clear();
    const name = form.elements.passkeyName.value.trim();
    const result = await submitting(form, () => withStepUp($('passkey-step-up-host'), () => registerPasskey(name || undefined)));
    if (result === null) return;
    if (redirectForAuth(result)) return;
    if (!result.ok) return showError($('passkey-error'), result);
    form.reset();
    notice(`Passkey “${result.data.name}” added.`);
    await refresh();
  });
});

async function refresh() {
  const listed = await api('GET', '/api/passkeys');
  if (redirectForAuth(listed)) return;
  if (listed.ok) render(listed.data);
}

function render(passkeys) {
  const rows = passkeys.map((passkey) => {
    const rename = element('button', { type: 'button', class: 'secondary' }, 'Rename');
    const remove = element('button', { type: 'button', class: 'danger' }, 'Remove');
    rename.addEventListener('click', () => renamePasskey(passkey));
    remove.addEventListener('click', () => removePasskey(passkey, remove));
    const used = passkey.lastUsedAt === null ? 'never used' : `last used ${dateTime(new Date(passkey.lastUsedAt))}`;
    return element(
      'li',
      { 'data-passkey-id': passkey.id },
      element('strong', { class: 'passkey-name' }, passkey.name),
      ` · added ${dateTime(new Date(passkey.createdAt))} · ${used}${passkey.backedUp ? ' · synced' : ''} `,
      rename,
      remove,
    );
  });
  $('passkey-list').replaceChildren(...(rows.length > 0 ? rows : [element('li', {}, 'No passkeys yet.')]));
}

async function renamePasskey(passkey) {
  clear();
  const name = window.prompt('A new name for this passkey', passkey.name);
  if (name === null) return;
  const result = await api('PATCH', `/api/passkeys/${encodeURIComponent(passkey.id)}`, { name });
  if (redirectForAuth(result)) return;
  if (!result.ok) return showError($('passkey-error'), result);
  await refresh();
}

async function removePasskey(passkey, button) {
  clear();
  button.disabled = true;
  const result = await withStepUp($('passkey-step-up-host'), () => api('DELETE', `/api/passkeys/${encodeURIComponent(passkey.id)}`));
  button.disabled = false;
  if (result === null) return;
  if (redirectForAuth(result)) return;
  if (!result.ok) return showError($('passkey-error'), result);
  notice(`Passkey “${passkey.name}” removed.`);
  await refresh();
}

function clear() {
  hideError($('passkey-error'));
  $('passkey-notice').hidden = true;
}

function notice(message) {
  $('passkey-notice').textContent = message;
  $('passkey-notice').hidden = false;
}
