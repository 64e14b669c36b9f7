/**
 * The one catalog of stable codes: every code qrgate shows to a person, logs for a technician or sends to an operator,
 * with the layer it comes from, its Vietnamese and English text, and the HTTP status where the local API returns it.
 * docs/codes.md is generated from it (`npm run docs:codes`) and a test keeps both, and every code in the sources, in
 * step.
 *
 * Codes are the contract (tests, MQTT consumers and the status page branch on them); the texts may be reworded.
 * Messages never contain payload data: they are safe to log and to show on a public screen.
 */
export interface CodeText {
  readonly vi: string;
  readonly en: string;
}

export const DECODE_ERRORS = {
  E_EMPTY: { vi: 'Mã quét trống.', en: 'The scan is empty.' },
  E_TOO_LONG: {
    vi: 'Mã quét quá dài (trên 4096 byte), không phải giấy tờ tùy thân.',
    en: 'The scan is longer than 4096 bytes; it is not an identity document.',
  },
  E_ENCODING: {
    vi: 'Mã quét không phải văn bản UTF-8. Hãy đặt máy quét xuất UTF-8.',
    en: 'The scan is not UTF-8 text. Set the scanner to UTF-8 output.',
  },
  E_CCCD_FIELDS: {
    vi: 'Mã QR căn cước bị thiếu trường (quét chưa hết). Vui lòng quét lại.',
    en: 'The citizen-ID QR has too few fields (incomplete scan). Please scan again.',
  },
  E_CCCD_NUMBER: {
    vi: 'Số căn cước trong mã QR không hợp lệ (phải gồm 12 chữ số).',
    en: 'The citizen-ID number in the QR is invalid (it must be 12 digits).',
  },
  E_BHYT_FIELDS: {
    vi: 'Mã QR thẻ BHYT bị thiếu trường (quét chưa hết). Vui lòng quét lại.',
    en: 'The health-insurance QR has too few fields (incomplete scan). Please scan again.',
  },
  E_BHYT_NUMBER: {
    vi: 'Mã số thẻ BHYT không hợp lệ (phải gồm 10 chữ số hoặc 15 ký tự).',
    en: 'The health-insurance card number is invalid (it must be 10 digits or 15 characters).',
  },
  E_PCCOVID_FIELDS: {
    vi: 'Mã QR cá nhân (PC-Covid) không đúng định dạng.',
    en: 'The personal (PC-Covid) QR is malformed.',
  },
  E_CCCD_LAYOUT: {
    vi: 'Mã QR căn cước bị lệch cột (có ngày hoặc chữ số ở chỗ họ tên). Hãy quét mã QR trên thẻ căn cước.',
    en: 'The citizen-ID QR has its fields out of order (a date or digits where the name belongs). Scan the QR on the card itself.',
  },
  E_ID_NUMBER: {
    vi: 'Số định danh cá nhân phải gồm đúng 12 chữ số.',
    en: 'A personal ID number must be exactly 12 digits.',
  },
  E_MANUAL_NUMBER: {
    vi: 'Nhập số định danh 12 chữ số, mã số BHXH 10 chữ số hoặc mã thẻ BHYT 15 ký tự.',
    en: 'Type the 12-digit personal ID number, the 10-digit social-insurance number or the 15-character health-insurance card number.',
  },
  E_NOT_IDENTITY: {
    vi: 'Mã này không phải giấy tờ tùy thân (ví dụ hộ chiếu vắc xin hoặc đường dẫn web).',
    en: 'This QR is not an identity document (for example a vaccine certificate or a web link).',
  },
  E_VENUE_QR: {
    vi: 'Đây là mã địa điểm, không phải giấy tờ cá nhân.',
    en: 'This is a venue (location) QR, not a personal document.',
  },
  E_PROVISIONING_QR: {
    vi: 'Đây là mã cài đặt kiosk, không phải giấy tờ tùy thân. Lượt quét không được ghi nhận.',
    en: 'This is a kiosk set-up (provisioning) QR, not an identity document. The scan was not recorded.',
  },
  E_UNRECOGNIZED: {
    vi: 'Không nhận ra loại mã này. Hãy quét mã QR trên căn cước hoặc thẻ BHYT.',
    en: 'This code is not a recognised identity format. Scan the QR on the citizen-ID or health-insurance card.',
  },
  E_INTERNAL: {
    vi: 'Lỗi nội bộ khi đọc mã. Vui lòng quét lại và báo kỹ thuật viên.',
    en: 'Internal error while decoding the scan. Please scan again and tell the technician.',
  },
} as const satisfies Record<string, CodeText>;

