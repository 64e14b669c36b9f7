/* global document, window, EventSource, fetch, setInterval -- browser script */
// The receptionist's screen. Everything that came from a scan is put on the page with textContent, never as HTML:
// a name on a card is text typed by whoever made the card.
import { applyStatic, saveLang, savedLang, TEXTS } from './i18n.js';
import { play, played, setSound, soundOn, unlockOnGesture } from './sound.js';

/** How long a scan stays shown in full colour: long enough to read, short enough not to greet the next visitor. */
const FRESH_MS = 8000;
const RECONNECT_MS = 2000;
/** Store refusals: the kiosk records nothing until fixed. */
const STORE_REFUSALS = new Set(['E_STORE_FULL', 'E_STORE_WRITE']);

const $ = (id) => document.getElementById(id);
let lang = savedLang();
let sound = soundOn();
let status = null;
let scan = null;
let freshUntil = 0;
let connected = false;
let statusReceivedAt = Date.now();

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

/** `dd/mm` of a `YYYY-MM-DD` date. */
function dayMonth(date) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date ?? '');
  return m ? `${m[3]}/${m[2]}` : '';
}

function renderStatic() {
  document.documentElement.lang = lang;
  applyStatic(document, t());
  const button = $('lang');
  button.textContent = t().langButton;
  button.setAttribute('aria-label', t().langLabel);
  button.setAttribute('title', t().langLabel);
  const s = $('sound');
  s.textContent = sound ? t().soundOn : t().soundOff;
  s.setAttribute('aria-pressed', String(sound));
  s.setAttribute('title', t().soundLabel);
  s.classList.toggle('off', !sound);
  $('offline').textContent = t().pageOffline;
}

/** A scanner that cannot read (an oversized scan's error is momentary, and not a broken scanner). */
function scannerDown(s) {
  return s.state !== 'connected' && !(s.state === 'error' && s.text?.code === 'E_FRAME_TOO_LONG');
}

/** Why nothing can be recorded right now, or null: the store refuses, or no scanner can read. */
function blocked() {
  if (status === null) return null;
  if (status.refusing && STORE_REFUSALS.has(status.refusing.code)) {
    return { title: t().blockedStore, text: status.refusing[lang], hint: t().blockedStoreHint };
  }
  // No scanner at all: a QR shown to the kiosk goes nowhere, so the panel must not invite one.
  if (status.scanners.length === 0) return { title: t().blockedNoScanner, text: t().noScanners, hint: t().blockedScannerHint };
  const down = status.scanners.filter(scannerDown);
  if (down.length === status.scanners.length) {
    return {
      title: t().blockedScanner,
      text: down.map((s) => (down.length > 1 ? `${s.id}: ${s.text[lang]}` : s.text[lang])).join(' · '),
      hint: t().blockedScannerHint,
    };
  }
  return null;
}

function setPanel(kind) {
  const panel = $('scan');
  panel.className = `scan ${kind}`;
  panel.dataset.state = kind.split(' ')[0] === 'accepted' && kind.includes('warned') ? 'warning' : kind.split(' ')[0];
}

function clearPanel() {
  $('warnings').replaceChildren();
  for (const id of ['verdict', 'direction', 'name', 'number', 'reason', 'meta', 'notice', 'last']) $(id).textContent = '';
  $('direction').className = 'direction';
}

/** The small line that keeps the last scan available once the panel is back to idle. */
function lastLine() {
  if (scan === null) return '';
  const parts = [scan.kind === 'accepted' ? t().accepted : t().rejected];
  if (scan.kind === 'accepted') {
    parts.push(scan.direction === 'out' ? t().dirOut : t().dirIn);
    if (scan.auto) parts.push(t().autoTag);
    if (scan.name) parts.push(scan.name);
    if (scan.warnings?.length) parts.push(scan.warnings[0][lang]);
  } else if (scan.reason) {
    parts.push(scan.reason[lang]);
  }
  return `${t().lastAt(timeOf(scan.at).slice(0, 5), ageText(scan.at))}: ${parts.join(' · ')}`;
}

function renderScan() {
  const panel = $('scan');
  const fresh = scan !== null && Date.now() < freshUntil;
  panel.dataset.seq = scan?.seq ?? '';
  panel.dataset.at = scan?.at ?? '';
  clearPanel();
  if (!fresh) {
    const stop = blocked();
    if (stop !== null) {
      setPanel('blocked');
      $('verdict').textContent = stop.title;
      $('reason').textContent = stop.text;
      $('name').textContent = stop.hint;
    } else {
      setPanel(scan === null ? 'idle' : 'idle stale');
      $('verdict').textContent = t().idle;
      $('name').textContent = t().idleHint;
      const down = (status?.scanners ?? []).filter(scannerDown);
      $('notice').textContent = down.map((s) => t().scannerDown(s.id, s.text[lang])).join(' · ');
    }
    $('last').textContent = lastLine();
    return;
  }
  if (scan.kind === 'accepted') {
    const warnings = scan.warnings ?? [];
    setPanel(warnings.length > 0 ? 'accepted warned fresh' : 'accepted fresh');
    $('verdict').textContent = warnings.length > 0 ? t().acceptedWarn : t().accepted;
    $('direction').textContent = scan.direction === 'out' ? t().dirOut : t().dirIn;
    $('direction').className = `direction ${scan.direction}`;
    $('name').textContent = scan.name ?? '';
    $('number').textContent = scan.number ?? '';
    // With a warning, the warning is what the receptionist must read: the large line; any others below it.
    if (warnings.length > 0) $('reason').textContent = warnings[0][lang];
    for (const w of warnings.slice(1)) $('warnings').append(el('li', '', w[lang]));
  } else {
    setPanel('rejected fresh');
    $('verdict').textContent = t().rejected;
    $('reason').textContent = scan.reason?.[lang] ?? '';
  }
  const tags = [];
  if (scan.type) tags.push(t().types[scan.type] ?? scan.type);
  if (scan.manual) tags.push(t().manualTag);
  if (scan.auto) tags.push(t().autoTag);
  if (scan.scanner !== 'manual') tags.push(`${t().scanner}: ${scan.scanner}`);
  else if (!scan.manual) tags.push(t().manualScanner);
  tags.push(timeOf(scan.at));
  $('meta').textContent = tags.join(' · ');
}

