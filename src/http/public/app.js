/* global document, window, EventSource, fetch, setInterval -- browser script */
// The receptionist's screen. Everything that came from a scan is put on the page with textContent, never as HTML:
// a name on a card is text typed by whoever made the card.
import { applyStatic, saveLang, savedLang, TEXTS } from './i18n.js';

/** How long a scan stays shown in full colour: long enough to read, short enough not to greet the next visitor. */
const FRESH_MS = 8000;
const RECONNECT_MS = 2000;

const $ = (id) => document.getElementById(id);
let lang = savedLang();
let status = null;
let scan = null;
let freshUntil = 0;
let connected = false;

function t() {
  return TEXTS[lang];
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}

function timeOf(iso) {
  // The kiosk's own local time, as written in the RFC 3339 string: the screen shows gate time even on a phone
  // in another zone.
  const m = /T(\d{2}:\d{2}:\d{2})/.exec(iso ?? '');
  return m ? m[1] : '';
}

function renderStatic() {
  document.documentElement.lang = lang;
  applyStatic(document, t());
  const button = $('lang');
  button.textContent = t().langButton;
  button.setAttribute('aria-label', t().langLabel);
  button.setAttribute('title', t().langLabel);
  $('offline').textContent = t().pageOffline;
}

function renderScan() {
  const panel = $('scan');
  const fresh = scan !== null && Date.now() < freshUntil;
  panel.className = `scan ${scan === null ? 'idle' : scan.kind} ${fresh ? 'fresh' : 'stale'}`;
  panel.dataset.seq = scan?.seq ?? '';
  panel.dataset.at = scan?.at ?? '';
  const warnings = $('warnings');
  warnings.replaceChildren();
  if (scan === null) {
    $('age').textContent = '';
    $('verdict').textContent = t().idle;
    $('direction').textContent = '';
    $('name').textContent = t().idleHint;
    for (const id of ['number', 'reason', 'meta']) $(id).textContent = '';
    return;
  }
  $('age').textContent = fresh ? '' : `${t().previous} · ${ageText(scan.at)}  —  ${t().idle}`;
  $('verdict').textContent = scan.kind === 'accepted' ? t().accepted : t().rejected;
  if (scan.kind === 'accepted') {
    $('direction').textContent = scan.direction === 'out' ? t().dirOut : t().dirIn;
    $('direction').className = `direction ${scan.direction}`;
    $('name').textContent = scan.name ?? '';
    $('number').textContent = scan.number ?? '';
    $('reason').textContent = '';
    for (const w of scan.warnings ?? []) warnings.append(el('li', '', w[lang]));
  } else {
    $('direction').textContent = '';
    $('name').textContent = '';
    $('number').textContent = '';
    $('reason').textContent = scan.reason?.[lang] ?? '';
  }
  const tags = [];
  if (scan.type) tags.push(t().types[scan.type] ?? scan.type);
  if (scan.manual) tags.push(t().manualTag);
  if (scan.auto) tags.push(t().autoTag);
  tags.push(`${t().scanner}: ${scan.scanner}`, timeOf(scan.at));
  $('meta').textContent = tags.join(' · ');
}

function ageText(iso) {
  const serverNow = status ? Date.parse(status.now) + (Date.now() - statusReceivedAt) : Date.now();
  const sec = Math.max(0, Math.round((serverNow - Date.parse(iso)) / 1000));
  return sec < 120 ? t().secondsAgo(sec) : t().minutesAgo(Math.round(sec / 60));
}

let statusReceivedAt = Date.now();

