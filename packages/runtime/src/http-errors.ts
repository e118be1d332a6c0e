/** Fastify's own error codes, in the words our API uses for every other 4xx. */
const FRAMEWORK_CODES: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_content_length',
};

/** The `error` field of a 4xx answer for an error's code. */
export function httpErrorCode(code: string | undefined): string {
  if (!code) return 'bad_request';
  return FRAMEWORK_CODES[code] ?? code.toLowerCase();
}
