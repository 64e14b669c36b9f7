/* global document, window, fetch -- browser script */
// The technician's page: login, a summary for diagnosis, the decode tester and the CSV export. Every value from
// the daemon is put on the page with textContent.
import { saveLang, savedLang } from './i18n.js';

const TEXTS = {
  vi: {
    title: 'Kỹ thuật viên',
    logout: 'Đăng xuất',
    loginTitle: 'Đăng nhập kỹ thuật viên',
    password: 'Mật khẩu',
    login: 'Đăng nhập',
    overview: 'Tổng quan',
    scanners: 'Máy quét',
    rejects: 'Lượt bị từ chối (24 giờ)',
    none: 'Không có.',
    decodeTitle: 'Thử giải mã (dán nội dung mã QR)',
    decode: 'Giải mã',
    exportTitle: 'Xuất CSV lượt ra vào trong ngày',
    exportFull: 'Xuất đầy đủ họ tên và số (không che) — sẽ được ghi vào nhật ký',
    exportButton: 'Tải về',
    config: 'Cấu hình (đã ẩn bí mật)',
    confirmFull: 'Tệp sẽ chứa họ tên và số giấy tờ đầy đủ. Việc xuất này được ghi vào nhật ký. Tiếp tục?',
    version: 'Phiên bản',
    uptime: 'Thời gian chạy',
    disk: 'Ổ đĩa trống',
    store: 'Cơ sở dữ liệu',
    pending: 'Chờ gửi',
    clock: 'Đồng hồ',
    synced: 'đã đồng bộ',
    unsynced: 'CHƯA đồng bộ',
    mqtt: 'Máy chủ MQTT',
    alarms: 'Cảnh báo',
    recording: 'Ghi nhận',
    notRecording: 'ĐANG KHÔNG GHI NHẬN',
    langButton: 'EN',
    kioskTime: 'giờ kiosk',
    reconnects: 'kết nối lại',
    mqttNone: 'không cấu hình — chỉ ghi nhận tại kiosk (mqtt.url chưa đặt)',
    mode: { auto: 'tự động', true: 'đặt là đúng giờ', false: 'đặt là chưa đồng bộ' },
    scannerStates: { connected: 'đã kết nối', disconnected: 'mất kết nối', error: 'lỗi', stopped: 'chưa chạy' },
    mqttStates: { connecting: 'đang kết nối', connected: 'đã kết nối', disconnected: 'mất kết nối' },
    days: (d, h, m) => `${d} ngày ${h} giờ ${m} phút`,
  },
  en: {
    title: 'Technician',
    logout: 'Log out',
    loginTitle: 'Technician login',
    password: 'Password',
    login: 'Log in',
    overview: 'Overview',
    scanners: 'Scanners',
    rejects: 'Rejected scans (24 h)',
    none: 'None.',
    decodeTitle: 'Decode tester (paste a QR payload)',
    decode: 'Decode',
    exportTitle: 'CSV export of a day',
    exportFull: 'Export full names and numbers (unmasked) — this is logged',
    exportButton: 'Download',
    config: 'Configuration (secrets hidden)',
    confirmFull: 'The file will hold full names and document numbers. This export is logged. Continue?',
    version: 'Version',
    uptime: 'Uptime',
    disk: 'Disk free',
    store: 'Database',
    pending: 'Waiting to send',
    clock: 'Clock',
    synced: 'synchronised',
    unsynced: 'NOT synchronised',
    mqtt: 'MQTT broker',
    alarms: 'Alarms',
    recording: 'Recording',
    notRecording: 'NOT RECORDING',
    langButton: 'VI',
    kioskTime: 'kiosk time',
    reconnects: 'reconnects',
    mqttNone: 'not configured — recording on this kiosk only (mqtt.url is not set)',
    mode: { auto: 'automatic', true: 'set as synchronised', false: 'set as not synchronised' },
    scannerStates: { connected: 'connected', disconnected: 'disconnected', error: 'error', stopped: 'not started' },
    mqttStates: { connecting: 'connecting', connected: 'connected', disconnected: 'disconnected' },
    days: (d, h, m) => `${d} d ${h} h ${m} min`,
  },
};

const $ = (id) => document.getElementById(id);
let lang = savedLang();
let summary = null;
const t = () => TEXTS[lang];

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}

const bytes = (n) => (n >= 1e9 ? `${(n / 1e9).toFixed(1)} GB` : `${(n / 1e6).toFixed(1)} MB`);
const duration = (s) => t().days(Math.floor(s / 86400), Math.floor((s % 86400) / 3600), Math.floor((s % 3600) / 60));

/** `2026-11-22T09:30:00.123+07:00` → `09:30:00 22/11/2026 (kiosk time, UTC+07:00)`: the kiosk's own wall clock. */
function kioskTime(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}:\d{2}:\d{2})(?:\.\d+)?(Z|[+-]\d{2}:\d{2})$/.exec(iso ?? '');
  if (!m) return iso ?? '';
  return `${m[4]} ${m[3]}/${m[2]}/${m[1]} (${t().kioskTime}, UTC${m[5] === 'Z' ? '+00:00' : m[5]})`;
}

function mqttLine(m) {
  if (m.state === 'disabled') return t().mqttNone;
  const parts = [
    t().mqttStates[m.state] ?? m.state,
    `MQTT ${m.protocolVersion === 5 ? '5' : '3.1.1'}`,
    `${t().reconnects}: ${m.reconnects}`,
  ];
  if (m.lastError) parts.push(`${m.lastError.code}: ${m.lastError[lang]} (${m.lastError.detail})`);
  return parts.join(' · ');
}

