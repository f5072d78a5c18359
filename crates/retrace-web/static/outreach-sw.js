// The outreach app's service worker: keeps the session form and its files
// so the form opens with no network. Pages are fetched from the network
// first and the copy is refreshed each time; nothing else is cached (never
// the device key, never a sync).
'use strict';

const CACHE = 'retrace-outreach-v1';
const SHELL = [
  '/outreach/sessions/new',
  '/static/app.css',
  '/static/outreach.css',
  '/static/outreach.js',
  '/static/outreach-icon.svg',
  '/outreach/manifest.webmanifest',
];

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter((name) => name !== CACHE).map((name) => caches.delete(name))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  const path = url.pathname;
  if (!SHELL.includes(path)) return;
  event.respondWith(
    fetch(request)
      .then((response) => {
        if (response.ok && !response.redirected) {
          const copy = response.clone();
          caches.open(CACHE).then((cache) => cache.put(path, copy));
        }
        return response;
      })
      .catch(() => caches.match(path).then((cached) => cached || Response.error())),
  );
});
