/* global document, fetch, window, URLSearchParams -- browser script */
// The fleet page: logs in, then polls /api/fleet every 5 s. Text is set with textContent only (kiosk and site
// names are configuration, but never trusted as HTML). Tracers also get the search form.
import { TEXTS, saveLang, savedLang } from './fleet-i18n.js';

const POLL_MS = 5000;
let lang = savedLang();
let me = null;
let fleet = null;
const $ = (id) => document.getElementById(id);
const t = (k) => TEXTS[lang][k];

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  if (cls) e.className = cls;
  return e;
}

function row(cells) {
  const tr = el('tr');
  for (const c of cells) tr.append(c instanceof window.Node ? wrapTd(c) : el('td', c));
  return tr;
}
function wrapTd(node) {
  const td = el('td');
  td.append(node);
  return td;
}

function minutesSince(iso) {
  return Math.max(0, Math.round((Date.parse(fleet.at) - Date.parse(iso)) / 60000));
}
/** An instant shown in the fleet's zone (the offset of the server's `at`), `YYYY-MM-DD HH:MM`. */
function local(iso) {
  const m = /([+-])(\d{2}):(\d{2})$/.exec(fleet.at);
  const offset = m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
  return new Date(Date.parse(iso) + offset * 60000).toISOString().slice(0, 16).replace('T', ' ');
}
const when = (iso) => (iso ? `${local(iso)} (${t('ago')(minutesSince(iso))})` : t('never'));

function applyStatic() {
  document.documentElement.lang = lang;
  for (const e of document.querySelectorAll('[data-t]')) {
    const v = t(e.dataset.t);
    if (typeof v === 'string') e.textContent = v;
  }
  $('lang').textContent = t('langButton');
}

function fill(tbody, rows) {
  tbody.replaceChildren(...rows);
}

function list(ul, kiosks, describe) {
  ul.replaceChildren(
    ...(kiosks.length === 0 ? [el('li', t('none'), 'muted')] : kiosks.map((k) => el('li', `${k.site} / ${k.device} — ${describe(k)}`))),
  );
}

function render() {
  if (fleet === null) return;
  const ks = fleet.kiosks;
  $('t-online').textContent = ks.filter((k) => k.state === 'online').length;
  $('t-offline').textContent = ks.filter((k) => k.state === 'offline').length;
  $('t-silent').textContent = ks.filter((k) => k.silent).length;
  $('t-in').textContent = fleet.sites.reduce((n, s) => n + s.today.in, 0);
  $('t-persons').textContent = fleet.sites.reduce((n, s) => n + s.today.persons, 0);
  $('t-gaps').textContent = ks.reduce((n, k) => n + k.gaps.open, 0);
  // The day's counts are reused for a while on a big day (src/central/day-totals.ts): then say how old they are.
  const countsBehind = Date.parse(fleet.at) - Date.parse(fleet.todayAt) >= 1000;
  $('updated').textContent =
    `${t('updated')} ${fleet.at.slice(11, 19)}` + (countsBehind ? ` · ${t('countsAt')} ${fleet.todayAt.slice(11, 19)}` : '');
  fill(
    $('sites').tBodies[0],
    fleet.sites.map((s) => row([s.site, s.kiosks, s.online, s.today.in, s.today.out, s.today.rejected, s.today.persons])),
  );
  list(
    $('offline-list'),
    ks.filter((k) => k.state === 'offline'),
    (k) => `${t('since')} ${when(k.since)}`,
  );
  list(
    $('silent-list'),
    ks.filter((k) => k.silent),
    (k) => `${t('lastCheckin')}: ${when(k.lastCheckinAt)}`,
  );
  fill(
    $('kiosks').tBodies[0],
    ks.map((k) => {
      const state = el('span', k.state === 'online' ? t('stateOnline') : t('stateOffline'), `pill ${k.state}${k.silent ? ' silent' : ''}`);
      const scanners = k.scanners.map((s) => `${s.id}: ${s.state}${s.code ? ` (${s.code})` : ''}`).join(', ') || '–';
      const backlog =
        k.pending === null ? '–' : `${k.pending}${k.oldestPendingAgeSec ? ` (${Math.round(k.oldestPendingAgeSec / 60)} min)` : ''}`;
      const clock = k.clockSynced === null ? '–' : k.clockSynced ? t('synced') : t('unsynced');
      const gaps = `${k.gaps.open}${k.gaps.closing ? ` (${t('closing')})` : ''} / ${k.gaps.lost}`;
      const tr = row([
        `${k.site} / ${k.device}`,
        state,
        when(k.lastCheckinAt),
        k.version ?? '–',
        scanners,
        backlog,
        clock,
        gaps,
        `${k.today.in} / ${k.today.out} / ${k.today.rejected}`,
      ]);
      if (k.gaps.open + k.gaps.lost > 0) tr.className = 'has-gaps';
      return tr;
    }),
  );
}

async function poll() {
  const r = await fetch('/api/fleet', { headers: { accept: 'application/json' } });
  if (r.status === 401) return showLogin();
  if (r.ok) {
    fleet = await r.json();
    render();
    document.body.dataset.loaded = 'true';
  }
}

function showLogin() {
  me = null;
  $('login').hidden = false;
  $('fleet').hidden = true;
  $('logout').hidden = true;
  $('who').textContent = '';
}

async function enter() {
  const r = await fetch('/api/me');
  if (!r.ok) return showLogin();
  me = await r.json();
  $('who').textContent = `${me.user} (${me.role})`;
  $('login').hidden = true;
  $('fleet').hidden = false;
  $('logout').hidden = false;
  $('trace').hidden = me.role === 'viewer';
  await poll();
}

$('login').addEventListener('submit', async (e) => {
  e.preventDefault();
  const r = await fetch('/api/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user: $('login-user').value, password: $('login-password').value }),
  });
  $('login-result').textContent = r.ok ? '' : t('loginFailed');
  if (r.ok) await enter();
});
$('logout').addEventListener('click', async () => {
  await fetch('/api/logout', { method: 'POST' });
  showLogin();
});
$('trace').addEventListener('submit', async (e) => {
  e.preventDefault();
  const q = new URLSearchParams();
  if ($('trace-number').value) q.set('number', $('trace-number').value);
  if ($('trace-site').value) q.set('site', $('trace-site').value);
  const r = await fetch(`/api/checkins?${q}`);
  if (!r.ok) return;
  const { checkins } = await r.json();
  fill(
    $('trace-result').tBodies[0],
    checkins.map((c) =>
      row([
        local(c.scannedAt),
        `${c.site} / ${c.device}`,
        c.direction === 'in' ? t('in') : t('out'),
        c.document?.name ?? '–',
        c.document?.number ?? '–',
      ]),
    ),
  );
});
$('lang').addEventListener('click', () => {
  lang = lang === 'vi' ? 'en' : 'vi';
  saveLang(lang);
  applyStatic();
  render();
});

applyStatic();
void enter();
window.setInterval(() => {
  if (me !== null) void poll();
}, POLL_MS);