export const DECODE_WARNINGS = {
  W_MOJIBAKE_REPAIRED: {
    vi: 'Đã sửa lỗi bảng mã (UTF-8 bị đọc nhầm thành Latin-1).',
    en: 'Repaired text that had been UTF-8 misread as Latin-1.',
  },
  W_CCCD_6_FIELDS: {
    vi: 'Mã căn cước dạng 6 trường (do ứng dụng khác tạo lại, không phải mã gốc trên thẻ).',
    en: 'Six-field citizen-ID layout (re-emitted by another app, not the card’s own QR).',
  },
  W_DATE_INVALID: { vi: 'Có ngày tháng không hợp lệ.', en: 'A date is not a valid calendar date.' },
  W_BIRTH_IN_FUTURE: { vi: 'Ngày sinh ở tương lai.', en: 'The birth date is in the future.' },
  W_ISSUED_BEFORE_BIRTH: { vi: 'Ngày cấp trước ngày sinh.', en: 'The issue date is before the birth date.' },
  W_ISSUED_IN_FUTURE: { vi: 'Ngày cấp ở tương lai.', en: 'The issue date is in the future.' },
  W_ISSUED_BEFORE_CHIP: {
    vi: 'Ngày cấp trước khi có thẻ căn cước gắn chip (23/01/2021).',
    en: 'The issue date is before chip citizen-ID cards existed (2021-01-23).',
  },
  W_SEX_MISMATCH: {
    vi: 'Giới tính không khớp với số căn cước.',
    en: 'The sex field does not match the ID number.',
  },
  W_BIRTH_YEAR_MISMATCH: {
    vi: 'Năm sinh không khớp với số căn cước.',
    en: 'The birth year does not match the ID number.',
  },
  W_UNKNOWN_PROVINCE: {
    vi: 'Mã tỉnh trong số căn cước không có trong danh mục.',
    en: 'The province code of the ID number is not in the table.',
  },
  W_DIACRITICS_LOST: {
    vi: 'Tên hoặc địa chỉ bị mất dấu tiếng Việt (máy quét đang xuất ASCII).',
    en: 'Vietnamese diacritics were lost (the scanner is sending ASCII only).',
  },
  W_FIELD_FORMAT: {
    vi: 'Có trường dữ liệu không đúng định dạng.',
    en: 'A field has an unexpected format.',
  },
  W_HEX_REPAIRED: {
    vi: 'Đã sửa lỗi bộ gõ tiếng Việt (Telex) trong mã thẻ BHYT.',
    en: 'Repaired Vietnamese keyboard (Telex) damage in the health-insurance QR.',
  },
  W_NAME_UNDECODABLE: {
    vi: 'Không giải mã được họ tên trên thẻ BHYT; giữ nguyên dữ liệu gốc.',
    en: 'The name on the health-insurance card could not be decoded; the raw value is kept.',
  },
  W_TEXT_UNDECODABLE: {
    vi: 'Không giải mã được một trường văn bản trên thẻ BHYT; giữ nguyên dữ liệu gốc.',
    en: 'A text field on the health-insurance card could not be decoded; the raw value is kept.',
  },
  W_CARD_EXPIRED: { vi: 'Thẻ BHYT đã hết hạn.', en: 'The health-insurance card has expired.' },
  W_CARD_NOT_YET_VALID: {
    vi: 'Thẻ BHYT chưa đến ngày có hiệu lực.',
    en: 'The health-insurance card is not valid yet.',
  },
  W_BHYT_LEGACY_BENEFIT: {
    vi: 'Mã quyền lợi BHYT thuộc mẫu thẻ cũ (6 hoặc 7).',
    en: 'The health-insurance benefit level is a legacy code (6 or 7).',
  },
  W_BHYT_UNKNOWN_OBJECT: {
    vi: 'Mã đối tượng BHYT không có trong danh mục.',
    en: 'The health-insurance beneficiary object code is not in the table.',
  },
  W_BHYT_LEGACY_NUMBER: {
    vi: 'Mã số thẻ BHYT theo mẫu cũ (có chữ cái trong 10 ký tự cuối).',
    en: 'Legacy health-insurance number (letters in the last 10 characters).',
  },
} as const satisfies Record<string, CodeText>;

