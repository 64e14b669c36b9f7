/* global localStorage -- browser script */
// The page's own words. Reasons, warnings and states come from the daemon's code catalogue (src/core/codes.ts) in both
// languages with each event, so they are not repeated here.
export const TEXTS = {
  vi: {
    accepted: 'ĐÃ GHI NHẬN',
    rejected: 'KHÔNG GHI NHẬN',
    idle: 'Mời quét mã QR',
    idleHint: 'Căn cước, thẻ BHYT hoặc mã QR cá nhân',
    dirIn: 'VÀO',
    dirOut: 'RA',
    previous: 'Lượt trước',
    secondsAgo: (n) => `${n} giây trước`,
    minutesAgo: (n) => `${n} phút trước`,
    countIn: 'Vào',
    countOut: 'Ra',
    countInside: 'Đang ở trong',
    countRejected: 'Từ chối',
    systemTitle: 'Trạng thái',
    insideTitle: 'Đang ở trong',
    insideEmpty: 'Chưa có ai.',
    insideMore: (n) => `và ${n} người khác`,
    scanner: 'Máy quét',
    broker: 'Máy chủ',
    pending: (n) => `${n} lượt chờ gửi`,
    clockUnsynced: 'Đồng hồ kiosk chưa đồng bộ giờ',
    noScanners: 'Chưa cấu hình máy quét',
    pageOffline: 'Mất kết nối với kiosk — đang kết nối lại… Màn hình có thể chưa cập nhật.',
    manualOpen: 'Nhập tay (khách không có mã QR)',
    manualNumber: 'Số định danh (12 số)',
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
  },
  en: {
    accepted: 'ACCEPTED',
    rejected: 'NOT ACCEPTED',
    idle: 'Please scan your QR code',
    idleHint: 'Citizen ID, health-insurance card or personal QR',
    dirIn: 'IN',
    dirOut: 'OUT',
    previous: 'Previous scan',
    secondsAgo: (n) => `${n} s ago`,
    minutesAgo: (n) => `${n} min ago`,
    countIn: 'In',
    countOut: 'Out',
    countInside: 'Inside now',
    countRejected: 'Rejected',
    systemTitle: 'Status',
    insideTitle: 'Inside now',
    insideEmpty: 'Nobody yet.',
    insideMore: (n) => `and ${n} more`,
    scanner: 'Scanner',
    broker: 'Server',
    pending: (n) => `${n} waiting to be sent`,
    clockUnsynced: 'The kiosk clock is not synchronised',
    noScanners: 'No scanner configured',
    pageOffline: 'Lost the connection to the kiosk — reconnecting… The screen may be out of date.',
    manualOpen: 'Manual entry (visitor without a QR)',
    manualNumber: 'ID number (12 digits)',
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