function ageText(iso) {
  const serverNow = status ? Date.parse(status.now) + (Date.now() - statusReceivedAt) : Date.now();
  const sec = Math.max(0, Math.round((serverNow - Date.parse(iso)) / 1000));
  return sec < 120 ? t().secondsAgo(sec) : t().minutesAgo(Math.round(sec / 60));
}

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
  for (const s of status.scanners) items.push(stateItem(scannerDown(s) ? 'bad' : 'ok', `${t().scanner} ${s.id}`, s.text[lang]));
  if (status.refusing) items.push(stateItem('bad', t().storage, status.refusing[lang]));
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
    const today = status.today.date;
    const rows = status.inside.map((p) => {
      const li = el('li');
      // An arrival before today (by the kiosk's zone: the server sends both dates) shows its day too.
      const earlier = today !== undefined && p.date !== undefined && p.date !== today;
      li.classList.toggle('earlier', earlier);
      const time = timeOf(p.since).slice(0, 5);
      li.append(
        el('span', 'who', p.name ?? '—'),
        el('span', 'num', p.number),
        el('span', 'since', earlier ? `${dayMonth(p.date)} ${time}` : time),
      );
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

/** Minutes east of UTC of an RFC 3339 time's own offset (`+07:00` → 420). */
function offsetOf(iso) {
  const m = /([+-])(\d{2}):(\d{2})$/.exec(iso);
  if (!m) return 0;
  const minutes = Number(m[2]) * 60 + Number(m[3]);
  return m[1] === '-' ? -minutes : minutes;
}

/**
 * The kiosk's wall clock: the daemon's time (`status.now`) carried forward by the time since it came, shown in the
 * kiosk's zone (the offset `now` is written in, from clock.timeZone), never the browser's clock or zone. Nothing
 * until the daemon has been heard: a wrong time is worse than none.
 */
function renderClock() {
  if (status === null) {
    $('clock').textContent = '';
    return;
  }
  const instant = Date.parse(status.now) + (Date.now() - statusReceivedAt);
  $('clock').textContent = new Date(instant + offsetOf(status.now) * 60_000).toISOString().slice(11, 16);
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

function toneOf(s) {
  if (s.kind === 'rejected') return 'refused';
  return (s.warnings?.length ?? 0) > 0 ? 'warning' : 'accepted';
}

function connect() {
  const source = new EventSource('/events');
  source.addEventListener('open', () => setConnected(true));
  source.addEventListener('scan', (e) => {
    const next = JSON.parse(e.data);
    if (next.auto) {
      // An automatic end-of-day checkout is nobody at the gate: no tone, no verdict in large type; it is only the
      // last scan, small, and never hides a visitor's verdict still on the panel.
      if (scan !== null && Date.now() < freshUntil) return;
      scan = next;
      freshUntil = 0;
    } else {
      scan = next;
      freshUntil = Date.now() + FRESH_MS;
      play(toneOf(scan), sound);
    }
    renderScan();
  });
  source.addEventListener('status', (e) => {
    status = JSON.parse(e.data);
    statusReceivedAt = Date.now();
    // After a reconnect the snapshot brings the scan missed meanwhile, shown as the previous one.
    if (status.lastScan && (scan === null || status.lastScan.at !== scan.at || status.lastScan.seq !== scan.seq)) {
      scan = status.lastScan;
      // Fresh only for what is left of its few seconds, by the kiosk's clock (a phone's may differ).
      freshUntil = scan.auto ? 0 : Date.now() + FRESH_MS - Math.max(0, Date.parse(status.now) - Date.parse(scan.at));
    }
    renderScan();
    renderStatus();
    renderClock();
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
      result.textContent = reply.ok ? t().manualSent : (reply.scan.reason?.[lang] ?? '');
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
$('sound').addEventListener('click', () => {
  sound = !sound;
  setSound(sound);
  renderStatic();
});
$('manual').addEventListener('submit', (e) => void submitManual(e));
unlockOnGesture(document);
setInterval(() => {
  renderClock();
  renderScan();
}, 1000);
renderAll();
setConnected(false);
connect();
window.qrgate = {
  get connected() {
    return connected;
  },
  /** The tones played so far (kinds), for the browser tests. */
  get tones() {
    return [...played];
  },
};
