import { render } from 'preact';
import { App } from './App';
import { Store } from './store';
import { Controller } from './controller';
import { Connection, inspectedTabId } from './connection';
import { extensionStorage } from './wrapper-marks';
import { followTheme } from './theme';
import { PROTOCOL_VERSION } from '../../src/protocol/version';

// The user's allocator-wrapper marks are remembered in chrome.storage.local.
const store = new Store(extensionStorage());
followTheme(new URLSearchParams(location.search).get('theme'));

const tabId = inspectedTabId();
const root = document.getElementById('app')!;
if (tabId === null) {
  root.textContent = 'WASM Leaks: no inspected tab. Open this panel from DevTools, or add ?tabId=N.';
} else {
  let conn: Connection;
  conn = new Connection(
    tabId,
    (raw) => {
      const { resync, hello } = store.receive(raw);
      if (hello) {
        conn.pageAnswered();
        // A reloaded page starts without a JS stack per allocation: tell it again.
        if (store.fullStacks) conn.send({ t: 'stacks', full: true });
      }
      if (resync) conn.send({ t: 'hello', v: PROTOCOL_VERSION });
    },
    (connected) => store.setConnected(connected),
  );
  const ctl = new Controller(store, conn);
  render(<App store={store} ctl={ctl} tabId={tabId} />, root);
}