/** Codes of the check-in store and pipeline: the first two are shown to the visitor, the others raise alarms. */
export const STORE_CODES = {
  E_STORE_FULL: {
    vi: 'Kiosk hết chỗ lưu trữ, chưa ghi nhận lượt quét. Vui lòng báo lễ tân.',
    en: 'The kiosk’s storage is full; the scan was NOT recorded. Please tell the receptionist.',
  },
  E_STORE_WRITE: {
    vi: 'Kiosk không ghi được dữ liệu, chưa ghi nhận lượt quét. Vui lòng báo lễ tân.',
    en: 'The kiosk cannot write its storage; the scan was NOT recorded. Please tell the receptionist.',
  },
  E_STORE_CORRUPT: {
    vi: 'Cơ sở dữ liệu bị hỏng đã được chuyển sang bên và tạo mới; các lượt chưa gửi đọc được đã được chép sang.',
    en: 'The database was corrupt; it was moved aside, a fresh one started, and the unsent rows it still gives were taken over.',
  },
  E_STORE_UNREADABLE: {
    vi: 'Một lượt chưa gửi không đọc lại được (dữ liệu đã mã hóa bị hỏng trên thẻ nhớ); đã để riêng, không gửi.',
    en: 'A check-in waiting to be sent could not be read back (its sealed document is damaged on the medium); it was set aside, not sent.',
  },
  E_STORE_KEY: {
    vi: 'Khóa mã hóa dữ liệu bị thiếu, không đọc được hoặc không khớp với cơ sở dữ liệu.',
    en: 'The data-sealing key is missing, cannot be read, or does not match the database.',
  },
  E_STORE_VERSION: {
    vi: 'Cơ sở dữ liệu do phiên bản qrgate mới hơn tạo ra.',
    en: 'The database was written by a newer qrgate version.',
  },
  E_STORE_UNAVAILABLE: {
    vi: 'Không kết nối được cơ sở dữ liệu trung tâm (PostgreSQL) hoặc nó không trả lời kịp; chưa lưu, chưa xác nhận, nên kiosk giữ lại và gửi lại sau.',
    en: 'The central database (PostgreSQL) cannot be reached or did not answer in time; nothing was stored or acknowledged, so the kiosks keep their check-ins and send them again.',
  },
  E_STORE_REFUSED: {
    vi: 'Cơ sở dữ liệu trung tâm (PostgreSQL) từ chối thao tác (ví dụ đầy đĩa, chỉ đọc, thiếu quyền; xem mã SQLSTATE); chưa lưu gì.',
    en: 'The central database (PostgreSQL) refused the operation (for example a full disk, read-only, or missing privileges: see the SQLSTATE); nothing was stored.',
  },
  W_KEY_PERMISSIONS: {
    vi: 'Tệp khóa có thể bị người dùng khác đọc (cần quyền 0600).',
    en: 'The key file is readable by other users (it should be mode 0600).',
  },
} as const satisfies Record<string, CodeText>;

export type StoreCode = keyof typeof STORE_CODES;