function renderStatus() {
  if (status === null) return;
  $('site').textContent = status.device.site;
  $('device').textContent = status.device.id;
  $('count-in').textContent = String(status.today.in);
  $('count-out').textContent = String(status.today.out);
  $('count-inside').textContent = String(status.today.insideNow);
  $('count-rejected').textContent = String(status.today.rejected);

  const system = $('system');
  const items = [];
  if (status.scanners.length === 0) items.push(stateItem('warn', t().scanner, t().noScanners));
  for (const s of status.scanners) items.push(stateItem(s.state === 'connected' ? 'ok' : 'bad', `${t().scanner} ${s.id}`, s.text[lang]));
  const m = status.mqtt;
  items.push(stateItem(m.state === 'connected' ? 'ok' : m.state === 'disabled' ? 'neutral' : 'warn', t().broker, m.text[lang]));
  if (status.queue.pending > 0) items.push(stateItem(m.state === 'connected' ? 'neutral' : 'warn', '', t().pending(status.queue.pending)));
  if (!status.clockSynced) items.push(stateItem('warn', '', t().clockUnsynced));
  system.replaceChildren(...items);

  const inside = $('inside');
  $('inside-total').textContent = `(${status.today.insideNow})`;
  if (status.inside.length === 0) {
    inside.replaceChildren(el('li', 'empty', t().insideEmpty));
  } else {
    const rows = status.inside.map((p) => {
      const li = el('li');
      li.append(el('span', 'who', p.name ?? '—'), el('span', 'num', p.number), el('span', 'since', timeOf(p.since).slice(0, 5)));
      return li;
    });
    const more = status.today.insideNow - status.inside.length;
    if (more > 0) rows.push(el('li', 'empty', t().insideMore(more)));
    inside.replaceChildren(...rows);
  }
}

function stateItem(level, label, text) {
  const li = el('li', `state ${level}`);
  li.append(el('span', 'dot'));
  if (label) li.append(el('strong', '', label));
  li.append(el('span', 'text', text));
  return li;
}

function renderClock() {
  const now = new Date();
  $('clock').textContent = now.toLocaleTimeString(lang === 'vi' ? 'vi-VN' : 'en-GB', { hour: '2-digit', minute: '2-digit' });
}

function renderAll() {
  renderStatic();
  renderScan();
  renderStatus();
  renderClock();
}

function setConnected(on) {
  connected = on;
  $('offline').hidden = on;
  document.body.classList.toggle('disconnected', !on);
}

function connect() {
  const source = new EventSource('/events');
  source.addEventListener('open', () => setConnected(true));
  source.addEventListener('scan', (e) => {
    scan = JSON.parse(e.data);
    freshUntil = Date.now() + FRESH_MS;
    renderScan();
  });
  source.addEventListener('status', (e) => {
    status = JSON.parse(e.data);
    statusReceivedAt = Date.now();
    // After a reconnect the snapshot brings the scan missed meanwhile, shown as the previous one.
    if (status.lastScan && (scan === null || status.lastScan.at !== scan.at || status.lastScan.seq !== scan.seq)) {
      scan = status.lastScan;
      // Fresh only for what is left of its few seconds, by the kiosk's clock (a phone's may differ).
      freshUntil = Date.now() + FRESH_MS - Math.max(0, Date.parse(status.now) - Date.parse(scan.at));
      renderScan();
    }
    renderStatus();
  });
  source.addEventListener('error', () => {
    setConnected(false);
    // EventSource retries on its own, except after an HTTP error (the daemon restarting answers 503): then we do.
    if (source.readyState === EventSource.CLOSED) setTimeout(connect, RECONNECT_MS);
  });
}

async function submitManual(event) {
  event.preventDefault();
  const result = $('manual-result');
  const button = $('manual-submit');
  button.disabled = true;
  result.textContent = '';
  result.className = '';
  const body = { number: $('manual-number').value.trim(), direction: $('manual-direction').value };
  const name = $('manual-name').value.trim();
  if (name) body.name = name;
  try {
    const res = await fetch('/api/manual', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const reply = await res.json();
    if (reply.scan) {
      result.textContent = reply.ok ? t().manualSent : reply.scan.reason?.[lang] ?? '';
      result.className = reply.ok ? 'ok' : 'bad';
      if (reply.ok) $('manual').reset();
    } else {
      result.textContent = reply[lang] ?? t().manualFailed;
      result.className = 'bad';
    }
  } catch {
    result.textContent = t().manualFailed;
    result.className = 'bad';
  } finally {
    button.disabled = false;
  }
}

$('lang').addEventListener('click', () => {
  lang = lang === 'vi' ? 'en' : 'vi';
  saveLang(lang);
  renderAll();
});
$('manual').addEventListener('submit', (e) => void submitManual(e));
setInterval(() => {
  renderClock();
  if (scan !== null) renderScan();
}, 1000);
renderAll();
setConnected(false);
connect();
window.qrgate = { get connected() { return connected; } };
