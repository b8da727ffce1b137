import browser from 'webextension-polyfill';
import { Router, type PortLike } from '../../src/protocol/router';

const router = new Router((tabId) => void browser.tabs.reload(tabId));
browser.runtime.onConnect.addListener((port) => router.connect(port as unknown as PortLike));
