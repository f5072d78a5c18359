// Outreach on a phone: sessions are saved on the device first, encrypted
// with a key the server hands to the signed-in session (AES-GCM, kept as a
// non-extractable CryptoKey), and synced when the network is there. Each
// session carries an id made here, so a sync sent twice is counted once.
// A synced session is erased from the device; signing out erases
// everything (the server also answers sign-out with Clear-Site-Data).
(() => {
  'use strict';

  const DB_NAME = 'retrace-outreach';
  const QUEUE = 'queue';
  const KEYS = 'keys';
  const BATCH = 100;
  const root = document.getElementById('outreach-device');
  const form = document.getElementById('outreach-form');

  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('/outreach/sw.js', { scope: '/outreach/' }).catch(() => {});
  }

  function openDb() {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = () => {
        const db = request.result;
        if (!db.objectStoreNames.contains(QUEUE)) db.createObjectStore(QUEUE, { keyPath: 'id' });
        if (!db.objectStoreNames.contains(KEYS)) db.createObjectStore(KEYS, { keyPath: 'name' });
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  async function withStore(name, mode, action) {
    const db = await openDb();
    try {
      return await new Promise((resolve, reject) => {
        const tx = db.transaction(name, mode);
        const result = action(tx.objectStore(name));
        tx.oncomplete = () => resolve(result && 'result' in result ? result.result : undefined);
        tx.onerror = () => reject(tx.error);
        tx.onabort = () => reject(tx.error);
      });
    } finally {
      db.close();
    }
  }

  const getAll = () => withStore(QUEUE, 'readonly', (s) => s.getAll());
  const put = (name, value) => withStore(name, 'readwrite', (s) => s.put(value));
  const remove = (id) => withStore(QUEUE, 'readwrite', (s) => s.delete(id));
  const storedKey = () => withStore(KEYS, 'readonly', (s) => s.get('device'));

  function hexBytes(hex) {
    const bytes = new Uint8Array(hex.length / 2);
    for (let i = 0; i < bytes.length; i += 1) bytes[i] = parseInt(hex.substr(i * 2, 2), 16);
    return bytes;
  }

  async function fingerprint(hex) {
    const digest = await crypto.subtle.digest('SHA-256', hexBytes(hex));
    return Array.from(new Uint8Array(digest).slice(0, 8), (b) => b.toString(16).padStart(2, '0')).join('');
  }

  async function encrypt(key, value) {
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const data = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, new TextEncoder().encode(JSON.stringify(value)));
    return { iv, data };
  }

  async function decrypt(key, item) {
    const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: item.iv }, key, item.data);
    return JSON.parse(new TextDecoder().decode(plain));
  }

  // The session's key: asked of the server when online (and the queue
  // re-encrypted if the session changed), else the one kept on the device.
  async function deviceKey() {
    const kept = await storedKey();
    let answer = null;
    if (navigator.onLine) {
      try {
        const response = await fetch('/outreach/device-key', { credentials: 'same-origin', cache: 'no-store' });
        if (response.ok) answer = await response.json();
      } catch (_) { answer = null; }
    }
    if (!answer) return kept ? kept.key : null;
    const id = await fingerprint(answer.key);
    if (kept && kept.id === id) return kept.key;
    const key = await crypto.subtle.importKey('raw', hexBytes(answer.key), 'AES-GCM', false, ['encrypt', 'decrypt']);
    if (kept) {
      for (const item of await getAll()) {
        try {
          const value = await decrypt(kept.key, item);
          await put(QUEUE, { id: item.id, ...(await encrypt(key, value)), savedAt: item.savedAt });
        } catch (_) { /* unreadable: left for the person to see */ }
      }
    }
    await put(KEYS, { name: 'device', id, key });
    return key;
  }

  function field(name) {
    const element = form.elements.namedItem(name);
    return element && 'value' in element ? element.value.trim() : '';
  }

  function list(name) {
    return field(name).split(/[\n,]/).map((v) => v.trim()).filter(Boolean);
  }

  function count(name) {
    const value = field(name);
    return value === '' ? 0 : Number(value);
  }

  // The same reading of the form as the server's (`session_input`).
  function sessionFromForm() {
    const reached = [];
    for (let row = 0; form.elements.namedItem(`reached_count_${row}`); row += 1) {
      const n = count(`reached_count_${row}`);
      if (n > 0) {
        reached.push({ sex: field(`reached_sex_${row}`), age_band: field(`reached_age_${row}`), nationality: field(`reached_nationality_${row}`), count: n });
      }
    }
    const referrals = [];
    for (let row = 0; form.elements.namedItem(`referral_service_${row}`); row += 1) {
      const service = field(`referral_service_${row}`);
      if (service) referrals.push({ service, count: count(`referral_count_${row}`) });
    }
    const followUps = [];
    for (let row = 0; form.elements.namedItem(`follow_up_pseudonym_${row}`); row += 1) {
      const pseudonym = field(`follow_up_pseudonym_${row}`);
      if (pseudonym) {
        followUps.push({ id: field(`follow_up_id_${row}`), pseudonym, consent_to_link: form.elements.namedItem(`follow_up_consent_${row}`).checked });
      }
    }
    const started = field('started_at');
    return {
      id: field('id'),
      base_version: count('base_version'),
      team: field('team'),
      place_kind: field('place_kind'),
      city: field('city'),
      started_at: started ? new Date(started).toISOString() : '',
      duration_minutes: count('duration_minutes'),
      members: list('members'),
      mediators: list('mediators'),
      languages: list('languages'),
      people_reached: count('people_reached'),
      reached,
      topics: Array.from(form.querySelectorAll('input[name="topics"]:checked'), (box) => box.value),
      referrals,
      follow_ups: followUps,
      notes: field('notes'),
    };
  }

  function localNow() {
    const now = new Date();
    now.setMinutes(now.getMinutes() - now.getTimezoneOffset());
    return now.toISOString().slice(0, 16);
  }

  // A fresh form: new ids made here, so a page served from the cache never
  // reuses an id.
  function freshIds() {
    form.elements.namedItem('id').value = crypto.randomUUID();
    for (let row = 0; form.elements.namedItem(`follow_up_id_${row}`); row += 1) {
      form.elements.namedItem(`follow_up_id_${row}`).value = crypto.randomUUID();
    }
  }

  function status(text) {
    document.getElementById('device-status').textContent = text;
  }

  async function showQueue(key, problems) {
    const queue = document.getElementById('device-queue');
    const items = await getAll();
    queue.replaceChildren();
    for (const item of items) {
      const li = document.createElement('li');
      li.className = 'queued';
      li.dataset.id = item.id;
      try {
        const value = await decrypt(key, item);
        li.textContent = `${value.team} · ${value.city} · ${value.started_at.slice(0, 16).replace('T', ' ')} · ${value.people_reached}`;
      } catch (_) {
        li.textContent = item.id;
      }
      const problem = problems && problems.get(item.id);
      if (problem) {
        const note = document.createElement('span');
        note.className = 'problem';
        note.textContent = ` — ${problem}`;
        li.append(note);
      }
      queue.append(li);
    }
    document.getElementById('device-sync').hidden = items.length === 0;
    return items.length;
  }

  let syncing = false;

  async function sync(key) {
    if (syncing || !navigator.onLine) return;
    const items = await getAll();
    if (items.length === 0) return;
    syncing = true;
    const problems = new Map();
    try {
      let conflicts = 0;
      // In parts of 100: a request body stays well under the server's limit.
      for (let start = 0; start < items.length; start += BATCH) {
        const sessions = [];
        for (const item of items.slice(start, start + BATCH)) sessions.push(await decrypt(key, item));
        const response = await fetch('/outreach/sync', {
          method: 'POST',
          credentials: 'same-origin',
          headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': root.dataset.csrf },
          body: JSON.stringify({ sessions }),
        });
        if (!response.ok) throw new Error(String(response.status));
        const { results } = await response.json();
        for (const result of results) {
          if (['stored', 'already_applied', 'conflict'].includes(result.status)) {
            await remove(result.id);
            if (result.status === 'conflict') conflicts += 1;
          } else {
            problems.set(result.id, `${root.dataset.invalid} ${result.field || ''} ${result.message || ''}`.trim());
          }
        }
      }
      status(conflicts > 0 ? root.dataset.conflict : root.dataset.synced);
    } catch (_) {
      status(root.dataset.failed);
    } finally {
      syncing = false;
    }
    await showQueue(key, problems);
  }

  async function start() {
    if (!root || !form || !window.indexedDB || !window.crypto || !crypto.subtle) return;
    freshIds();
    form.elements.namedItem('started_at').value = localNow();
    let key = await deviceKey();
    if (!key) return; // Never signed in online on this device: the plain form posts.
    root.classList.add('ready');
    const pending = await showQueue(key);
    if (pending > 0) status(navigator.onLine ? '' : root.dataset.offline);
    form.addEventListener('submit', async (event) => {
      if (!form.checkValidity()) return;
      event.preventDefault();
      const session = sessionFromForm();
      await put(QUEUE, { id: session.id, ...(await encrypt(key, session)), savedAt: Date.now() });
      form.reset();
      freshIds();
      form.elements.namedItem('started_at').value = localNow();
      status(navigator.onLine ? root.dataset.saved : root.dataset.offline);
      await showQueue(key);
      await sync(key);
    });
    document.getElementById('device-sync').addEventListener('click', () => sync(key));
    window.addEventListener('online', async () => {
      key = (await deviceKey()) || key;
      await sync(key);
    });
    window.addEventListener('offline', () => status(root.dataset.offline));
    await sync(key);
  }

  // Signing out erases what the device keeps.
  const signOut = document.querySelector('form.sign-out');
  if (signOut && window.indexedDB) {
    signOut.addEventListener('submit', () => { indexedDB.deleteDatabase(DB_NAME); });
  }

  start();
})();
