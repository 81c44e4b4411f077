export {
  ApiClient,
  type ApiClientOptions,
  CSRF_COOKIE,
  CSRF_HEADER,
  type HttpMethod,
  type QueryValue,
  type RequestOptions,
  SESSION_MODE_HEADER,
  type SessionEndReason,
} from './api-client';
export { apiBaseUrl, DEFAULT_API_BASE_URL } from './api-config';
export { ApiProvider, useApi, useApiClient } from './api-context';
export { ApiError, type ApiFieldError, isApiError, type ValidationIssue } from './api-error';
export { type ApiBundle, browserApi } from './browser-api';
export { readCookie } from './cookies';
export { isPublicPath, loginUrl, safeNextPath } from './navigation';
export { createPolisApi, type PolisApi, type SessionResponse, validated } from './polis-api';