/** Why the central broker cannot be reached; shown to technicians on the status page and in the log. */
export const MQTT_CODES = {
  E_MQTT_UNREACHABLE: {
    vi: 'Không kết nối được máy chủ MQTT (mạng hoặc địa chỉ). Lượt quét vẫn được lưu trên kiosk.',
    en: 'The MQTT broker cannot be reached (network or address). Scans are still recorded on the kiosk.',
  },
  E_MQTT_AUTH: {
    vi: 'Máy chủ MQTT từ chối tên đăng nhập hoặc mật khẩu.',
    en: 'The MQTT broker refused the user name or password.',
  },
  E_MQTT_TLS: {
    vi: 'Lỗi chứng chỉ TLS khi kết nối máy chủ MQTT.',
    en: 'TLS certificate problem while connecting to the MQTT broker.',
  },
  E_MQTT_FILE: {
    vi: 'Không đọc được tệp mật khẩu hoặc chứng chỉ MQTT.',
    en: 'A password or certificate file for MQTT cannot be read.',
  },
  E_MQTT_CONNECT: {
    vi: 'Máy chủ MQTT đóng kết nối.',
    en: 'The MQTT broker closed the connection.',
  },
  E_MQTT_CLIENTID_TAKEN: {
    vi: 'Một tiến trình khác đã kết nối máy chủ MQTT với cùng client id và chiếm phiên này. Hai tiến trình không bao giờ được dùng chung một client id: đặt cho mỗi tiến trình một id riêng (broker.clientId) rồi mới khởi động lại.',
    en: 'Another process connected to the MQTT broker with the same client id and took this session over. Two processes must never share a client id: give each its own (broker.clientId), then start this one again.',
  },
  E_UNKNOWN_OP: { vi: 'Yêu cầu không được hỗ trợ.', en: 'Unknown request operation.' },
  W_MQTT_PLAINTEXT: {
    vi: 'Kết nối MQTT không mã hóa (mqtt.allowPlaintext): dữ liệu cá nhân đi qua mạng ở dạng đọc được. Hãy dùng mqtts://.',
    en: 'The MQTT connection is not encrypted (mqtt.allowPlaintext): personal data crosses the network readable. Use mqtts://.',
  },
  E_BAD_REQUEST: {
    vi: 'Nội dung yêu cầu không hợp lệ (resend cần {from, to}, from ≤ to, tối đa 5000 lượt).',
    en: 'The request body is invalid (resend needs {from, to}, from ≤ to, at most 5000 check-ins).',
  },
} as const satisfies Record<string, CodeText>;

export type MqttCode = keyof typeof MQTT_CODES;

/** Outcomes of `qrgate provision` (src/provision), shown to the technician setting a kiosk up. */
export const PROVISION_CODES = {
  E_PROVISION_INVALID: {
    vi: 'Mã cài đặt không hợp lệ: bị hỏng, bị giả mạo hoặc được tạo bằng khóa cài đặt khác.',
    en: 'The provisioning QR is invalid: damaged, forged, or made with another enrolment key.',
  },
  E_PROVISION_EXPIRED: {
    vi: 'Mã cài đặt đã hết hạn. Hãy tạo mã mới bằng "qrgate provision --make-qr".',
    en: 'The provisioning QR has expired. Make a new one with "qrgate provision --make-qr".',
  },
  E_PROVISION_USED: {
    vi: 'Mã cài đặt này đã được dùng trên kiosk này. Mỗi mã chỉ dùng được một lần.',
    en: 'This provisioning QR was already used on this kiosk. Each QR works once.',
  },
  E_PROVISION_KEY: {
    vi: 'Không đọc được khóa cài đặt (enrolment key) hoặc khóa sai định dạng.',
    en: 'The enrolment key file cannot be read or is not a valid key.',
  },
  E_PROVISION_CHECK: {
    vi: 'Kiểm tra trước khi lưu không đạt (máy chủ MQTT hoặc máy quét). Chưa lưu gì.',
    en: 'A check before saving failed (MQTT broker or scanner). Nothing was saved.',
  },
  E_PROVISION_CONFIG: {
    vi: 'Cấu hình sau khi thay đổi sẽ không hợp lệ. Chưa lưu gì.',
    en: 'The configuration would be invalid after the change. Nothing was saved.',
  },
  E_PROVISION_WRITE: {
    vi: 'Không ghi được tệp cấu hình hoặc tệp mật khẩu.',
    en: 'The configuration or password file cannot be written.',
  },
  E_PROVISION_SCANNER: {
    vi: 'Không mở được máy quét (chưa cắm hoặc sai đường dẫn), hoặc máy quét không gửi lượt quét nào kịp thời.',
    en: 'The scanner cannot be opened (not plugged in, or a wrong path), or it sent no scan in time.',
  },
  E_PROVISION_TIMEOUT: {
    vi: 'Hết thời gian chờ mà chưa quét được mã cài đặt hợp lệ.',
    en: 'No valid provisioning QR was scanned before the time limit.',
  },
} as const satisfies Record<string, CodeText>;

