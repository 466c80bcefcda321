import { z } from 'zod';

/** The response formats of every GeoReport method, named by the URL's suffix (`services.json`). */
export const FORMATS = ['json', 'xml'] as const;
export type Format = (typeof FORMATS)[number];

/** Default query limit of GET requests: "a span of 90 days or first 1000 requests, whichever is smallest". */
export const MAX_SPAN_DAYS = 90;
export const MAX_RECORDS = 1000;
const MAX_IDS = 200;

const W3C_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

/**
 * A date in the spec's w3 format. A bare date is midnight in China (UTC+8), where the platform's
 * users live; a date-time must carry its zone, as the spec requires.
 */
const W3cDate = z
  .string()
  .trim()
  .regex(W3C_DATE, { message: 'Use the w3 date format, e.g. 2026-11-01T00:00:00Z' })
  .transform((s, ctx) => {
    const date = new Date(s.length === 10 ? `${s}T00:00:00+08:00` : s);
    if (Number.isNaN(date.getTime())) {
      ctx.addIssue({ code: 'custom', message: 'Not a real date', params: { zh: '日期无效' } });
      return z.NEVER;
    }
    return date;
  });

/** A comma-delimited list, as the spec passes several ids, codes or statuses in one parameter. */
const commaList = <T>(item: z.ZodType<T, string>, max: number) =>
  z
    .string()
    .transform((s) =>
      s
        .split(',')
        .map((x) => x.trim())
        .filter((x) => x !== ''),
    )
    .pipe(z.array(item).max(max));

const ServiceCode = z.string().min(1).max(40);
const RequestId = z.string().regex(/^[A-Za-z0-9-]{1,40}$/, { message: 'Not a service_request_id' });

export const RequestListQuery = z.object({
  service_request_id: commaList(RequestId, MAX_IDS).optional(),
  service_code: commaList(ServiceCode, MAX_IDS).optional(),
  start_date: W3cDate.optional(),
  end_date: W3cDate.optional(),
  status: commaList(z.enum(['open', 'closed']), 2).optional(),
});
export type RequestListQuery = z.infer<typeof RequestListQuery>;

export const UpdateListQuery = z.object({ start_date: W3cDate.optional(), end_date: W3cDate.optional() });
export type UpdateListQuery = z.infer<typeof UpdateListQuery>;

const Name = z.string().trim().max(20);

/**
 * POST requests. Not strict: clients also send jurisdiction_id, api_key and attribute[…], which
 * this server does not need. email, device_id and account_id are accepted and not kept.
 */
export const RequestCreateParams = z
  .object({
    service_code: ServiceCode,
    lat: z.coerce.number().min(-90).max(90).optional(),
    long: z.coerce.number().min(-180).max(180).optional(),
    address_string: z.string().trim().max(200).optional(),
    address_id: z
      .string()
      .trim()
      .regex(/^\d{12}(\d{3})?$/, { message: 'Use the 12-digit community code or the 15-digit grid code' })
      .optional(),
    email: z.string().max(200).optional(),
    device_id: z.string().max(200).optional(),
    account_id: z.string().max(200).optional(),
    first_name: Name.optional(),
    last_name: Name.optional(),
    phone: z.string().trim().max(30).optional(),
    description: z.string().trim().max(4000).optional(),
    // kept normalized (IDN hosts, spaces and CJK percent-encoded), so it reads back as one valid URI
    media_url: z
      .url({ protocol: /^https?$/ })
      .max(2000)
      .transform((u) => new URL(u).href)
      .optional(),
  })
  .superRefine((v, ctx) => {
    if ((v.lat === undefined) !== (v.long === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [v.lat === undefined ? 'lat' : 'long'],
        message: 'Send lat and long together',
        params: { zh: 'lat 和 long 须同时提供' },
      });
    }
  });
export type RequestCreateParams = z.infer<typeof RequestCreateParams>;
