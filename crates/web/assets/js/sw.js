// 平安 service worker: lets a grid worker or a resident keep working without signal. Pages opened
// online (走访任务, a person, the visit, person and report forms) are kept and shown offline; a visit,
// a new person or an event report sent without signal is kept in IndexedDB and sent again when the
// signal returns. Each visit and report carries its own client_id and a person their ID number, so
// the hub records each once however often it is sent.
"use strict";
const CACHE = "pingan-pages-v6";
const DB = "pingan-offline";
const OUTBOX = "outbox";
const OFFLINE_PAGES = [
  /^\/visits\/due$/, /^\/persons\/new$/, /^\/persons\/\d+$/, /^\/persons\/\d+\/visit$/, /^\/report$/,
  /^\/patrol$/, /^\/assets\//,
];
// What may be sent without signal: a visit, a new person (the hub refuses a second registration of
// an ID number, so a resend never makes two) and an event report (idempotent on its client_id).
const KEPT_POSTS = [/^\/persons\/\d+\/visit$/, /^\/persons\/new$/, /^\/report$/];

function openDb() {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(OUTBOX, { keyPath: "client_id" });
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function withStore(mode, work) {
  return openDb().then((db) => new Promise((resolve, reject) => {
    const tx = db.transaction(OUTBOX, mode);
    const result = work(tx.objectStore(OUTBOX));
    tx.oncomplete = () => resolve(result.result !== undefined ? result.result : result);
    tx.onerror = () => reject(tx.error);
  }));
}

const keep = (entry) => withStore("readwrite", (s) => s.put(entry));
const drop = (id) => withStore("readwrite", (s) => s.delete(id));
const waiting = () => withStore("readonly", (s) => s.getAll());

// Sends every kept visit; those the hub answered (recorded, already recorded, or refused with a
// reason) leave the outbox, the rest wait for the next try. Returns what is still waiting.
async function flush() {
  for (const entry of await waiting()) {
    try {
      const body = entry.multipart ? new FormData() : new URLSearchParams();
      for (const [name, value, fileName] of entry.fields) {
        if (fileName === undefined) {
          body.append(name, value);
        } else {
          body.append(name, value, fileName);
        }
      }
      const res = await fetch(entry.url, {
        method: "POST",
        body,
        credentials: "same-origin",
        redirect: "manual",
      });
      if (res.type === "opaqueredirect" || res.status < 500) {
        await drop(entry.client_id);
      }
    } catch (e) {
      break; // still no signal
    }
  }
  const left = await waiting();
  const clients = await self.clients.matchAll();
  clients.forEach((c) => c.postMessage({ outbox: left.length }));
  return left.length;
}

function keptPage(count, path) {
  const back = path === "/report"
    ? `<a href="/report">‹ 返回上报事件</a>`
    : `<a href="/visits/due">‹ 返回走访任务</a>`;
  const html = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>已暂存 · 平安</title>
<link rel="stylesheet" href="/assets/css/pingan.css"></head><body><main>
<h1>已暂存在手机上</h1><p class="notice" role="status" id="kept">当前没有网络。已保存在本机，恢复网络后会自动提交，不会重复提交（待提交 ${count} 条）。</p>
<p>${back}</p></main></body></html>`;
  return new Response(html, { headers: { "Content-Type": "text/html; charset=utf-8" } });
}

// What a grid worker needs first without signal, kept as soon as the worker is installed (only
// real pages: a redirect to the login page is not kept).
const SHELL = [
  "/visits/due", "/persons/new", "/report", "/assets/css/pingan.css", "/assets/js/offline.js",
  "/assets/js/report.js",
];

async function keepShell() {
  const cache = await caches.open(CACHE);
  await Promise.all(SHELL.map(async (path) => {
    try {
      const res = await fetch(path, { credentials: "same-origin" });
      if (res.ok && !res.redirected) {
        await cache.put(path, res);
      }
    } catch (e) {
      // no signal while installing: kept on the next visit instead
    }
  }));
}

self.addEventListener("install", (event) => event.waitUntil(keepShell().then(() => self.skipWaiting())));
// A new version drops the pages kept by the old one.
self.addEventListener("activate", (event) => event.waitUntil(
  caches.keys()
    .then((names) => Promise.all(names.filter((n) => n !== CACHE).map((n) => caches.delete(n))))
    .then(() => self.clients.claim())));

self.addEventListener("fetch", (event) => {
  const req = event.request;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) {
    return;
  }
  if (req.method === "POST" && KEPT_POSTS.some((p) => p.test(url.pathname))) {
    const copy = req.clone();
    event.respondWith(fetch(req).catch(async () => {
      // The form's fields and photos (as Blobs: IndexedDB keeps them as they are).
      const form = await copy.formData();
      const fields = [];
      for (const [name, value] of form.entries()) {
        fields.push(typeof value === "string" ? [name, value] : [name, value, value.name]);
      }
      const clientId = form.get("client_id");
      if (!clientId) {
        return Response.error();
      }
      // Sent again as it was sent: multipart (a form with files) or urlencoded.
      const multipart = (copy.headers.get("Content-Type") || "").startsWith("multipart/");
      await keep({ client_id: clientId, url: url.pathname, fields, multipart, kept_at: Date.now() });
      return keptPage((await waiting()).length, url.pathname);
    }));
    return;
  }
  if (req.method === "GET" && OFFLINE_PAGES.some((p) => p.test(url.pathname))) {
    // Network first, so pages are fresh whenever there is signal; the kept copy otherwise.
    event.respondWith(fetch(req).then((res) => {
      if (res.ok) {
        const copy = res.clone();
        caches.open(CACHE).then((c) => c.put(req, copy));
      }
      return res;
    }).catch(() => caches.match(req).then((hit) => hit || Response.error())));
  }
});

self.addEventListener("message", (event) => {
  if (event.data === "flush") {
    event.waitUntil(flush());
  }
});
self.addEventListener("sync", (event) => {
  if (event.tag === "outbox") {
    event.waitUntil(flush());
  }
});
