/**
 * Stable codes the scanner drivers report in `state` events, with Vietnamese and English text for the technician.
 *
 * Same contract as `src/codes.ts`: the code is what tests, the status page and MQTT consumers branch on; the text
 * may be reworded. The per-event `detail` carries the specifics (path, group, rule file); these texts say what the
 * code means and what to do first.
 */
import type { CodeText, Lang } from '../src/codes.js';

export const UDEV_RULES_FILE = '/etc/udev/rules.d/99-qrgate.rules';
export const SERVICE_GROUP = 'qrgate';

export const DRIVER_CODES = {
  E_FRAME_TOO_LONG: {
    vi: 'Máy quét gửi một chuỗi dài hơn giới hạn mà không có ký tự kết thúc; đã bỏ chuỗi đó. Kiểm tra ký tự kết thúc (CR/LF) đã cài trên máy quét.',
    en: 'The scanner sent a run longer than the frame limit without a terminator; it was discarded. Check the suffix (CR/LF) configured on the scanner.',
  },
  E_PORT_OPEN: {
    vi: 'Không mở được cổng máy quét (đang bị chương trình khác dùng hoặc lỗi thiết bị). Đang thử lại.',
    en: 'Could not open the scanner port (in use by another program, or a device fault). Retrying.',
  },
  E_PERMISSION: {
    vi: 'Dịch vụ không có quyền đọc thiết bị máy quét. Cài tệp luật udev của qrgate và thêm người dùng dịch vụ vào nhóm cần thiết.',
    en: 'The service may not read the scanner device. Install the qrgate udev rules and add the service user to the required group.',
  },
  E_DEVICE_GONE: {
    vi: 'Thiết bị máy quét có tên nhưng không phản hồi (vừa rút ra hoặc đang khởi động lại). Đang chờ thiết bị.',
    en: 'The scanner device node exists but does not respond (just unplugged or resetting). Waiting for it.',
  },
  E_READ_FAILED: {
    vi: 'Lỗi khi đọc dữ liệu từ máy quét. Đang mở lại thiết bị.',
    en: 'Reading from the scanner failed. Reopening the device.',
  },
  E_HID_UNAVAILABLE: {
    vi: 'Không tải được thư viện HID (node-hid). Cài gói Debian còn thiếu rồi khởi động lại dịch vụ; các máy quét không phải HID vẫn hoạt động.',
    en: 'The HID library (node-hid) could not be loaded. Install the missing Debian package and restart the service; non-HID scanners keep working.',
  },
  E_HID_FORMAT: {
    vi: 'Thiết bị HID này không phải máy quét HID-POS hay bàn phím; không đọc được. Chuyển máy quét sang chế độ HID-POS, USB-COM hoặc bàn phím.',
    en: 'This HID device is neither a HID-POS scanner nor a keyboard; it cannot be read. Switch the scanner to HID-POS, USB-COM or keyboard mode.',
  },
  E_CONFIG_INVALID: {
    vi: 'Cấu hình máy quét không hợp lệ.',
    en: 'The scanner configuration is invalid.',
  },
  E_SOURCE_UNREADABLE: {
    vi: 'Không đọc được nguồn dữ liệu của máy quét mô phỏng.',
    en: 'The simulated scanner could not read its source.',
  },
} as const satisfies Record<string, CodeText>;

export type DriverCode = keyof typeof DRIVER_CODES;

export function describeDriverCode(code: DriverCode, lang: Lang): string {
  return DRIVER_CODES[code][lang];
}

export function driverCodes(): DriverCode[] {
  return Object.keys(DRIVER_CODES) as DriverCode[];
}