export type ProvisionCode = keyof typeof PROVISION_CODES;

/** States the status page shows for the broker and the scanners (src/http); not errors of a scan. */
export const STATUS_TEXTS = {
  S_MQTT_CONNECTED: { vi: 'Đã kết nối máy chủ trung tâm.', en: 'Connected to the central server.' },
  S_MQTT_OFFLINE: {
    vi: 'Mạng mất nhưng vẫn đang ghi nhận. Lượt quét sẽ được gửi khi có mạng lại.',
    en: 'Network down, but scans are still being recorded. They will be sent when the network is back.',
  },
  S_MQTT_DISABLED: { vi: 'Chỉ ghi nhận tại kiosk (không gửi về trung tâm).', en: 'Recording on this kiosk only (no central server).' },
  // The broker is away while the store refuses: S_MQTT_OFFLINE's "still recording" would be untrue.
  S_MQTT_UNREACHABLE: { vi: 'Mất kết nối máy chủ trung tâm.', en: 'No connection to the central server.' },
  // Why the kiosk is not recording (E_STORE_FULL, E_STORE_WRITE), as the receptionist reads it on the main panel:
  // the E_ texts are the visitor's, for one refused scan.
  S_STORE_FULL: { vi: 'Bộ nhớ của kiosk đã đầy.', en: 'The kiosk’s storage is full.' },
  S_STORE_WRITE: { vi: 'Kiosk không ghi được vào bộ nhớ.', en: 'The kiosk cannot write to its storage.' },
  S_SCANNER_CONNECTED: { vi: 'Máy quét sẵn sàng.', en: 'Scanner ready.' },
  S_SCANNER_DISCONNECTED: {
    vi: 'Máy quét chưa cắm hoặc mất kết nối. Kiểm tra dây cáp.',
    en: 'Scanner unplugged or not responding. Check the cable.',
  },
  S_SCANNER_STOPPED: { vi: 'Máy quét chưa chạy.', en: 'Scanner not started.' },
  // What the visitor at the gate is told when the driver discarded an oversized scan (E_FRAME_TOO_LONG, whose text is
  // the technician's): nothing was stored, the page shows it as a refusal.
  S_SCAN_TOO_LONG: {
    vi: 'Không đọc được mã: lượt quét quá dài hoặc bị nhiễu. Vui lòng quét lại; nếu vẫn lỗi, báo lễ tân.',
    en: 'The code could not be read: the scan was too long or garbled. Please scan again; if it keeps failing, tell the receptionist.',
  },
} as const satisfies Record<string, CodeText>;

