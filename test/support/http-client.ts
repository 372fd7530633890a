// The cookie-keeping client ships in the testing entry; the suites keep their name for it.
export { TestBrowser as BrowserClient, parseSetCookie, setCookies, type ParsedCookie } from '../../lib/testing/index.js';
