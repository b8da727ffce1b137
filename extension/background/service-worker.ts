/// <reference types="@crxjs/vite-plugin/client" />
import browser from 'webextension-polyfill';
import { Router, type PortLike } from '../../src/protocol/router';
import { install, reloadAndRecord, setSiteRecorded, recordedSites } from './recording';
import { installAction, toggleFromAction, updateBadge } from './action';

// The panel's Reload is "Reload and record": the page is dormant otherwise.
const router = new Router((tabId) => void reloadAndRecord(tabId).catch(() => {}));
browser.runtime.onConnect.addListener((port) => router.connect(port as unknown as PortLike));
install((tab) => void updateBadge(tab).catch(() => {}));
installAction();
// For the e2e harness and the worker's console: turn a site's recording on/off.
Object.assign(globalThis, { wasmLeaks: { setSiteRecorded, recordedSites, reloadAndRecord, toggleFromAction } });