/** Errors of the local HTTP API (src/http), returned as `{ code, vi, en }`. */
export const HTTP_CODES = {
  E_HTTP_BAD_REQUEST: { vi: 'Yêu cầu không hợp lệ.', en: 'The request is invalid.' },
  E_HTTP_NOT_FOUND: { vi: 'Không có trang này.', en: 'No such page.' },
  E_HTTP_LOGIN_FAILED: { vi: 'Sai mật khẩu.', en: 'Wrong password.' },
  E_HTTP_NO_PASSWORD: {
    vi: 'Chưa đặt mật khẩu kỹ thuật viên (http.passwordHashFile). Dùng lệnh "qrgate hash-password".',
    en: 'No technician password is set (http.passwordHashFile). Create one with "qrgate hash-password".',
  },
  E_HTTP_UNAUTHORIZED: { vi: 'Cần đăng nhập kỹ thuật viên.', en: 'Technician login required.' },
  E_HTTP_RATE_LIMITED: { vi: 'Thử quá nhiều lần. Vui lòng đợi một phút.', en: 'Too many attempts. Please wait a minute.' },
  E_HTTP_INTERNAL: { vi: 'Lỗi nội bộ của kiosk.', en: 'Internal error in the kiosk.' },
  E_HTTP_HOST: {
    vi: 'Kiosk không phục vụ tên máy này. Hãy mở trang bằng địa chỉ của kiosk (hoặc thêm tên vào http.allowedHosts).',
    en: 'The kiosk does not answer to this host name. Open the page by the kiosk’s address (or add the name to http.allowedHosts).',
  },
  E_HTTP_ORIGIN: {
    vi: 'Yêu cầu đến từ một trang web khác và đã bị từ chối.',
    en: 'The request came from another web site and was refused.',
  },
  E_HTTP_LOGIN_REQUIRED: {
    vi: 'Nhập thủ công từ máy này cần đăng nhập kỹ thuật viên (chỉ màn hình của kiosk được nhập không cần đăng nhập).',
    en: 'Manual entry from this computer needs a technician login (only the kiosk’s own screen may enter without one).',
  },
  E_HTTP_TOO_MANY_STREAMS: {
    vi: 'Máy này đã mở quá nhiều trang trạng thái. Hãy đóng bớt.',
    en: 'This computer has too many status pages open. Close some.',
  },
  E_HTTP_BUSY: {
    vi: 'Kiosk đang phục vụ quá nhiều trang trạng thái. Thử lại sau.',
    en: 'The kiosk is serving too many status pages. Try again later.',
  },
  E_HTTP_FORBIDDEN: {
    vi: 'Vai trò của bạn không được phép xem dữ liệu này (cần vai trò truy vết).',
    en: 'Your role may not see this (it needs the tracer role).',
  },
  E_HTTP_OPERATOR_LOGIN: { vi: 'Cần đăng nhập (người vận hành trung tâm).', en: 'An operator login is required.' },
  E_HTTP_NO_SUCH_CHECKIN: { vi: 'Không có lượt quét này.', en: 'No such check-in.' },
} as const satisfies Record<string, CodeText>;

/** Codes the daemon logs about its own set-up (configuration, the status page's server), for the technician. */
export const DAEMON_CODES = {
  E_CONFIG: {
    vi: 'Tệp cấu hình không hợp lệ; mọi lỗi được liệt kê kèm đường dẫn khóa. Dịch vụ dừng (mã thoát 78) cho đến khi sửa xong.',
    en: 'The configuration file is invalid; every problem is listed with its key path. The service stops (exit 78) until it is fixed.',
  },
  E_HTTP_LISTEN: {
    vi: 'Trang trạng thái không mở được cổng (đang bị chiếm hoặc địa chỉ sai); kiosk vẫn ghi nhận lượt quét và thử lại.',
    en: 'The status page could not bind its port (taken, or a wrong address); the kiosk keeps recording scans and tries again.',
  },
  E_HTTP_ASSETS: {
    vi: 'Thiếu các tệp của trang trạng thái (chạy "npm run build"); API vẫn hoạt động.',
    en: 'The status page files are missing (run "npm run build"); the API still works.',
  },
} as const satisfies Record<string, CodeText>;

/** Codes the scanner drivers report in `state` events; the event's `detail` carries the specifics (path, group). */
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

export type StatusTextCode = keyof typeof STATUS_TEXTS;
/** Codes of qrgate central (src/central, docs/central.md) about itself, for its operator. */
export const CENTRAL_CODES = {
  W_CENTRAL_ANONYMOUS: {
    vi: 'broker.allowAnonymous đang bật: mọi máy khách kết nối không cần mật khẩu và gửi như bất kỳ kiosk nào (KHÔNG AN TOÀN, chỉ để thử).',
    en: 'broker.allowAnonymous is on: any client connects without a password and may publish as any kiosk (UNSAFE, for demos and tests only).',
  },
  W_CENTRAL_PLAINTEXT: {
    vi: 'broker.listen.allowPlaintext đang bật: kiosk gửi lượt vào và mật khẩu qua mạng không mã hóa, ai trên đường mạng cũng đọc được. Hãy đặt broker.listen.tls.',
    en: 'broker.listen.allowPlaintext is on: kiosks send check-ins and their passwords across the network unencrypted, readable by anyone on the path. Set broker.listen.tls.',
  },
  E_CENTRAL_LISTEN: {
    vi: 'Trung tâm không khởi động được: cổng MQTT hoặc HTTP đang bị dùng, hoặc không đọc được tệp TLS.',
    en: 'Central could not start: the MQTT or HTTP port is in use, or a TLS file cannot be read.',
  },
} as const satisfies Record<string, CodeText>;

