/* global localStorage -- browser script */
// The fleet page's words, Vietnamese first (as the kiosk's page).
export const TEXTS = {
  vi: {
    central: 'trung tâm', logout: 'Đăng xuất', loginTitle: 'Đăng nhập', user: 'Tên đăng nhập', password: 'Mật khẩu', login: 'Đăng nhập',
    loginFailed: 'Sai tên đăng nhập hoặc mật khẩu.', online: 'Trực tuyến', offline: 'Mất kết nối', silent: 'Im lặng', in: 'Vào', out: 'Ra',
    rejected: 'Từ chối', persons: 'Số người', gapsOpen: 'Lượt còn thiếu', sitesTitle: 'Theo địa điểm (hôm nay)', site: 'Địa điểm', kiosks: 'Kiosk',
    offlineTitle: 'Kiosk mất kết nối', silentTitle: 'Kiosk im lặng (trực tuyến nhưng không có lượt quét)', kiosksTitle: 'Tất cả kiosk',
    kiosk: 'Kiosk', state: 'Trạng thái', lastCheckin: 'Lượt quét cuối', version: 'Phiên bản', scanners: 'Máy quét', backlog: 'Chờ gửi',
    clock: 'Đồng hồ', gaps: 'Thiếu / mất', today: 'Hôm nay vào/ra/từ chối', traceTitle: 'Truy vết (ghi nhật ký kiểm tra)',
    traceNote: 'Mỗi truy vấn được ghi lại: ai, khi nào, tìm gì.', number: 'Số giấy tờ', search: 'Tìm', time: 'Thời gian', direction: 'Hướng', name: 'Họ tên',
    none: 'Không có.', since: 'từ', never: 'chưa có', synced: 'đã đồng bộ', unsynced: 'CHƯA đồng bộ', closing: 'đang về', updated: 'Cập nhật',
    stateOnline: 'trực tuyến', stateOffline: 'mất kết nối', ago: (m) => (m < 60 ? `${m} phút trước` : `${Math.round(m / 60)} giờ trước`),
    langButton: 'EN',
  },
  en: {
    central: 'central', logout: 'Log out', loginTitle: 'Log in', user: 'User', password: 'Password', login: 'Log in',
    loginFailed: 'Wrong user or password.', online: 'Online', offline: 'Offline', silent: 'Silent', in: 'In', out: 'Out',
    rejected: 'Rejected', persons: 'Persons', gapsOpen: 'Missing check-ins', sitesTitle: 'By site (today)', site: 'Site', kiosks: 'Kiosks',
    offlineTitle: 'Offline kiosks', silentTitle: 'Silent kiosks (online, no check-ins)', kiosksTitle: 'All kiosks',
    kiosk: 'Kiosk', state: 'State', lastCheckin: 'Last check-in', version: 'Version', scanners: 'Scanners', backlog: 'Backlog',
    clock: 'Clock', gaps: 'Missing / lost', today: 'Today in/out/rejected', traceTitle: 'Tracing (audited)',
    traceNote: 'Every query is recorded: who, when, what.', number: 'Document number', search: 'Search', time: 'Time', direction: 'Direction', name: 'Name',
    none: 'None.', since: 'since', never: 'never', synced: 'synced', unsynced: 'NOT synced', closing: 'arriving', updated: 'Updated',
    stateOnline: 'online', stateOffline: 'offline', ago: (m) => (m < 60 ? `${m} min ago` : `${Math.round(m / 60)} h ago`),
    langButton: 'VI',
  },
};

const KEY = 'qrgate.central.lang';
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
    // storage disabled: the choice lasts for this page
  }
}
