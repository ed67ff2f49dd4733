import { ApiError } from '../../api/client';

/** Words for a failed account request (a refused link says why; a rate limit says when to retry). */
export function accountErrorText(error: unknown, fallback: string): string {
  if (error instanceof ApiError) {
    if (error.status === 429) {
      const wait = error.retryAfter ? ` in ${Math.ceil(error.retryAfter / 60)} minute${error.retryAfter > 60 ? 's' : ''}` : ' later';
      return `Too many attempts. Please try again${wait}.`;
    }
    if (error.status === 0) return 'Cannot reach the server. Check your connection and try again.';
    return error.detail ?? error.title;
  }
  return fallback;
}