export type HttpCode = keyof typeof HTTP_CODES;
export type DaemonCode = keyof typeof DAEMON_CODES;
export type DriverCode = keyof typeof DRIVER_CODES;

export type DecodeErrorCode = keyof typeof DECODE_ERRORS;
export type DecodeWarningCode = keyof typeof DECODE_WARNINGS;

export type Lang = 'vi' | 'en';

/** The layer a code comes from: where to look first. */
export type CodeLayer = 'decode' | 'store' | 'mqtt' | 'provision' | 'status' | 'http' | 'daemon' | 'driver' | 'central';

const GROUPS = [
  ['decode', DECODE_ERRORS],
  ['decode', DECODE_WARNINGS],
  ['store', STORE_CODES],
  ['mqtt', MQTT_CODES],
  ['provision', PROVISION_CODES],
  ['status', STATUS_TEXTS],
  ['http', HTTP_CODES],
  ['daemon', DAEMON_CODES],
  ['driver', DRIVER_CODES],
  ['central', CENTRAL_CODES],
] as const satisfies ReadonlyArray<readonly [CodeLayer, Readonly<Record<string, CodeText>>]>;

type GroupCodes<G> = G extends readonly [CodeLayer, infer R] ? keyof R : never;
/** Every stable code. */
export type Code = GroupCodes<(typeof GROUPS)[number]>;

/** HTTP status of each API error code (the body is `{ code, vi, en }`): the one place a status is written. */
export const HTTP_STATUS: Readonly<Record<HttpCode, number>> = {
  E_HTTP_BAD_REQUEST: 400,
  E_HTTP_UNAUTHORIZED: 401,
  E_HTTP_LOGIN_FAILED: 401,
  E_HTTP_NOT_FOUND: 404,
  E_HTTP_RATE_LIMITED: 429,
  E_HTTP_INTERNAL: 500,
  E_HTTP_NO_PASSWORD: 503,
  E_HTTP_HOST: 421,
  E_HTTP_ORIGIN: 403,
  E_HTTP_LOGIN_REQUIRED: 401,
  E_HTTP_TOO_MANY_STREAMS: 429,
  E_HTTP_BUSY: 503,
  E_HTTP_FORBIDDEN: 403,
  E_HTTP_OPERATOR_LOGIN: 401,
  E_HTTP_NO_SUCH_CHECKIN: 404,
};

export interface CatalogEntry extends CodeText {
  readonly code: Code;
  readonly layer: CodeLayer;
  readonly status?: number;
}

/** The whole catalog, in documentation order. */
export const CATALOG: readonly CatalogEntry[] = GROUPS.flatMap(([layer, group]) =>
  Object.entries(group as Readonly<Record<string, CodeText>>).map(([code, text]) => {
    const status = (HTTP_STATUS as Readonly<Partial<Record<string, number>>>)[code];
    return { code: code as Code, layer, vi: text.vi, en: text.en, ...(status === undefined ? {} : { status }) };
  }),
);

const BY_CODE: ReadonlyMap<string, CatalogEntry> = new Map(CATALOG.map((e) => [e.code, e]));

export function isCode(code: string): code is Code {
  return BY_CODE.has(code);
}

/** The text for a code in a language; an unknown code (an older or newer peer's) is returned as is, so a screen never goes blank. */
export function describeCode(code: string, lang: Lang): string {
  return BY_CODE.get(code)?.[lang] ?? code;
}

export function knownCodes(): Code[] {
  return CATALOG.map((e) => e.code);
}

export function describeDriverCode(code: DriverCode, lang: Lang): string {
  return DRIVER_CODES[code][lang];
}

export function driverCodes(): DriverCode[] {
  return Object.keys(DRIVER_CODES) as DriverCode[];
}
