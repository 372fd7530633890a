import { existsSync } from 'node:fs';

/** Debian's Chromium (`apt-get install chromium`); Playwright's own browser builds cannot be downloaded here. */
export const CHROMIUM = '/usr/bin/chromium';

export const chromiumPresent = existsSync(CHROMIUM);

/** No outside network: nothing that makes Chromium phone home (a closed network refuses it, many at a time). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
