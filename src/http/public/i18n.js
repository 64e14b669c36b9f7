/* global localStorage -- browser script */
// The page's own words. Reasons, warnings and states come from the daemon's code catalogue (src/core/codes.ts) in both
// languages with each event, so they are not repeated here.
export const TEXTS = {
  vi: {
    accepted: 'ĐÃ GHI NHẬN',
    acceptedWarn: 'ĐÃ GHI NHẬN · CẦN LƯU Ý',
    rejected: 'KHÔNG GHI NHẬN',
    blockedStore: 'KIOSK ĐANG KHÔNG GHI NHẬN',
    blockedStoreHint: 'Lượt quét lúc này không được lưu. Ghi tạm vào sổ và báo kỹ thuật viên.',
    blockedScanner: 'MÁY QUÉT KHÔNG HOẠT ĐỘNG',
    blockedNoScanner: 'KHÔNG CÓ MÁY QUÉT',
    blockedScannerHint: 'Chưa quét được. Dùng nhập tay bên dưới và báo kỹ thuật viên.',
    scannerDown: (id, text) => `Máy quét ${id} không hoạt động: ${text}`,
    manualScanner: 'nhập tại quầy',
    idle: 'Mời quét mã QR',
    idleHint: 'Căn cước, thẻ BHYT hoặc mã QR cá nhân',
    dirIn: 'VÀO',
    dirOut: 'RA',
    previous: 'Lượt trước',
    lastAt: (time, ago) => `Lượt trước lúc ${time} (${ago})`,
    secondsAgo: (n) => `${n} giây trước`,
    minutesAgo: (n) => `${n} phút trước`,
    countIn: 'Lượt vào hôm nay',
    countOut: 'Lượt ra hôm nay',
    countInside: 'Đang ở trong (tính cả hôm trước)',
    countRejected: 'Lượt bị từ chối hôm nay',
    systemTitle: 'Trạng thái',
    insideTitle: 'Đang ở trong',
    insideEmpty: 'Chưa có ai.',
    insideMore: (n) => `và ${n} người khác`,
    scanner: 'Máy quét',
    broker: 'Máy chủ',
    storage: 'Bộ nhớ',
    pending: (n) => `${n} lượt chờ gửi`,
    clockUnsynced: 'Đồng hồ kiosk chưa đồng bộ giờ',
    noScanners: 'Chưa cấu hình máy quét',
    pageOffline: 'Mất kết nối với kiosk — đang kết nối lại… Màn hình có thể chưa cập nhật.',
    manualOpen: 'Nhập tay (khách không có mã QR)',
    manualNumber: 'Số định danh (12 số) hoặc mã BHYT',
    manualName: 'Họ tên',
    manualDirection: 'Hướng',
    manualSubmit: 'Ghi nhận',
    manualSent: 'Đã ghi nhận.',
    manualFailed: 'Không gửi được, vui lòng thử lại.',
    techLink: 'Kỹ thuật viên',
    manualTag: 'nhập tay',
    autoTag: 'tự động ra cuối ngày',
    types: { cccd: 'Căn cước', bhyt: 'Thẻ BHYT', pccovid: 'Mã QR cá nhân', 'id-number': 'Số định danh' },
    langButton: 'EN',
    langLabel: 'Switch to English',
    soundOn: 'Âm thanh: bật',
    soundOff: 'Âm thanh: tắt',
    soundLabel: 'Bật hoặc tắt tiếng báo khi quét',
  },
  en: {
    accepted: 'ACCEPTED',
    acceptedWarn: 'ACCEPTED · PLEASE CHECK',
    rejected: 'NOT ACCEPTED',
    blockedStore: 'THE KIOSK IS NOT RECORDING',
    blockedStoreHint: 'Scans are not being saved. Note visitors on paper and call the technician.',
    blockedScanner: 'THE SCANNER IS NOT WORKING',
    blockedNoScanner: 'NO SCANNER',
    blockedScannerHint: 'Scanning is not possible. Use manual entry below and call the technician.',
    scannerDown: (id, text) => `Scanner ${id} is not working: ${text}`,
    manualScanner: 'typed at the desk',
    idle: 'Please scan your QR code',
    idleHint: 'Citizen ID, health-insurance card or personal QR',
    dirIn: 'IN',
    dirOut: 'OUT',
    previous: 'Previous scan',
    lastAt: (time, ago) => `Previous scan at ${time} (${ago})`,
    secondsAgo: (n) => `${n} s ago`,
    minutesAgo: (n) => `${n} min ago`,
    countIn: 'Arrivals today',
    countOut: 'Departures today',
    countInside: 'Inside now (including earlier days)',
    countRejected: 'Refused today',
    systemTitle: 'Status',
    insideTitle: 'Inside now',
    insideEmpty: 'Nobody yet.',
    insideMore: (n) => `and ${n} more`,
    scanner: 'Scanner',
    broker: 'Server',
    storage: 'Storage',
    pending: (n) => `${n} waiting to be sent`,
    clockUnsynced: 'The kiosk clock is not synchronised',
    noScanners: 'No scanner configured',
    pageOffline: 'Lost the connection to the kiosk — reconnecting… The screen may be out of date.',
    manualOpen: 'Manual entry (visitor without a QR)',
    manualNumber: 'ID number (12 digits) or health-insurance number',
    manualName: 'Full name',
    manualDirection: 'Direction',
    manualSubmit: 'Record',
    manualSent: 'Recorded.',
    manualFailed: 'Could not send; please try again.',
    techLink: 'Technician',
    manualTag: 'typed in',
    autoTag: 'automatic end-of-day checkout',
    types: { cccd: 'Citizen ID', bhyt: 'Health insurance', pccovid: 'Personal QR', 'id-number': 'ID number' },
    langButton: 'VI',
    langLabel: 'Chuyển sang tiếng Việt',
    soundOn: 'Sound: on',
    soundOff: 'Sound: off',
    soundLabel: 'Turn the scan tones on or off',
  },
};

const KEY = 'qrgate.lang';

export function savedLang() {
  try {
    return localStorage.getItem(KEY) === 'en' ? 'en' : 'vi';
  } catch {
    return 'vi';
  }
}

export function saveLang(lang) {
  try {
    localStorage.setItem(KEY, lang);
  } catch {
    // private mode or storage disabled: the choice lasts for this page only
  }
}

/** Fills every element marked `data-t="key"` with that text. */
export function applyStatic(root, t) {
  for (const el of root.querySelectorAll('[data-t]')) {
    const text = t[el.dataset.t];
    if (typeof text === 'string') el.textContent = text;
  }
}