function renderStatic() {
  document.documentElement.lang = lang;
  for (const node of document.querySelectorAll('[data-t]')) node.textContent = t()[node.dataset.t] ?? '';
  $('lang').textContent = t().langButton;
  if (summary) renderSummary();
}

function renderSummary() {
  const s = summary;
  const rows = [
    [t().version, `qrgate ${s.versions.qrgate} · Node ${s.versions.node} · fastify ${s.versions.fastify} · ${s.versions.os}`],
    ['Kiosk', `${s.device.site} / ${s.device.id}`],
    [t().uptime, duration(s.uptimeSec)],
    [t().disk, s.disk ? `${bytes(s.disk.freeBytes)} / ${bytes(s.disk.totalBytes)} (${s.disk.path})` : '?'],
    [t().store, `${bytes(s.store.bytes)} · seq ${s.store.lastSeq} · ${s.store.path}`],
    [t().pending, `${s.store.pending}${s.store.oldestPendingAgeSec === null ? '' : ` (${duration(s.store.oldestPendingAgeSec)})`}`],
    [
      t().clock,
      `${kioskTime(s.clock.now)} · ${s.clock.synced ? t().synced : t().unsynced} (${t().mode[s.clock.mode] ?? s.clock.mode})`,
      !s.clock.synced,
    ],
    [t().mqtt, mqttLine(s.mqtt)],
  ];
  // The third element marks what needs the technician, in red.
  if (s.store.refusing)
    rows.push([
      t().recording,
      `${t().notRecording} — ${s.store.refusing.code}: ${s.store.refusing[lang]} (${s.store.refusing.detail})`,
      true,
    ]);
  for (const a of s.store.alarms) rows.push([t().alarms, `${a.code}: ${a[lang]} (${a.detail})`, true]);
  $('overview').replaceChildren(...rows.flatMap(([k, v, bad]) => [el('dt', '', k), el('dd', bad ? 'bad' : '', v)]));
  $('scanners').replaceChildren(
    ...(s.scanners.length
      ? s.scanners.map((x) =>
          line(
            x.id,
            `${t().scannerStates[x.state] ?? x.state} — ${x.text[lang]}${x.detail ? ` (${x.detail})` : ''}`,
            x.state !== 'connected',
          ),
        )
      : [el('li', '', t().none)]),
  );
  $('rejects').replaceChildren(
    ...(s.rejects.byCode.length ? s.rejects.byCode.map((r) => line(`${r.code} ×${r.count}`, r[lang])) : [el('li', '', t().none)]),
  );
  $('config').textContent = JSON.stringify(s.config, null, 2);
}

/** One row of a list; `bad` marks what needs the technician (a scanner not connected). */
function line(code, text, bad = false) {
  const li = el('li', bad ? 'bad' : '');
  li.append(el('span', 'code', code), el('span', '', text));
  return li;
}

async function api(path, init) {
  const res = await fetch(path, { credentials: 'same-origin', ...init });
  if (res.status === 401) {
    show(false);
    return null;
  }
  return res;
}

function show(loggedIn) {
  $('login').hidden = loggedIn;
  $('tools').hidden = !loggedIn;
  $('logout').hidden = !loggedIn;
}

async function load() {
  const res = await api('/api/tech/summary');
  if (!res || !res.ok) return;
  summary = await res.json();
  // The export's day defaults to today by the kiosk's clock, not the technician's laptop.
  if (!$('day').dataset.touched) $('day').value = summary.clock.now.slice(0, 10);
  show(true);
  renderSummary();
}

$('login').addEventListener('submit', async (e) => {
  e.preventDefault();
  $('login-result').textContent = '';
  const res = await fetch('/api/tech/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ password: $('password').value }),
  });
  $('password').value = '';
  if (res.status === 204) return load();
  const body = await res.json().catch(() => ({}));
  $('login-result').textContent = body[lang] ?? String(res.status);
});

$('logout').addEventListener('click', async () => {
  await fetch('/api/tech/logout', { method: 'POST' });
  summary = null;
  show(false);
});

$('decode').addEventListener('submit', async (e) => {
  e.preventDefault();
  const res = await api('/api/tech/decode', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ payload: $('payload').value }),
  });
  if (res) $('decode-result').textContent = JSON.stringify(await res.json(), null, 2);
});

$('export').addEventListener('submit', (e) => {
  e.preventDefault();
  const full = $('full').checked;
  if (full && !window.confirm(t().confirmFull)) return;
  const a = el('a');
  a.href = `/api/tech/export.csv?day=${encodeURIComponent($('day').value)}${full ? '&full=true' : ''}`;
  a.download = '';
  document.body.append(a);
  a.click();
  a.remove();
});

$('day').addEventListener('change', () => ($('day').dataset.touched = '1'));

$('lang').addEventListener('click', () => {
  lang = lang === 'vi' ? 'en' : 'vi';
  saveLang(lang);
  renderStatic();
});

// No default day from the browser's date: the laptop's zone and clock may not be the kiosk's. load() sets it from
// the kiosk's own date, before the form is shown.
renderStatic();
show(false);
$('login').hidden = true;
void (async () => {
  const res = await fetch('/api/tech/session');
  const session = await res.json();
  if (session.authenticated) await load();
  else show(false);
})();
