/** Stable error codes; each maps to exactly one HTTP status. */
export const ERROR_STATUS = {
  VALIDATION: 400,
  BAD_REQUEST: 400,
  UNAUTHENTICATED: 401,
  BAD_CREDENTIALS: 401,
  CSRF: 403,
  FORBIDDEN: 403,
  TEMPLATE_NOT_OWNED: 403,
  PASSWORD_CHANGE_REQUIRED: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  USERNAME_TAKEN: 409,
  INVALID_STATE: 409,
  VISIT_TIME_INVALID: 400,
  PHOTO_NOT_IMAGE: 400,
  PHOTO_TOO_LARGE: 413,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  ACCOUNT_LOCKED: 423,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  /** another process holds the database's write lock for longer than a write waits (SQLite) */
  BUSY: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface FieldError {
  code: string;
  field: string;
  message_zh: string;
  message_en: string;
  /** on a duplicate ID number: the resident who holds it, when the caller may see her */
  existingResidentId?: string;
}

export interface Message {
  zh: string;
  en: string;
}

/** The one error type that crosses module boundaries. */
export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    readonly messages: Message,
    readonly errors: FieldError[] = [],
  ) {
    super(messages.en);
    this.status = ERROR_STATUS[code];
  }

  toBody(): Record<string, unknown> {
    return {
      statusCode: this.status,
      code: this.code,
      message_zh: this.messages.zh,
      message_en: this.messages.en,
      ...(this.errors.length > 0 ? { errors: this.errors } : {}),
    };
  }
}

export const notFound = (what: Message = { zh: '对象', en: 'object' }): AppError =>
  new AppError('NOT_FOUND', { zh: `${what.zh}不存在或不在您的管辖范围内`, en: `${what.en} not found` });

export const forbidden = (): AppError =>
  new AppError('FORBIDDEN', { zh: '您没有执行此操作的权限', en: 'You do not have permission for this action' });

export const unauthenticated = (): AppError =>
  new AppError('UNAUTHENTICATED', { zh: '请先登录', en: 'Please sign in' });

/** A single-field validation error (400). */
export const invalidField = (field: string, code: string, message: Message): AppError =>
  new AppError('VALIDATION', { zh: '输入有误', en: 'Invalid input' }, [
    { code, field, message_zh: message.zh, message_en: message.en },
  ]);

export const conflict = (code: ErrorCode, field: string, message: Message): AppError =>
  new AppError(code, message, [{ code: 'conflict', field, message_zh: message.zh, message_en: message.en }]);
